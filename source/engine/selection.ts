/**
 * The operator's choice of lessons (SPEC §10): every create and update is selected unless
 * left out; a lesson left out ends `skip` / `excluded` and is never written.
 */
import type { PlanEntries } from './plan-entries.js';
import { TaskList } from './task-table.js';
import { isWrite, type EntryList, type PlanEntry } from './types.js';

export interface Selection {
  /** sandbox lesson ids to write; undefined = every create and update */
  only: ReadonlySet<number> | undefined;
  /** sandbox lesson ids never to write */
  exclude: ReadonlySet<number>;
}

export const EVERY_LESSON: Selection = { only: undefined, exclude: new Set() };

export const isChosen = (selection: Selection, lessonId: number) =>
  !selection.exclude.has(lessonId) && (selection.only === undefined || selection.only.has(lessonId));

/** A lesson that is not to be written, for `reason`; a left-out write remembers what it was. */
export function notWritten(entry: PlanEntry, reason: 'excluded' | 'changed-since-preview' | 'not-in-plan'): PlanEntry {
  const leftOut = reason === 'excluded' && isWrite(entry) ? (entry.action as 'create' | 'update') : undefined;
  return { ...entry, action: 'skip', reason, tasksToCopy: TaskList.none, tasksCopied: 0, ...(leftOut ? { leftOut } : {}) };
}

const excluded = (entry: PlanEntry) => notWritten(entry, 'excluded');

/** The ids the selection names that the plan does not hold, in the order given. */
export function unknownLessons(entries: EntryList, selection: Selection): number[] {
  const named = [...(selection.only ?? []), ...selection.exclude];
  if (!named.length) return [];
  const known = new Set<number>();
  for (const entry of entries) known.add(entry.sandboxLessonId);
  return [...new Set(named)].filter((id) => !known.has(id));
}

/** The plan with the lessons left out marked `excluded`; the others are the same objects. */
export function applySelection(entries: PlanEntry[], selection: Selection): PlanEntry[] {
  if (selection.only === undefined && selection.exclude.size === 0) return entries;
  return entries.map((entry) =>
    isWrite(entry) && !isChosen(selection, entry.sandboxLessonId) ? excluded(entry) : entry,
  );
}

/** The plan with the positions marked in `leftOut` (one byte a lesson, 1 = left out) marked `excluded`. */
export function leaveOutAt(entries: PlanEntries, leftOut: Uint8Array): PlanEntries {
  if (!leftOut.includes(1)) return entries;
  const chosen = entries.copy();
  for (let i = 0; i < entries.length; i++) {
    if (leftOut[i] === 1 && entries.isWriteAt(i)) chosen.set(i, excluded(entries.at(i)!));
  }
  return chosen;
}
