import { useState } from 'react';
import type { Key } from 'ink';
import { clampCursor, moveCursor, type Cursor, type Move } from '../plan-view.js';

/** The keys every list of the wizard moves by (a plan's lessons, an undo's). */
export function listMove(input: string, key: Key): Move | undefined {
  if (key.upArrow || input === 'k') return 'up';
  if (key.downArrow || input === 'j') return 'down';
  if (key.pageUp) return 'page-up';
  if (key.pageDown) return 'page-down';
  if (key.home || input === 'g') return 'home';
  if (key.end || input === 'G') return 'end';
  return undefined;
}

/** A cursor over `count` rows shown `height` at a time: where it is, and how it moves. */
export function useListCursor(count: number, height: number) {
  const [cursor, setCursor] = useState<Cursor>({ index: 0, top: 0 });
  return {
    view: clampCursor(cursor, count, height),
    move: (how: Move) => setCursor((prev) => moveCursor(clampCursor(prev, count, height), how, count, height)),
    reset: () => setCursor({ index: 0, top: 0 }),
  };
}
