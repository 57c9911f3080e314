/**
 * What an undo does to each lesson an apply wrote (SPEC §12), as a pure function of the
 * undo file and of the lesson as prod holds it now: only rows still exactly as the apply
 * left them (no row written since: their versions, row-versions.ts) are taken back;
 * anything touched since is kept and said so.
 */
import type { UndoLesson } from '../storage/undo-file.js';
import type { LessonState } from '../db/fingerprint.js';
import { taskIdsOf, taskVersionsOf, versionsDigest } from '../db/row-versions.js';

export type UndoAction = 'remove' | 'restore' | 'keep';

export type UndoReason =
  /** the lesson or its LessonTasks changed since the sync */
  | 'changed-since'
  /** a lesson the sync created has LessonTasks it did not write */
  | 'other-tasks'
  /** the lesson is already as it was before the sync (a second undo) */
  | 'already-undone'
  /** the lesson the sync updated is no longer in prod */
  | 'gone';

export interface UndoEntry {
  lesson: UndoLesson;
  action: UndoAction;
  reason: UndoReason | null;
}

export interface UndoSummary {
  lessons: number;
  /** lessons the sync created, removed with their LessonTasks */
  removed: number;
  /** lessons the sync filled, back to their values before it */
  restored: number;
  /** LessonTasks removed: of the removed lessons, and those the sync added to filled ones */
  tasksRemoved: number;
  /** kept as they are: changed since the sync, or gone */
  kept: number;
  alreadyUndone: number;
}

/** Is the lesson, with its LessonTasks, still as the sync left it? */
const asLeft = (lesson: UndoLesson, now: LessonState) =>
  lesson.versions !== undefined ? versionsDigest(now.versions) === lesson.versions : now.fingerprint === lesson.fingerprint;

/** One lesson: what undoing it takes, given how prod holds it now (undefined: not there). */
export function decide(lesson: UndoLesson, now: LessonState | undefined): UndoEntry {
  const keep = (reason: UndoReason): UndoEntry => ({ lesson, action: 'keep', reason });
  if (lesson.kind === 'created') {
    if (!now) return keep('already-undone');
    if (asLeft(lesson, now)) return { lesson, action: 'remove', reason: null };
    const own = new Set(lesson.tasks);
    return keep(taskIdsOf(taskVersionsOf(now.versions)).some((id) => !own.has(id)) ? 'other-tasks' : 'changed-since');
  }
  if (!now) return keep('gone');
  if (asLeft(lesson, now)) return { lesson, action: 'restore', reason: null };
  return keep(now.fingerprint === lesson.beforeFingerprint ? 'already-undone' : 'changed-since');
}

export const undoes = (entry: UndoEntry) => entry.action === 'remove' || entry.action === 'restore';

export function summarizeUndo(entries: readonly UndoEntry[]): UndoSummary {
  const summary: UndoSummary = { lessons: entries.length, removed: 0, restored: 0, tasksRemoved: 0, kept: 0, alreadyUndone: 0 };
  for (const { action, reason, lesson } of entries) {
    if (action === 'remove') summary.removed++;
    else if (action === 'restore') summary.restored++;
    else if (reason === 'already-undone') summary.alreadyUndone++;
    else summary.kept++;
    if (action !== 'keep') summary.tasksRemoved += lesson.tasks.length;
  }
  return summary;
}

/** The restored columns whose value the sync changed: what "restore" puts back. */
export function changedColumns(lesson: UndoLesson, columns: readonly string[]): string[] {
  if (!lesson.before || !lesson.written) return [];
  return columns.filter((_, i) => lesson.before![i] !== lesson.written![i]);
}

/** An undo that had to keep a lesson (changed since the sync) ends 1, as a sync with errors does. */
export const undoExitCode = (summary: UndoSummary) => (summary.kept > 0 ? 1 : 0);
