/**
 * Fingerprints of lessons (SPEC §11): an md5 of the lesson's whole row and of its
 * LessonTasks rows, in lesson_task_id order, as the database renders them. Any change to
 * the lesson or its tasks (a column, a task added or removed) changes it. Computed in SQL
 * for all the lessons asked at once: one query whatever their number.
 */
import type { Db } from './client.js';
import type { Table } from './schema.js';
import { jsonTable } from './sql.js';

export interface LessonTables {
  lessons: Table;
  lessonTasks: Table;
}

/** lesson id → fingerprint, for those of `ids` that exist. */
export async function readFingerprints(db: Db, tables: LessonTables, ids: readonly number[]): Promise<Map<number, string>> {
  const fingerprints = new Map<number, string>();
  if (!ids.length) return fingerprints;
  const params: unknown[] = [];
  const keys = jsonTable(params, [{ name: 'id', type: 'int8', values: ids }]);
  await db.stream(
    `WITH k AS MATERIALIZED ${keys}
     SELECT l.lesson_id::int8::text, md5(row_to_json(l)::text || coalesce(t.rows, ''))
       FROM ${tables.lessons.sql} l JOIN k ON l.lesson_id = k.id
       LEFT JOIN (SELECT lt.lesson_id, string_agg(row_to_json(lt)::text, '|' ORDER BY lt.lesson_task_id) AS rows
                    FROM ${tables.lessonTasks.sql} lt JOIN k ON lt.lesson_id = k.id
                   GROUP BY lt.lesson_id) t ON t.lesson_id = l.lesson_id`,
    params,
    (row) => {
      fingerprints.set(Number(row[0]), row[1] as string);
    },
  );
  return fingerprints;
}
