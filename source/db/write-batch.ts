/**
 * One batch of the apply, as SQL: the creates, the updates that can only fill empty
 * fields, and their LessonTasks, each a statement over the whole batch. A data error in
 * the careful pass is isolated by halving the batch under savepoints.
 */
import { BugError } from '../common/errors.js';
import { matchKey } from '../engine/planner.js';
import { CONTENT_FIELDS, type PlanEntry } from '../engine/types.js';
import type { Db } from './client.js';
import { isRowLevel } from './errors.js';
import { changed } from './recheck.js';
import { TASK_VERSIONS_SQL } from './row-versions.js';
import { dateKey, durationKeyOf, readCopyValues, type CopyValues } from './read.js';
import { restoredColumns, type SyncSchema, type Table } from './schema.js';
import { jsonTable, quoteIdent, sqlIsEmpty } from './sql.js';

/** How much of a value a message shows. */

/** sandbox lesson id → its match key, for a batch's creates (matched back by it) */
export type BatchLessons = ReadonlyMap<number, { dateKey: string; duration: string | null }>;

/** What a batch wrote to one lesson, as its statements returned it: what its undo needs. */
export interface WrittenLesson {
  prodLessonId: number;
  /** the lesson row's xmin as the write left it (row-versions.ts) */
  xmin: string;
  /** the LessonTasks written to it: their ids and xmins (row-versions.ts), empty for none */
  tasks: string;
  tasksCopied: number;
  /** updates: the restored columns (undo-capture.ts) as written, as text */
  values: (string | null)[] | null;
}

/** How each lesson of a batch ended, told by its index in the batch. */
export interface BatchSink {
  written(k: number, lesson: WrittenLesson): void;
  /** not written: the entry that says why (changed since the preview, rejected by prod) */
  notWritten(k: number, outcome: PlanEntry): void;
}

/** A written row's xmin in RETURNING, or NULL where the table is partitioned (Writer.withXmins reads it then). */
const xminOf = (table: Table, alias: string) => (table.partitioned ? 'NULL::text' : `${alias}xmin::text`);

export class Writer {
  /** The fields an update can fill, in the order of its fill mask's bits. */
  private readonly updateFields: string[];

  constructor(
    private readonly db: Db,
    private readonly sandboxDb: Db,
    private readonly schema: SyncSchema,
    /** told of each lesson that fails, as it fails */
    private readonly onError?: (entry: PlanEntry) => void,
  ) {
    const fields = [...CONTENT_FIELDS, ...(schema.homeworkStatus ? ['homework_status'] : [])];
    this.updateFields = fields;
  }

  /** Bit i: the update fills updateFields[i]. */
  private fillMask(update: PlanEntry): number {
    return this.updateFields.reduce((mask, f, i) => (update.fieldsFilled.includes(f) ? mask | (1 << i) : mask), 0);
  }

  /**
   * The batch's columns to copy, from the sandbox snapshot the plan was made on: the
   * creates, the updates and the tasks, each in the batch's order (writeBatch relies on it).
   */
  copyValues(items: PlanEntry[]): Promise<CopyValues> {
    // a failure here is the sandbox's, told as the sandbox's (not as the prod transaction's)
    return this.sandboxDb.guard(() =>
      readCopyValues(
        this.sandboxDb,
        this.schema,
        items.filter((e) => e.action === 'create').map((e) => e.sandboxLessonId),
        items.filter((e) => e.action === 'update').map((e) => e.sandboxLessonId),
        items.flatMap((e) => e.tasksToCopy.ids()),
      ),
    );
  }

  /** `r->>k` of the sandbox row for a lessonCopy / taskCopy column (element 0 is the key). */
  private static field(columns: SyncSchema['lessonCopy'], name: string): string {
    return `r->>${columns.findIndex((c) => c.name === name) + 1}`;
  }

  /**
   * The rows a write returned, their xmin (element `at`) read from the table where RETURNING
   * could not give it (a partitioned table: "cannot retrieve a system column"): one query.
   */
  private async withXmins(table: Table, key: string, rows: unknown[][], idAt: number, at: number): Promise<unknown[][]> {
    if (!table.partitioned || !rows.length) return rows;
    const found = (await this.db.rows(`SELECT ${key}::int8::text, xmin::text FROM ${table.sql} WHERE ${key} = ANY ($1::int8[])`, [
      rows.map((row) => row[idAt]),
    ])) as [string, string][];
    const xmins = new Map(found);
    for (const row of rows) row[at] = xmins.get(row[idAt] as string);
    return rows;
  }

  /** Creates: returns sandbox lesson id → the new prod lesson's id and xmin. */
  private async insertLessons(creates: PlanEntry[], rows: string, lessons: BatchLessons): Promise<Map<number, { id: number; xmin: string }>> {
    const created = new Map<number, { id: number; xmin: string }>();
    if (!creates.length) return created;
    const copy = this.schema.lessonCopy;
    const params: unknown[] = [];
    const batch = jsonTable(params, [
      { name: 'r', json: rows },
      { name: 'sandbox_id', type: 'int8', values: creates.map((e) => e.sandboxLessonId) },
      { name: 'student_id', type: 'int8', values: creates.map((e) => e.prodStudentId) },
    ]);
    const sandboxDateType = this.schema.sandbox.lessons.columns.get('lesson_date')!.type;
    // Matched back in JavaScript by (student, lesson_date, duration), unique among a batch's
    // creates: a join of the RETURNING rows to the input in SQL meets estimates of 100 rows
    // for the JSON input, and its nested loop cost 16 s at 100,000 lessons.
    const sql = `
      INSERT INTO ${this.schema.prod.lessons.sql} (student_id${copy.map((c) => `, ${quoteIdent(c.name)}`).join('')})
      SELECT student_id${copy.map((c, i) => `, (r->>${i + 1})::${c.prodType}`).join('')}
        FROM ${batch} AS b WHERE (r->>0)::int8 = sandbox_id
      RETURNING lesson_id::int8::text, student_id::int8::text,
                ${dateKey('lesson_date', this.schema.prod.lessons.columns.get('lesson_date')!.type, sandboxDateType)},
                ${durationKeyOf(this.schema, 'prod', 'duration')}::text, ${xminOf(this.schema.prod.lessons, '')}`;
    const result = await this.withXmins(this.schema.prod.lessons, 'lesson_id', await this.db.rows(sql, params), 0, 4);
    const byKey = new Map<string, { id: number; xmin: string }>();
    for (const [lessonId, studentId, date, duration, xmin] of result as [string, string, string, string | null, string][]) {
      byKey.set(matchKey(Number(studentId), date, duration), { id: Number(lessonId), xmin });
    }
    for (const entry of creates) {
      const lesson = lessons.get(entry.sandboxLessonId)!;
      const row = byKey.get(matchKey(entry.prodStudentId!, lesson.dateKey, lesson.duration));
      if (row !== undefined) created.set(entry.sandboxLessonId, row);
    }
    if (created.size !== creates.length || result.length !== creates.length) {
      throw new BugError('created lessons could not be matched back to the sandbox ones');
    }
    return created;
  }

  /** Updates that can only fill empty fields of a still-empty lesson: returns prod id → xmin and restored columns, of those updated. */
  private async updateLessons(updates: PlanEntry[], rows: string): Promise<Map<number, { xmin: string; values: (string | null)[] }>> {
    const updated = new Map<number, { xmin: string; values: (string | null)[] }>();
    if (!updates.length) return updated;
    const prod = this.schema.prod.lessons;
    const fields = this.updateFields;
    const params: unknown[] = [];
    const batch = jsonTable(params, [
      { name: 'r', json: rows },
      { name: 'sandbox_id', type: 'int8', values: updates.map((e) => e.sandboxLessonId) },
      { name: 'lesson_id', type: 'int8', values: updates.map((e) => e.prodLessonId) },
      // bit i: this update fills fields[i]
      { name: 'fill', type: 'int4', values: updates.map((e) => this.fillMask(e)) },
    ]);
    const source = fields.map((field, i) => `CASE WHEN fill & ${1 << i} <> 0 THEN ${Writer.field(this.schema.lessonCopy, field)} END AS f${i}`);
    const set = fields.map((field, i) => {
      const target = `l.${quoteIdent(field)}`;
      const value = `v.f${i}::${prod.columns.get(field)!.valueType}`;
      const canFill = field === 'homework_status' ? `v.f${i} IS NOT NULL` : `v.f${i} IS NOT NULL AND ${sqlIsEmpty(target)}`;
      return `${quoteIdent(field)} = CASE WHEN ${canFill} THEN ${value} ELSE ${target} END`;
    });
    if (this.schema.updatedAt) set.push(`updated_at = now()`);
    // The still-empty check sits in a CASE: as five separate clauses the planner multiplies
    // their selectivities to ~0 rows and picks a nested loop that rescans the whole batch
    // for every prod lesson (measured: 17 s a batch of 5,000 on 60,000 prod lessons).
    const sql = `
      UPDATE ${prod.sql} AS l SET ${set.join(', ')}
        FROM (SELECT lesson_id, ${source.join(', ')} FROM ${batch} AS b WHERE (r->>0)::int8 = sandbox_id) AS v
       WHERE l.lesson_id = v.lesson_id
         AND CASE WHEN ${CONTENT_FIELDS.map((f) => sqlIsEmpty(`l.${quoteIdent(f)}`)).join(' AND ')} THEN true ELSE false END
      RETURNING l.lesson_id::int8::text, ${xminOf(prod, 'l.')},
                json_build_array(${restoredColumns(this.schema).map((c) => `l.${quoteIdent(c)}::text`).join(', ')})::text`;
    const result = await this.withXmins(prod, 'lesson_id', await this.db.rows(sql, params), 0, 1);
    for (const [id, xmin, values] of result as [string, string, string][]) {
      updated.set(Number(id), { xmin, values: JSON.parse(values) as (string | null)[] });
    }
    return updated;
  }

  /**
   * LessonTasks of the batch: `rows` holds every task the batch's entries would copy, in
   * their order; `lessonIds` the prod lesson for each, null where that lesson was not written.
   * Returns prod lesson id → the tasks inserted (their versions, in id order) and how many.
   */
  private async insertTasks(rows: string, lessonIds: (number | null)[]): Promise<Map<number, { tasks: string; count: number }>> {
    const inserted = new Map<number, { tasks: string; count: number }>();
    if (!lessonIds.some((id) => id !== null)) return inserted;
    const copy = this.schema.taskCopy;
    const params: unknown[] = [];
    const batch = jsonTable(params, [
      { name: 'r', json: rows },
      { name: 'lesson_id', type: 'int8', values: lessonIds },
    ]);
    const table = this.schema.prod.lessonTasks;
    const insert = `
        INSERT INTO ${table.sql} (lesson_id${copy.map((c) => `, ${quoteIdent(c.name)}`).join('')})
        SELECT lesson_id${copy.map((c, i) => `, (r->>${i + 1})::${c.prodType}`).join('')}
          FROM ${batch} AS v WHERE lesson_id IS NOT NULL`;
    // grouped by lesson on the server: a row a lesson to read back, not one a task; a
    // partitioned table's RETURNING cannot give xmin: its rows are read again, by their ids
    let result: unknown[][];
    if (table.partitioned) {
      const [[ids]] = (await this.db.rows(
        `WITH inserted AS (${insert} RETURNING lesson_task_id) SELECT coalesce(array_agg(lesson_task_id::int8), '{}')::text FROM inserted`,
        params,
      )) as [[string]];
      result = await this.db.rows(
        `SELECT t.lesson_id::int8::text, ${TASK_VERSIONS_SQL('t')}, count(*)::int4::text FROM ${table.sql} t
          WHERE t.lesson_task_id = ANY ($1::int8[]) GROUP BY t.lesson_id`,
        [ids],
      );
    } else {
      result = await this.db.rows(
        `WITH inserted AS (${insert} RETURNING lesson_id, lesson_task_id, xmin)
         SELECT lesson_id::int8::text, ${TASK_VERSIONS_SQL('inserted')}, count(*)::int4::text FROM inserted GROUP BY lesson_id`,
        params,
      );
    }
    for (const [lessonId, tasks, count] of result as [string, string, string][]) inserted.set(Number(lessonId), { tasks, count: Number(count) });
    return inserted;
  }

  /**
   * Writes one batch with the values fetched for exactly these items and tells `sink` how
   * each ended, once every statement went in; throws what the database said. Without a
   * savepoint a data error aborts the transaction: the fast path. `meanwhile` runs once the
   * LessonTasks are sent, the batch's longest statement: work of this process's that would
   * otherwise keep prod waiting between two statements.
   */
  async writeBatch(items: PlanEntry[], values: CopyValues, lessons: BatchLessons, sink: BatchSink, meanwhile?: () => void): Promise<void> {
    // The update is sent as soon as the insert is done, not after this process reads the
    // insert's rows: neither needs the other. On an error the first one's is thrown, and what
    // follows (a rollback) is sent after both.
    const [created, updated] = await Promise.all([
      this.insertLessons(items.filter((e) => e.action === 'create'), values.creates, lessons),
      this.updateLessons(items.filter((e) => e.action === 'update'), values.updates),
    ]);
    // per item: the lesson as written, its tasks told once they are in; null where an update
    // matched nothing (filled by someone else between the re-check and the update)
    const lessonsWritten: (WrittenLesson | null)[] = [];
    const taskLessons: (number | null)[] = [];
    for (const entry of items) {
      let lesson: WrittenLesson | null = null;
      if (entry.action === 'create') {
        const row = created.get(entry.sandboxLessonId)!;
        lesson = { prodLessonId: row.id, xmin: row.xmin, values: null, tasks: '', tasksCopied: 0 };
      } else {
        const row = updated.get(entry.prodLessonId!);
        if (row) lesson = { prodLessonId: entry.prodLessonId!, xmin: row.xmin, values: row.values, tasks: '', tasksCopied: 0 };
      }
      for (let t = 0; t < entry.tasksToCopy.length; t++) taskLessons.push(lesson ? lesson.prodLessonId : null);
      lessonsWritten.push(lesson);
    }
    const writingTasks = this.insertTasks(values.tasks, taskLessons);
    writingTasks.catch(() => {}); // awaited below, once meanwhile is done
    meanwhile?.();
    const inserted = await writingTasks;
    for (let k = 0; k < items.length; k++) {
      const lesson = lessonsWritten[k]!;
      if (lesson === null) {
        sink.notWritten(k, changed(items[k]!));
        continue;
      }
      const tasks = inserted.get(lesson.prodLessonId);
      if (tasks) {
        lesson.tasks = tasks.tasks;
        lesson.tasksCopied = tasks.count;
      }
      sink.written(k, lesson);
    }
  }

  /**
   * A batch under a savepoint; on a data error, halves until the failing lessons stand alone.
   * `meanwhile` as writeBatch's, for the whole batch only: the halves run without it.
   */
  async writeCareful(
    items: PlanEntry[],
    values: CopyValues | undefined,
    lessons: BatchLessons,
    sink: BatchSink,
    meanwhile?: () => void,
  ): Promise<void> {
    await this.db.query('SAVEPOINT lesson_sync_batch');
    try {
      await this.writeBatch(items, values ?? (await this.copyValues(items)), lessons, sink, meanwhile);
      await this.db.query('RELEASE SAVEPOINT lesson_sync_batch');
    } catch (error) {
      if (!isRowLevel(error)) throw error;
      await this.db.query('ROLLBACK TO SAVEPOINT lesson_sync_batch; RELEASE SAVEPOINT lesson_sync_batch');
      if (items.length === 1) return this.failed(items[0]!, this.db.describe(error), sink, 0);
      const middle = Math.ceil(items.length / 2);
      await this.writeCareful(items.slice(0, middle), undefined, lessons, sink);
      await this.writeCareful(items.slice(middle), undefined, lessons, shifted(sink, middle));
    }
  }

  /** The lesson at `k` of a batch is not written: prod would not take it (`why`). */
  private failed(entry: PlanEntry, why: string, sink: BatchSink, k: number): void {
    const failed: PlanEntry = { ...entry, action: 'error', reason: 'write-failed', tasksCopied: 0, message: why };
    this.onError?.(failed);
    sink.notWritten(k, failed);
  }
}

/** The same sink for the part of a batch that starts at `by`. */
const shifted = (sink: BatchSink, by: number): BatchSink => ({
  written: (k, lesson) => sink.written(k + by, lesson),
  notWritten: (k, outcome) => sink.notWritten(k + by, outcome),
});
