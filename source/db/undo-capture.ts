/**
 * What an apply records for its undo (SPEC §12), inside its transaction: the prod rows of
 * the updates before anything is written (locked, so nothing slips in between; one query),
 * and every lesson the apply wrote as its statements left them.
 */
import { BugError } from '../common/errors.js';
import type { PlanEntries } from '../engine/plan-entries.js';
import type { PlanEntry } from '../engine/types.js';
import type { Db } from './client.js';
import { readLessonStates, type LessonStates } from './fingerprint.js';
import { mergeTaskVersions, rowVersions, taskIdsOf, taskVersionsOf, versionsDigest } from './row-versions.js';
import { restoredColumns, type SyncSchema } from './schema.js';
import type { WrittenLesson } from './write-batch.js';
import type { UndoLesson } from '../storage/undo-file.js';

export type { UndoLesson } from '../storage/undo-file.js';

/**
 * Before anything is written: the prod lessons the updates will fill, as they are, locked
 * until COMMIT (FOR UPDATE also holds off new LessonTasks for them: their foreign-key check
 * takes a key-share lock on the lesson). One query for all of them (LessonTasks has no index on lesson_id: a query
 * a batch would scan it once a batch).
 */
export function captureBefore(db: Db, schema: SyncSchema, plan: PlanEntries): Promise<LessonStates> {
  const ids: number[] = [];
  for (let i = 0; i < plan.length; i++) {
    const prodLessonId = plan.actionAt(i) === 'update' ? plan.prodLessonIdAt(i) : null;
    if (prodLessonId !== null) ids.push(prodLessonId);
  }
  return readLessonStates(db, schema.prod, ids, restoredColumns(schema), true);
}

/**
 * The undo file's record of a lesson a batch wrote, from what the batch's statements
 * returned (write-batch.ts) and, for an update, the lesson as captureBefore read it.
 */
export function undoRecord(entry: PlanEntry, written: WrittenLesson, before: LessonStates): UndoLesson {
  const common = {
    sandboxLessonId: entry.sandboxLessonId,
    prodLessonId: written.prodLessonId,
    platformId: entry.platformId,
    studentName: entry.studentName,
    lessonDate: entry.lessonDate,
    tasks: taskIdsOf(written.tasks),
  };
  if (entry.action === 'create') {
    return { kind: 'created', ...common, before: null, written: null, versions: versionsDigest(rowVersions(written.xmin, written.tasks)), beforeFingerprint: null };
  }
  const was = before.get(written.prodLessonId);
  if (!was) throw new BugError(`lesson ${written.prodLessonId} was updated but not read before`);
  return {
    kind: 'updated',
    ...common,
    before: was.values,
    written: written.values,
    versions: versionsDigest(rowVersions(written.xmin, mergeTaskVersions(taskVersionsOf(was.versions), written.tasks))),
    beforeFingerprint: was.fingerprint,
  };
}
