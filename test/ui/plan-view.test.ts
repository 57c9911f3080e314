import { describe, expect, it } from 'vitest';
import { clampCursor, followEnd, moveCursor, nextFilter, visibleIndexes } from '../../source/wizard/plan-view.js';
import { syntheticEntries } from '../helpers/entries.js';

describe('the plan list logic', () => {
  it('keeps the cursor inside the list and the window around the cursor', () => {
    let cursor = { index: 0, top: 0 };
    cursor = moveCursor(cursor, 'up', 100, 10);
    expect(cursor).toEqual({ index: 0, top: 0 });
    cursor = moveCursor(cursor, 'page-down', 100, 10);
    expect(cursor).toEqual({ index: 9, top: 0 });
    cursor = moveCursor(cursor, 'down', 100, 10);
    expect(cursor).toEqual({ index: 10, top: 1 });
    cursor = moveCursor(cursor, 'end', 100, 10);
    expect(cursor).toEqual({ index: 99, top: 90 });
    cursor = moveCursor(cursor, 'page-up', 100, 10);
    expect(cursor).toEqual({ index: 90, top: 90 });
    cursor = moveCursor(cursor, 'home', 100, 10);
    expect(cursor).toEqual({ index: 0, top: 0 });
    expect(clampCursor({ index: 50, top: 45 }, 20, 10)).toEqual({ index: 19, top: 10 });
    expect(moveCursor({ index: 3, top: 0 }, 'down', 0, 10)).toEqual({ index: 0, top: 0 });
    expect(followEnd(100, 10)).toEqual({ index: 99, top: 90 });
  });

  it('filters by action and searches names and platform_ids, case-insensitively', () => {
    const entries = syntheticEntries(20);
    expect(visibleIndexes(entries, 'all', '')).toBeNull();
    const creates = visibleIndexes(entries, 'create', '')!;
    expect(creates.length).toBeGreaterThan(0);
    expect(creates.every((i) => entries[i]!.action === 'create')).toBe(true);
    expect(visibleIndexes(entries, 'all', 'STUDENT 7')).toEqual([7]);
    expect(visibleIndexes(entries, 'all', 'pid-0013')).toEqual([13]);
    expect(nextFilter('error')).toBe('all');
    expect(nextFilter('all')).toBe('create');
  });
});
