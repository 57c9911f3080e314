/**
 * What an apply records for its undo (SPEC §12), batch by batch inside its transaction:
 * the prod rows of the updates before they are written (locked, so nothing slips in
 * between), and every lesson the batch wrote as the batch left it. Two queries a batch.
 */
import { CONTENT_FIELDS, type PlanEntry } from '../engine/types.js';
import type { Db } from './client.js';
import { readLessonStates, type LessonState } from './fingerprint.js';
import type { SyncSchema } from './schema.js';

/** A lesson the apply wrote, and what undoing it takes. */
export interface UndoLesson {
  kind: 'created' | 'updated';
  sandboxLessonId: number;
  prodLessonId: number;
  platformId: string | null;
  studentName: string | null;
  lessonDate: string;
  /** updated: the restored columns' values before the apply, and those it wrote (as text) */
  before: (string | null)[] | null;
  written: (string | null)[] | null;
  /** created: all its LessonTasks; updated: those the apply added */
  tasks: number[];
  /** the lesson and its LessonTasks as the apply left them */
  fingerprint: string;
  /** updated: the same before the apply (an undone lesson is back to it) */
  beforeFingerprint: string | null;
}

/** The columns an update writes, which an undo restores. */
export function restoredColumns(schema: SyncSchema): string[] {
  return [...CONTENT_FIELDS, ...(schema.homeworkStatus ? ['homework_status'] : []), ...(schema.updatedAt ? ['updated_at'] : [])];
}

/** Before a batch is written: its updates' prod lessons as they are, locked until COMMIT. */
export function captureBefore(db: Db, schema: SyncSchema, batch: readonly PlanEntry[]): Promise<Map<number, LessonState>> {
  const ids = batch.flatMap((e) => (e.action === 'update' && e.prodLessonId !== null ? [e.prodLessonId] : []));
  return readLessonStates(db, schema.prod, ids, restoredColumns(schema), true);
}

/** After the batch: each lesson it wrote, as it left it. */
export async function captureAfter(
  db: Db,
  schema: SyncSchema,
  outcomes: readonly PlanEntry[],
  before: ReadonlyMap<number, LessonState>,
): Promise<UndoLesson[]> {
  const written = outcomes.filter((e) => (e.action === 'create' || e.action === 'update') && e.prodLessonId !== null);
  const columns = restoredColumns(schema);
  const after = await readLessonStates(db, schema.prod, written.map((e) => e.prodLessonId!), columns);
  return written.map((entry) => {
    const id = entry.prodLessonId!;
    const now = after.get(id)!;
    const common = {
      sandboxLessonId: entry.sandboxLessonId,
      prodLessonId: id,
      platformId: entry.platformId,
      studentName: entry.studentName,
      lessonDate: entry.lessonDate,
      fingerprint: now.fingerprint,
    };
    if (entry.action === 'create') return { kind: 'created', ...common, before: null, written: null, tasks: now.taskIds, beforeFingerprint: null };
    const was = before.get(id)!;
    const existed = new Set(was.taskIds);
    return {
      kind: 'updated',
      ...common,
      before: columns.map((c) => was.values[c] ?? null),
      written: columns.map((c) => now.values[c] ?? null),
      tasks: now.taskIds.filter((t) => !existed.has(t)),
      beforeFingerprint: was.fingerprint,
    };
  });
}
