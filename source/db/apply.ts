/**
 * Apply: one prod transaction, serialized across runs by an advisory lock, re-planned
 * inside it so nothing that changed since the preview is overwritten or created twice,
 * written in batches with each failing lesson isolated by savepoints.
 */
import { InterruptedError } from '../errors.js';
import { planLessons } from '../engine/planner.js';
import { ConnectError } from '../errors.js';
import { CONTENT_FIELDS, type PlanEntry, type SandboxSnapshot } from '../engine/types.js';
import type { Db } from './client.js';
import { isConnectionFailure } from './errors.js';
import { readCopyValues, readProd, type CopyValues } from './read.js';
import type { SyncSchema } from './schema.js';
import { jsonTable, quoteIdent, sqlIsEmpty } from './sql.js';

/** One key for every lesson-sync run on any database: hashtext('lesson-sync'). */
const RUN_LOCK_SQL = `hashtext('lesson-sync')::int8`;
export const DEFAULT_CHUNK_SIZE = 10_000;

export interface ApplyHooks {
  /** another run holds the lock: this one waits for it */
  onWaiting?: () => void;
  onProgress?: (done: number, total: number, latest: PlanEntry | undefined) => void;
  /** a lesson ended `error` during the write */
  onError?: (entry: PlanEntry) => void;
  signal?: AbortSignal;
  chunkSize?: number;
}

const isWrite = (entry: PlanEntry) => entry.action === 'create' || entry.action === 'update';

/** A preview entry still stands when the fresh plan wants the same write on the same rows. */
function stillStands(preview: PlanEntry, fresh: PlanEntry): boolean {
  return (
    fresh.action === preview.action &&
    fresh.prodLessonId === preview.prodLessonId &&
    fresh.prodStudentId === preview.prodStudentId
  );
}

function changed(preview: PlanEntry): PlanEntry {
  return { ...preview, action: 'skip', reason: 'changed-since-preview', tasksCopied: 0, tasksToCopy: [] };
}

class Writer {
  constructor(
    private readonly db: Db,
    private readonly sandboxDb: Db,
    private readonly schema: SyncSchema,
  ) {}

  /** The batch's columns to copy, from the sandbox snapshot the plan was made on. */
  async copyValues(items: PlanEntry[]): Promise<CopyValues> {
    try {
      return await readCopyValues(
        this.sandboxDb,
        this.schema,
        items.map((e) => e.sandboxLessonId),
        items.flatMap((e) => e.tasksToCopy.map((t) => t.id)),
      );
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      throw new ConnectError('lost', 'sandbox', this.sandboxDb.url.masked, this.sandboxDb.describe(error));
    }
  }

  /** Creates: returns sandbox lesson id → new prod lesson id. */
  private async insertLessons(items: PlanEntry[], values: CopyValues): Promise<Map<number, number>> {
    const created = new Map<number, number>();
    if (!items.length) return created;
    const copy = this.schema.lessonCopy;
    const rowsOf = items.map((e) => values.lessons.get(e.sandboxLessonId) ?? copy.map(() => null));
    const params: unknown[] = [];
    const batch = jsonTable(params, [
      { name: 'sandbox_id', type: 'int8', values: items.map((e) => e.sandboxLessonId) },
      { name: 'student_id', type: 'int8', values: items.map((e) => e.prodStudentId) },
      ...copy.map((c, i) => ({ name: `c${i}`, type: c.prodType, values: rowsOf.map((row) => row[i] ?? null) })),
    ]);
    const alias = (name: string) => `c${copy.findIndex((c) => c.name === name)}`;
    const sql = `
      WITH v AS (SELECT * FROM ${batch} AS b), ins AS (
        INSERT INTO ${this.schema.prod.lessons.sql} (student_id${copy.map((c) => `, ${quoteIdent(c.name)}`).join('')})
        SELECT student_id${copy.map((_, i) => `, c${i}`).join('')} FROM v ORDER BY sandbox_id
        RETURNING lesson_id, student_id, lesson_date, duration
      )
      SELECT v.sandbox_id::text, ins.lesson_id::int8::text FROM ins
        JOIN v ON v.student_id = ins.student_id AND v.${alias('lesson_date')} = ins.lesson_date
              AND v.${alias('duration')} IS NOT DISTINCT FROM ins.duration`;
    const rows = await this.db.rows(sql, params);
    for (const [sandboxId, lessonId] of rows as [string, string][]) created.set(Number(sandboxId), Number(lessonId));
    if (created.size !== items.length || rows.length !== items.length) {
      throw Object.assign(new Error('created lessons could not be matched back to the sandbox ones'), { code: 'XX000' });
    }
    return created;
  }

  /** Updates that can only fill empty fields of a still-empty lesson: returns the prod ids updated. */
  private async updateLessons(items: PlanEntry[], values: CopyValues): Promise<Set<number>> {
    if (!items.length) return new Set();
    const prod = this.schema.prod.lessons;
    const fields: string[] = [...CONTENT_FIELDS, ...(this.schema.homeworkStatus ? ['homework_status'] : [])];
    const params: unknown[] = [];
    const batch = jsonTable(params, [
      { name: 'lesson_id', type: 'int8', values: items.map((e) => e.prodLessonId) },
      ...fields.map((field, i) => {
        const at = this.schema.lessonCopy.findIndex((c) => c.name === field);
        return {
          name: `f${i}`,
          values: items.map((e) => (e.fieldsFilled.includes(field) ? values.lessons.get(e.sandboxLessonId)?.[at] ?? null : null)),
        };
      }),
    ]);
    const set = fields.map((field, i) => {
      const target = `l.${quoteIdent(field)}`;
      const value = `v.f${i}::${prod.columns.get(field)!.type}`;
      const canFill = field === 'homework_status' ? `v.f${i} IS NOT NULL` : `v.f${i} IS NOT NULL AND ${sqlIsEmpty(target)}`;
      return `${quoteIdent(field)} = CASE WHEN ${canFill} THEN ${value} ELSE ${target} END`;
    });
    if (this.schema.updatedAt) set.push(`updated_at = now()`);
    // The still-empty check sits in a CASE: as five separate clauses the planner multiplies
    // their selectivities to ~0 rows and picks a nested loop that rescans the whole batch
    // for every prod lesson (measured: 17 s a batch of 5,000 on 60,000 prod lessons).
    const sql = `
      UPDATE ${prod.sql} AS l SET ${set.join(', ')}
        FROM ${batch} AS v
       WHERE l.lesson_id = v.lesson_id
         AND CASE WHEN ${CONTENT_FIELDS.map((f) => sqlIsEmpty(`l.${quoteIdent(f)}`)).join(' AND ')} THEN true ELSE false END
      RETURNING l.lesson_id::int8::text`;
    const rows = await this.db.rows(sql, params);
    return new Set(rows.map((row) => Number(row[0])));
  }

  /** LessonTasks for the lessons just written: returns prod lesson id → tasks inserted. */
  private async insertTasks(targets: { prodLessonId: number; entry: PlanEntry }[], copyValues: CopyValues): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    const lessonIds: number[] = [];
    const copy = this.schema.taskCopy;
    const values: (string | null)[][] = copy.map(() => []);
    for (const { prodLessonId, entry } of targets) {
      for (const task of entry.tasksToCopy) {
        const row = copyValues.tasks.get(task.id);
        lessonIds.push(prodLessonId);
        copy.forEach((_, i) => values[i]!.push(row?.[i] ?? null));
      }
    }
    if (!lessonIds.length) return counts;
    const lt = this.schema.prod.lessonTasks;
    const params: unknown[] = [];
    const batch = jsonTable(params, [
      { name: 'lesson_id', type: 'int8', values: lessonIds },
      ...copy.map((_, i) => ({ name: `c${i}`, values: values[i]! })),
    ]);
    const sql = `
      INSERT INTO ${lt.sql} (lesson_id${copy.map((c) => `, ${quoteIdent(c.name)}`).join('')})
      SELECT v.lesson_id${copy.map((c, i) => `, v.c${i}::${c.prodType}`).join('')}
        FROM ${batch} AS v
      RETURNING lesson_id::int8::text`;
    const rows = await this.db.rows(sql, params);
    for (const [id] of rows as [string][]) counts.set(Number(id), (counts.get(Number(id)) ?? 0) + 1);
    return counts;
  }

  /** Writes one batch; throws what the database said. */
  private async writeBatch(items: PlanEntry[], values: CopyValues): Promise<PlanEntry[]> {
    const created = await this.insertLessons(items.filter((e) => e.action === 'create'), values);
    const updated = await this.updateLessons(items.filter((e) => e.action === 'update'), values);
    const outcomes: PlanEntry[] = [];
    const targets: { prodLessonId: number; entry: PlanEntry }[] = [];
    for (const entry of items) {
      const prodLessonId = entry.action === 'create' ? created.get(entry.sandboxLessonId)! : entry.prodLessonId!;
      if (entry.action === 'update' && !updated.has(prodLessonId)) {
        outcomes.push(changed(entry)); // filled by someone else between the re-check and the update
        continue;
      }
      const outcome = { ...entry, prodLessonId };
      outcomes.push(outcome);
      targets.push({ prodLessonId, entry: outcome });
    }
    const copied = await this.insertTasks(targets, values);
    for (const { prodLessonId, entry } of targets) entry.tasksCopied = copied.get(prodLessonId) ?? 0;
    return outcomes;
  }

  /** A batch with no savepoint: any data error aborts the transaction (the fast path). */
  async writeFast(items: PlanEntry[], values: CopyValues): Promise<PlanEntry[]> {
    return this.writeBatch(items, values);
  }

  /** A batch under a savepoint; on a data error, halves until the failing lessons stand alone. */
  async writeCareful(
    items: PlanEntry[],
    values: CopyValues,
    onError: ((entry: PlanEntry) => void) | undefined,
  ): Promise<PlanEntry[]> {
    await this.db.query('SAVEPOINT lesson_sync_batch');
    try {
      const outcomes = await this.writeBatch(items, values);
      await this.db.query('RELEASE SAVEPOINT lesson_sync_batch');
      return outcomes;
    } catch (error) {
      if (isConnectionFailure(error)) throw error;
      await this.db.query('ROLLBACK TO SAVEPOINT lesson_sync_batch; RELEASE SAVEPOINT lesson_sync_batch');
      if (items.length === 1) {
        const failed: PlanEntry = {
          ...items[0]!,
          action: 'error',
          reason: 'write-failed',
          tasksCopied: 0,
          message: this.db.describe(error),
        };
        onError?.(failed);
        return [failed];
      }
      const middle = Math.ceil(items.length / 2);
      return [
        ...(await this.writeCareful(items.slice(0, middle), values, onError)),
        ...(await this.writeCareful(items.slice(middle), values, onError)),
      ];
    }
  }
}

/**
 * Returns the outcome of every lesson, in plan order. Throws InterruptedError on abort
 * and the connection's error when it drops; either way the transaction is rolled back.
 */
/** Thrown inside the fast pass when prod rejects a row: the pass is redone carefully. */
class Rejected extends Error {}

async function attempt(
  db: Db,
  sandboxDb: Db,
  schema: SyncSchema,
  sandbox: SandboxSnapshot,
  preview: PlanEntry[],
  hooks: ApplyHooks,
  careful: boolean,
): Promise<PlanEntry[]> {
  await db.query('BEGIN');
  const { rows } = await db.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(${RUN_LOCK_SQL}) AS locked`);
  if (!rows[0]!.locked) {
    hooks.onWaiting?.();
    await db.query(`SELECT pg_advisory_xact_lock(${RUN_LOCK_SQL})`);
  }

  const fresh = planLessons(sandbox, await readProd(db, schema, sandbox));
  const outcomes: PlanEntry[] = preview.map((entry, i) => {
    if (!isWrite(entry)) return { ...entry, tasksCopied: 0 };
    return stillStands(entry, fresh[i]!) ? fresh[i]! : changed(entry);
  });
  const work = outcomes.map((entry, i) => ({ entry, i })).filter(({ entry }) => isWrite(entry));
  const writer = new Writer(db, sandboxDb, schema);
  const size = hooks.chunkSize ?? DEFAULT_CHUNK_SIZE;
  hooks.onProgress?.(0, work.length, undefined);
  const batches: PlanEntry[][] = [];
  for (let start = 0; start < work.length; start += size) batches.push(work.slice(start, start + size).map(({ entry }) => entry));
  // The sandbox reads the next batch's columns while prod writes this one.
  let next = batches.length ? writer.copyValues(batches[0]!) : undefined;
  next?.catch(() => {});
  let done = 0;
  for (const [b, batch] of batches.entries()) {
    const values = await next!;
    next = b + 1 < batches.length ? writer.copyValues(batches[b + 1]!) : undefined;
    next?.catch(() => {}); // awaited on the next turn; an early failure must not go unhandled
    let written: PlanEntry[];
    if (careful) {
      written = await writer.writeCareful(batch, values, hooks.onError);
    } else {
      try {
        written = await writer.writeFast(batch, values);
      } catch (error) {
        throw isConnectionFailure(error) ? error : new Rejected();
      }
    }
    written.forEach((outcome, j) => {
      outcomes[work[done + j]!.i] = outcome;
    });
    done += batch.length;
    hooks.onProgress?.(done, work.length, written[written.length - 1]);
  }
  return outcomes;
}

/**
 * Returns the outcome of every lesson, in plan order. Throws InterruptedError on abort
 * and the connection's error when it drops; either way the transaction is rolled back.
 *
 * The first pass writes without savepoints (a round trip per statement counts on a
 * remote database). If prod rejects a row, that transaction is rolled back and a second
 * pass isolates the failing lessons with savepoints, so the others still go in.
 */
export async function applyPlan(
  db: Db,
  sandboxDb: Db,
  schema: SyncSchema,
  sandbox: SandboxSnapshot,
  preview: PlanEntry[],
  hooks: ApplyHooks = {},
): Promise<PlanEntry[]> {
  const { signal } = hooks;
  const abort = () => db.destroy();
  if (signal?.aborted) throw new InterruptedError(false);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    let outcomes: PlanEntry[];
    try {
      outcomes = await attempt(db, sandboxDb, schema, sandbox, preview, hooks, false);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      await db.query('ROLLBACK');
      outcomes = await attempt(db, sandboxDb, schema, sandbox, preview, hooks, true);
    }
    signal?.removeEventListener('abort', abort);
    if (signal?.aborted) throw new InterruptedError(true);
    await db.query('COMMIT');
    return outcomes;
  } catch (error) {
    signal?.removeEventListener('abort', abort);
    await db.query('ROLLBACK').catch(() => {});
    if (signal?.aborted) throw new InterruptedError(true);
    throw error;
  }
}
