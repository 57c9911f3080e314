import { describe, expect, it } from 'vitest';
import { FingerprintTable } from '../../source/engine/fingerprint-table.js';
import { LessonStates } from '../../source/db/fingerprint.js';
import { positionOf, SortedIds, sortedUnique } from '../../source/engine/sorted-ids.js';

const md5 = (n: number) => n.toString(16).padStart(32, '0');

describe('lookups by sorted ids', () => {
  it('sort ids once each and find them, or say they are absent', () => {
    const sorted = sortedUnique([9, 3, 2 ** 40, 3, 0, 9, 12]);
    expect(Array.from(sorted)).toEqual([0, 3, 9, 12, 2 ** 40]);
    expect([0, 3, 9, 12, 2 ** 40].map((id) => positionOf(sorted, id))).toEqual([0, 1, 2, 3, 4]);
    expect([1, 4, 13, 2 ** 41, -1].map((id) => positionOf(sorted, id))).toEqual([-1, -1, -1, -1, -1]);
    expect(positionOf(sortedUnique([]), 1)).toBe(-1);
  });

  it('tell which ids are among a set given as numbers', () => {
    const ids = new SortedIds(Float64Array.from([9, 3, 2 ** 40, 0]));
    expect([9, 3, 2 ** 40, 0].map((id) => ids.has(id))).toEqual([true, true, true, true]);
    expect([1, 10, 2 ** 41, -1].map((id) => ids.has(id))).toEqual([false, false, false, false]);
    expect(new SortedIds(new Float64Array(0)).has(0)).toBe(false);
  });
});

describe('fingerprints by lesson id, held as bytes', () => {
  it('give back each fingerprint read for the ids asked, and nothing for the others', () => {
    const table = new FingerprintTable([7, 3, 7, 100_000, 2 ** 35]);
    expect(table.wanted()).toEqual([3, 7, 100_000, 2 ** 35]);
    table.set(7, 'ffeeddccbbaa99887766554433221100');
    table.set(2 ** 35, md5(2 ** 35));
    table.set(4, md5(4)); // not asked: ignored
    expect(table.get(7)).toBe('ffeeddccbbaa99887766554433221100');
    expect(table.get(2 ** 35)).toBe(md5(2 ** 35));
    expect(table.get(3)).toBeUndefined(); // asked, not read: the row is gone
    expect(table.get(4)).toBeUndefined();
    expect(table.get(100_000)).toBeUndefined();
  });
});

describe('lesson states by lesson id (an apply\'s before-state)', () => {
  it('give back each state read as an object of its own, its fingerprint alone, and nothing for ids not read or not asked', () => {
    const states = new LessonStates([5, 3, 5, 2 ** 35]);
    expect(states.wanted()).toEqual([3, 5, 2 ** 35]);
    states.set(3, md5(3), '[null,"assigned"]', '901:31.901');
    states.set(2 ** 35, md5(4), '[]', '902');
    states.set(9, md5(9), '["x"]', '903'); // not asked: ignored
    expect(states.get(3)).toEqual({ fingerprint: md5(3), values: [null, 'assigned'], versions: '901:31.901' });
    states.get(3)!.values[0] = 'changed'; // the caller's object
    expect(states.get(3)!.values).toEqual([null, 'assigned']);
    expect(states.fingerprint(2 ** 35)).toBe(md5(4));
    expect(states.get(5)).toBeUndefined();
    expect(states.fingerprint(5)).toBeUndefined();
    expect(states.get(9)).toBeUndefined();
  });
});
