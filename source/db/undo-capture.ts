/**
 * What an apply records for its undo (SPEC §12), inside its transaction: the prod rows of
 * the updates before anything is written (locked, so nothing slips in between), and every
 * lesson the apply wrote as it left them. Two queries, whatever the number of lessons.
 */
import { BugError } from '../errors.js';
import { IdIndex } from '../engine/sorted-ids.js';
import { CONTENT_FIELDS, type PlanEntry } from '../engine/types.js';
import type { Db } from './client.js';
import { readLessonStates, streamLessonStates, type LessonState } from './fingerprint.js';
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

/**
 * Before anything is written: the prod lessons the updates will fill, as they are, locked
 * until COMMIT (FOR UPDATE also holds off new LessonTasks for them: their foreign-key check
 * takes a key-share lock on the lesson). One query for all of them (LessonTasks has no index on lesson_id: a query
 * a batch would scan it once a batch).
 */
export function captureBefore(db: Db, schema: SyncSchema, updates: readonly PlanEntry[]): Promise<Map<number, LessonState>> {
  const ids = updates.flatMap((e) => (e.action === 'update' && e.prodLessonId !== null ? [e.prodLessonId] : []));
  return readLessonStates(db, schema.prod, ids, restoredColumns(schema), true);
}

/** Undo records handed over this many at a time. */
const CAPTURE_CHUNK = 5000;

/**
 * After the last batch: every lesson the apply wrote (`prodLessonIds[i]`: where outcome i
 * went, NaN where it was not written), as it left it, with what it was before; one query,
 * streamed to `onLessons` in chunks.
 */
export async function captureAfter(
  db: Db,
  schema: SyncSchema,
  outcomes: readonly PlanEntry[],
  prodLessonIds: Float64Array,
  before: ReadonlyMap<number, LessonState>,
  onLessons: (lessons: UndoLesson[]) => void,
): Promise<void> {
  const written = writtenIndex(prodLessonIds);
  const columns = restoredColumns(schema);
  let chunk: UndoLesson[] = [];
  await streamLessonStates(db, schema.prod, Array.from(written.sorted), columns, false, (id, now) => {
    const i = written.positionOf(id);
    if (i === undefined) throw new BugError(`lesson ${id} was not written by this apply`);
    const entry = outcomes[i]!;
    const common = {
      sandboxLessonId: entry.sandboxLessonId,
      prodLessonId: id,
      platformId: entry.platformId,
      studentName: entry.studentName,
      lessonDate: entry.lessonDate,
      fingerprint: now.fingerprint,
    };
    if (entry.action === 'create') {
      chunk.push({ kind: 'created', ...common, before: null, written: null, tasks: now.taskIds, beforeFingerprint: null });
    } else {
      const was = before.get(id)!;
      const existed = new Set(was.taskIds);
      chunk.push({
        kind: 'updated',
        ...common,
        before: was.values,
        written: now.values,
        tasks: now.taskIds.filter((t) => !existed.has(t)),
        beforeFingerprint: was.fingerprint,
      });
    }
    if (chunk.length >= CAPTURE_CHUNK) {
      onLessons(chunk);
      chunk = [];
    }
  });
  if (chunk.length) onLessons(chunk);
}

/** The outcomes written (`byIndex[i]` not NaN), found by their prod lesson id. */
function writtenIndex(byIndex: Float64Array): IdIndex {
  const indexes: number[] = [];
  byIndex.forEach((id, i) => {
    if (!Number.isNaN(id)) indexes.push(i);
  });
  return new IdIndex(Uint32Array.from(indexes), (i) => byIndex[i]!);
}
