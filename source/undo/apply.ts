/**
 * An undo's one prod transaction (SPEC §12): under the run lock, the lessons to take back
 * are read again and locked, and only those still exactly as the sync left them are
 * removed or restored, set-based: the re-check, then three statements, whatever their number.
 */
import { decide, undoes, type UndoEntry } from './plan.js';
import type { Db } from '../db/client.js';
import { readLessonStates, type LessonTables } from '../db/fingerprint.js';
import type { Table } from '../db/schema.js';
import { jsonTable, quoteIdent } from '../db/sql.js';
import { inTransaction, type TransactionOptions } from '../core/transaction.js';

export type UndoApplyOptions = Pick<TransactionOptions, 'signal' | 'signalName' | 'onLockWait'>;

/** Returns every entry's outcome: those changed since the plan was shown end `keep`. */
export function applyUndo(
  db: Db,
  tables: LessonTables & { lessons: Table },
  columns: readonly string[],
  planned: readonly UndoEntry[],
  options: UndoApplyOptions,
): Promise<UndoEntry[]> {
  return inTransaction(db, options, async (tx) => {
    await tx.begin();
    const ids = planned.filter(undoes).map((e) => e.lesson.prodLessonId);
    const now = await readLessonStates(db, tables, ids, [], true);
    const outcomes = planned.map((entry) => (undoes(entry) ? decide(entry.lesson, now.get(entry.lesson.prodLessonId)) : entry));
    const removed = outcomes.filter((e) => e.action === 'remove').map((e) => e.lesson.prodLessonId);
    const restored = outcomes.filter((e) => e.action === 'restore');
    const taskIds = outcomes.flatMap((e) => (undoes(e) ? e.lesson.tasks : []));

    if (taskIds.length) {
      const params: unknown[] = [];
      const keys = jsonTable(params, [{ name: 'id', type: 'int8', values: taskIds }]);
      await db.query(`DELETE FROM ${tables.lessonTasks.sql} lt USING ${keys} AS k WHERE lt.lesson_task_id = k.id`, params);
    }
    if (removed.length) {
      const params: unknown[] = [];
      const keys = jsonTable(params, [{ name: 'id', type: 'int8', values: removed }]);
      await db.query(`DELETE FROM ${tables.lessons.sql} l USING ${keys} AS k WHERE l.lesson_id = k.id`, params);
    }
    if (restored.length) {
      const params: unknown[] = [];
      const values = jsonTable(params, [
        { name: 'id', type: 'int8', values: restored.map((e) => e.lesson.prodLessonId) },
        ...columns.map((_, i) => ({ name: `c${i}`, values: restored.map((e) => e.lesson.before![i] ?? null) })),
      ]);
      const set = columns.map((c, i) => `${quoteIdent(c)} = v.c${i}::${tables.lessons.columns.get(c)!.valueType}`);
      await db.query(`UPDATE ${tables.lessons.sql} l SET ${set.join(', ')} FROM ${values} AS v WHERE l.lesson_id = v.id`, params);
    }
    return outcomes;
  });
}
