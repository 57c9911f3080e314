/**
 * The plan list's logic, free of Ink: which entries a filter and a search keep, and a
 * cursor with its scroll window. The component only draws what this says is visible.
 */
import type { Action, EntryList, PlanEntry } from '../engine/types.js';
import type { Messages } from '../i18n/index.js';

export type StatusFilter = 'all' | Action;
export const FILTERS: readonly StatusFilter[] = ['all', 'create', 'update', 'skip', 'error'];

export function nextFilter(filter: StatusFilter): StatusFilter {
  return FILTERS[(FILTERS.indexOf(filter) + 1) % FILTERS.length]!;
}

export function statusEmoji(entry: PlanEntry, m: Messages): string {
  const action = entry.action;
  switch (action) {
    case 'create':
    case 'update':
    case 'error':
      return m.marks[action];
    case 'skip':
      return entry.reason === 'filled' ? m.marks.filled : m.marks.skip;
  }
}

export function hasWarning(entry: PlanEntry): boolean {
  return entry.reason === 'duplicate-in-sandbox' || (entry.action !== 'skip' && entry.tasksMissingInProd.length > 0);
}

function matches(entry: PlanEntry, filter: StatusFilter, query: string): boolean {
  return (filter === 'all' || entry.action === filter) && studentMatches(entry, query);
}

/**
 * Positions of the items a filter and a search keep, for any list (a plan's lessons, an
 * undo's); null when they keep every item. `keeps` gets the query trimmed and lower-cased.
 */
export function keptPositions<T>(items: { length: number; at(i: number): T | undefined }, filtered: boolean, query: string, keeps: (item: T, q: string) => boolean): number[] | null {
  const q = query.trim().toLowerCase();
  if (!filtered && !q) return null;
  const kept: number[] = [];
  for (let i = 0; i < items.length; i++) if (keeps(items.at(i)!, q)) kept.push(i);
  return kept;
}

/** Positions of the entries the filter and search keep; null when they keep every entry. */
export function visibleIndexes(entries: EntryList, filter: StatusFilter, query: string): number[] | null {
  return keptPositions(entries, filter !== 'all', query, (entry, q) => matches(entry, filter, q));
}

/** A student's name or platform_id holds the search (a lower-cased query). */
export function studentMatches(who: { studentName: string | null; platformId: string | null }, q: string): boolean {
  return !q || (who.studentName ?? '').toLowerCase().includes(q) || (who.platformId ?? '').toLowerCase().includes(q);
}

export interface Cursor {
  /** position in the visible list */
  index: number;
  /** first visible position */
  top: number;
}

export type Move = 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end';

/** Moves the cursor and scrolls just enough to keep it on screen. */
export function moveCursor(cursor: Cursor, move: Move, count: number, height: number): Cursor {
  if (count === 0) return { index: 0, top: 0 };
  const page = Math.max(1, height - 1);
  const target = {
    up: cursor.index - 1,
    down: cursor.index + 1,
    'page-up': cursor.index - page,
    'page-down': cursor.index + page,
    home: 0,
    end: count - 1,
  }[move];
  return clampCursor({ index: target, top: cursor.top }, count, height);
}

export function clampCursor(cursor: Cursor, count: number, height: number): Cursor {
  if (count === 0) return { index: 0, top: 0 };
  const rows = Math.max(1, height);
  const index = Math.min(Math.max(cursor.index, 0), count - 1);
  let top = Math.min(Math.max(cursor.top, 0), Math.max(0, count - rows));
  if (index < top) top = index;
  if (index >= top + rows) top = index - rows + 1;
  return { index, top };
}

/** While lessons stream in, the window follows the newest one. */
export function followEnd(count: number, height: number): Cursor {
  return { index: Math.max(0, count - 1), top: Math.max(0, count - Math.max(1, height)) };
}

export interface Counts {
  create: number;
  update: number;
  filled: number;
  skip: number;
  error: number;
}

export function emptyCounts(): Counts {
  return { create: 0, update: 0, filled: 0, skip: 0, error: 0 };
}

export function addCounts(counts: Counts, entries: readonly PlanEntry[]): Counts {
  const next = { ...counts };
  for (const entry of entries) {
    if (entry.action === 'skip') next[entry.reason === 'filled' ? 'filled' : 'skip']++;
    else next[entry.action]++;
  }
  return next;
}

/** what the search line starts with, before the query being typed */
export const SEARCH_PROMPT = '🔎 / ';

/** terminal rows under which an open panel (details, help, review) hides the status lines above it */
export const COMPACT_BELOW = 16;
