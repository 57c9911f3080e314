/**
 * Apply: one prod transaction, serialized across runs by an advisory lock, re-planned
 * inside it so nothing that changed since the preview is overwritten or created twice,
 * written in batches with each failing lesson isolated by savepoints.
 */
import { DEFAULT_LOCK_TIMEOUT_S } from '../config.js';
import { BugError, ConnectError, InterruptedError, isAppError, LockTimeoutError, type InterruptSignal } from '../errors.js';
import { collectIfGrown } from '../memory.js';
import { createPlanner, matchKey } from '../engine/planner.js';
import { TaskList } from '../engine/task-table.js';
import { CONTENT_FIELDS, type PlanEntry, type SandboxLesson, type SandboxSnapshot } from '../engine/types.js';
import type { Db } from './client.js';
import { isConnectionFailure, isLockTimeout, isRowLevel, runFailure } from './errors.js';
import { Watchdog, type LockWait, type WatchdogTiming } from './watchdog.js';
import { dateKey, readCopyValues, readProd, type CopyValues } from './read.js';
import type { SyncSchema } from './schema.js';
import { jsonTable, quoteIdent, sqlIsEmpty } from './sql.js';

/** One key for every lesson-sync run on any database: hashtext('lesson-sync'). */
const RUN_LOCK_SQL = `hashtext('lesson-sync')::int8`;
export const DEFAULT_CHUNK_SIZE = 20_000;
/**
 * The server ends the transaction of a client gone silent between statements; only a
 * safety net behind the watchdog (the sandbox reads a batch's columns meanwhile).
 */
const IDLE_IN_TRANSACTION_LIMIT = '5min';

export interface ApplyHooks {
  /** apply waits for a lock (another run's, a table's, rows'): what, who holds it, since when */
  onLockWait?: (wait: LockWait) => void;
  onProgress?: (done: number, total: number, latest: PlanEntry | undefined) => void;
  /** a lesson ended `error` during the write */
  onError?: (entry: PlanEntry) => void;
  signal?: AbortSignal;
  /** why the signal aborted (default SIGINT): the exit code follows it */
  signalName?: () => InterruptSignal;
  /** a lock waited for longer than this ends the run (default DEFAULT_LOCK_TIMEOUT_S) */
  lockTimeoutSeconds?: number;
  /** opens a second prod session for the watchdog; without it, statements are not watched */
  openWatcher?: () => Promise<Db>;
  watchdogTiming?: WatchdogTiming;
  /** lessons a write batch (default DEFAULT_CHUNK_SIZE) */
  chunkSize?: number;
  /** lessons the re-check reads from prod at a time (default RECHECK_SLICE) */
  recheckSize?: number;
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

/**
 * Lessons re-read from prod at a time by the re-check: one slice up to this size (the
 * usual run pays no extra round trip), and a million lessons never hold a second prod
 * snapshot of them all at once.
 */
const RECHECK_SLICE = 100_000;

/** Will the fresh plan write exactly what the preview said? */
function sameWrite(preview: PlanEntry, fresh: PlanEntry): boolean {
  return (
    preview.fieldsFilled === fresh.fieldsFilled && preview.tasksToCopy.sameAs(fresh.tasksToCopy)
  );
}

function changed(preview: PlanEntry): PlanEntry {
  return { ...preview, action: 'skip', reason: 'changed-since-preview', tasksCopied: 0, tasksToCopy: TaskList.none };
}

/** sandbox lesson id → the lesson, for a batch's creates (matched back by their key) */
type BatchLessons = ReadonlyMap<number, SandboxLesson>;

class Writer {
  constructor(
    private readonly db: Db,
    private readonly sandboxDb: Db,
    private readonly schema: SyncSchema,
  ) {}

  /**
   * The batch's columns to copy, from the sandbox snapshot the plan was made on: the
   * creates, the updates and the tasks, each in the batch's order (writeBatch relies on it).
   */
  async copyValues(items: PlanEntry[]): Promise<CopyValues> {
    try {
      return await readCopyValues(
        this.sandboxDb,
        this.schema,
        items.filter((e) => e.action === 'create').map((e) => e.sandboxLessonId),
        items.filter((e) => e.action === 'update').map((e) => e.sandboxLessonId),
        items.flatMap((e) => e.tasksToCopy.ids()),
      );
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      throw new ConnectError('lost', 'sandbox', this.sandboxDb.url.masked, this.sandboxDb.describe(error));
    }
  }

  /** `r->>k` of the sandbox row for a lessonCopy / taskCopy column (element 0 is the key). */
  private static field(columns: SyncSchema['lessonCopy'], name: string): string {
    return `r->>${columns.findIndex((c) => c.name === name) + 1}`;
  }

  /** Creates: returns sandbox lesson id → new prod lesson id. */
  private async insertLessons(creates: PlanEntry[], rows: string, lessons: BatchLessons): Promise<Map<number, number>> {
    const created = new Map<number, number>();
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
                ${dateKey('lesson_date', this.schema.prod.lessons.columns.get('lesson_date')!.type, sandboxDateType)}, duration::text`;
    const result = await this.db.rows(sql, params);
    const byKey = new Map<string, number>();
    for (const [lessonId, studentId, date, duration] of result as [string, string, string, string | null][]) {
      byKey.set(matchKey(Number(studentId), date, duration), Number(lessonId));
    }
    for (const entry of creates) {
      const lesson = lessons.get(entry.sandboxLessonId)!;
      const id = byKey.get(matchKey(entry.prodStudentId!, lesson.dateKey, lesson.duration));
      if (id !== undefined) created.set(entry.sandboxLessonId, id);
    }
    if (created.size !== creates.length || result.length !== creates.length) {
      throw new BugError('created lessons could not be matched back to the sandbox ones');
    }
    return created;
  }

  /** Updates that can only fill empty fields of a still-empty lesson: returns the prod ids updated. */
  private async updateLessons(updates: PlanEntry[], rows: string): Promise<Set<number>> {
    if (!updates.length) return new Set();
    const prod = this.schema.prod.lessons;
    const fields: string[] = [...CONTENT_FIELDS, ...(this.schema.homeworkStatus ? ['homework_status'] : [])];
    const params: unknown[] = [];
    const batch = jsonTable(params, [
      { name: 'r', json: rows },
      { name: 'sandbox_id', type: 'int8', values: updates.map((e) => e.sandboxLessonId) },
      { name: 'lesson_id', type: 'int8', values: updates.map((e) => e.prodLessonId) },
      // bit i: this update fills fields[i]
      { name: 'fill', type: 'int4', values: updates.map((e) => fields.reduce((mask, f, i) => (e.fieldsFilled.includes(f) ? mask | (1 << i) : mask), 0)) },
    ]);
    const source = fields.map((field, i) => `CASE WHEN fill & ${1 << i} <> 0 THEN ${Writer.field(this.schema.lessonCopy, field)} END AS f${i}`);
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
        FROM (SELECT lesson_id, ${source.join(', ')} FROM ${batch} AS b WHERE (r->>0)::int8 = sandbox_id) AS v
       WHERE l.lesson_id = v.lesson_id
         AND CASE WHEN ${CONTENT_FIELDS.map((f) => sqlIsEmpty(`l.${quoteIdent(f)}`)).join(' AND ')} THEN true ELSE false END
      RETURNING l.lesson_id::int8::text`;
    const result = await this.db.rows(sql, params);
    return new Set(result.map((row) => Number(row[0])));
  }

  /**
   * LessonTasks of the batch: `rows` holds every task the batch's entries would copy, in
   * their order; `lessonIds` the prod lesson for each, null where that lesson was not written.
   * Returns prod lesson id → tasks inserted.
   */
  private async insertTasks(rows: string, lessonIds: (number | null)[]): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    if (!lessonIds.some((id) => id !== null)) return counts;
    const copy = this.schema.taskCopy;
    const params: unknown[] = [];
    const batch = jsonTable(params, [
      { name: 'r', json: rows },
      { name: 'lesson_id', type: 'int8', values: lessonIds },
    ]);
    const sql = `
      INSERT INTO ${this.schema.prod.lessonTasks.sql} (lesson_id${copy.map((c) => `, ${quoteIdent(c.name)}`).join('')})
      SELECT lesson_id${copy.map((c, i) => `, (r->>${i + 1})::${c.prodType}`).join('')}
        FROM ${batch} AS v WHERE lesson_id IS NOT NULL
      RETURNING lesson_id::int8::text`;
    const result = await this.db.rows(sql, params);
    for (const [id] of result as [string][]) counts.set(Number(id), (counts.get(Number(id)) ?? 0) + 1);
    return counts;
  }

  /**
   * Writes one batch with the values fetched for exactly these items; throws what the
   * database said. Without a savepoint a data error aborts the transaction: the fast path.
   */
  async writeBatch(items: PlanEntry[], values: CopyValues, lessons: BatchLessons): Promise<PlanEntry[]> {
    const created = await this.insertLessons(items.filter((e) => e.action === 'create'), values.creates, lessons);
    const updated = await this.updateLessons(items.filter((e) => e.action === 'update'), values.updates);
    const outcomes: PlanEntry[] = [];
    const taskLessons: (number | null)[] = [];
    for (const entry of items) {
      const prodLessonId = entry.action === 'create' ? created.get(entry.sandboxLessonId)! : entry.prodLessonId!;
      const written = entry.action === 'create' || updated.has(prodLessonId);
      for (let t = 0; t < entry.tasksToCopy.length; t++) taskLessons.push(written ? prodLessonId : null);
      // an update that matched nothing: filled by someone else between the re-check and the update
      outcomes.push(written ? { ...entry, prodLessonId } : changed(entry));
    }
    const copied = await this.insertTasks(values.tasks, taskLessons);
    for (const outcome of outcomes) {
      if (outcome.reason !== 'changed-since-preview') outcome.tasksCopied = copied.get(outcome.prodLessonId!) ?? 0;
    }
    return outcomes;
  }

  /** A batch under a savepoint; on a data error, halves until the failing lessons stand alone. */
  async writeCareful(
    items: PlanEntry[],
    values: CopyValues | undefined,
    lessons: BatchLessons,
    onError: ((entry: PlanEntry) => void) | undefined,
  ): Promise<PlanEntry[]> {
    await this.db.query('SAVEPOINT lesson_sync_batch');
    try {
      const outcomes = await this.writeBatch(items, values ?? (await this.copyValues(items)), lessons);
      await this.db.query('RELEASE SAVEPOINT lesson_sync_batch');
      return outcomes;
    } catch (error) {
      if (!isRowLevel(error)) throw error;
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
        ...(await this.writeCareful(items.slice(0, middle), undefined, lessons, onError)),
        ...(await this.writeCareful(items.slice(middle), undefined, lessons, onError)),
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

/**
 * Plans again, inside the transaction and under the lock, the lessons the preview writes:
 * each keeps its preview entry when nothing moved, gets the fresh one when only details did
 * (a task now in prod), and ends changed-since-preview otherwise. Of a key shared in the
 * sandbox only the first lesson is among them, and a lesson whose prod student changed ends
 * changed, so slices of them plan independently. Every slice is re-checked before the first
 * write: what the re-check sees is prod as the transaction found it.
 */
async function recheck(db: Db, schema: SyncSchema, sandbox: SandboxSnapshot, preview: PlanEntry[], sliceSize: number): Promise<PlanEntry[]> {
  const writes = preview.flatMap((entry, i) => (isWrite(entry) ? [i] : []));
  const outcomes = preview.slice(); // a plan entry has tasksCopied 0: the skips and errors stand as planned
  for (let start = 0; start < writes.length; start += sliceSize) {
    const slice = writes.slice(start, start + sliceSize);
    const subset: SandboxSnapshot = { lessons: slice.map((i) => sandbox.lessons[i]!), tasks: sandbox.tasks };
    const planner = createPlanner(subset, await readProd(db, schema, subset));
    planner.plan(0, slice.length).forEach((fresh, k) => {
      const i = slice[k]!;
      const entry = preview[i]!;
      outcomes[i] = !stillStands(entry, fresh) ? changed(entry) : sameWrite(entry, fresh) ? entry : fresh;
    });
    collectIfGrown();
  }
  return outcomes;
}

async function attempt(
  db: Db,
  sandboxDb: Db,
  schema: SyncSchema,
  sandbox: SandboxSnapshot,
  preview: PlanEntry[],
  hooks: ApplyHooks,
  careful: boolean,
): Promise<PlanEntry[]> {
  const size = hooks.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const writer = new Writer(db, sandboxDb, schema);
  // The sandbox reads the first batch's columns, as the preview has it, while prod locks
  // and re-checks: when the re-check keeps that batch as it was, its values are ready.
  const guess = preview.filter(isWrite).slice(0, size);
  const early = guess.length ? writer.copyValues(guess) : undefined;
  early?.catch(() => {}); // awaited below, or dropped when the batch changed

  const lockTimeout = hooks.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_S;
  const results = await db.script(
    `BEGIN; SET LOCAL lock_timeout = '${lockTimeout}s'; SET LOCAL idle_in_transaction_session_timeout = '${IDLE_IN_TRANSACTION_LIMIT}';
     SELECT pg_try_advisory_xact_lock(${RUN_LOCK_SQL}) AS locked`,
  );
  if (!(results[results.length - 1]!.rows[0] as { locked: boolean }).locked) {
    hooks.onLockWait?.({ target: { kind: 'run' }, holders: [], waitedMs: 0 });
    await db.query(`SELECT pg_advisory_xact_lock(${RUN_LOCK_SQL})`);
  }

  const outcomes = await recheck(db, schema, sandbox, preview, hooks.recheckSize ?? RECHECK_SLICE);
  const work = outcomes.map((entry, i) => ({ entry, i })).filter(({ entry }) => isWrite(entry));
  hooks.onProgress?.(0, work.length, undefined);
  const batches: PlanEntry[][] = [];
  for (let start = 0; start < work.length; start += size) batches.push(work.slice(start, start + size).map(({ entry }) => entry));
  // The sandbox reads the next batch's columns while prod writes this one.
  const unchanged = batches.length > 0 && batches[0]!.length === guess.length && batches[0]!.every((entry, k) => entry === guess[k]);
  let next = unchanged ? early : batches.length ? writer.copyValues(batches[0]!) : undefined;
  next?.catch(() => {});
  let done = 0;
  for (const [b, batch] of batches.entries()) {
    // the preview is in sandbox order: work[…].i is also the lesson's index in the snapshot
    const lessons: BatchLessons = new Map(
      work.slice(done, done + batch.length).flatMap(({ entry, i }) => (entry.action === 'create' ? [[entry.sandboxLessonId, sandbox.lessons[i]!]] : [])),
    );
    const values = await next!;
    next = b + 1 < batches.length ? writer.copyValues(batches[b + 1]!) : undefined;
    next?.catch(() => {}); // awaited on the next turn; an early failure must not go unhandled
    let written: PlanEntry[];
    if (careful) {
      written = await writer.writeCareful(batch, values, lessons, hooks.onError);
    } else {
      try {
        written = await writer.writeBatch(batch, values, lessons);
      } catch (error) {
        throw isRowLevel(error) ? new Rejected() : error;
      }
    }
    written.forEach((outcome, j) => {
      outcomes[work[done + j]!.i] = outcome;
    });
    done += batch.length;
    hooks.onProgress?.(done, work.length, written[written.length - 1]);
    collectIfGrown();
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
  const interrupted = (rolledBack: boolean) => new InterruptedError(rolledBack, hooks.signalName?.() ?? 'SIGINT');
  const abort = () => db.destroy();
  if (signal?.aborted) throw interrupted(false);
  signal?.addEventListener('abort', abort, { once: true });
  const watchdog = hooks.openWatcher
    ? new Watchdog(db, hooks.openWatcher, (wait) => hooks.onLockWait?.(wait), hooks.watchdogTiming)
    : undefined;
  let committing = false;
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
    if (signal?.aborted) throw interrupted(true);
    committing = true;
    await db.query('COMMIT');
    return outcomes;
  } catch (error) {
    signal?.removeEventListener('abort', abort);
    await db.query('ROLLBACK').catch(() => {});
    if (signal?.aborted) throw interrupted(true);
    throw whyApplyFailed(error, db, watchdog, committing, hooks.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_S);
  } finally {
    watchdog?.stop();
  }
}

/** One failure of the whole apply, as the operator should read it. */
function whyApplyFailed(error: unknown, db: Db, watchdog: Watchdog | undefined, committing: boolean, lockTimeout: number): unknown {
  if (isAppError(error) || error instanceof BugError) return error;
  if (isConnectionFailure(error)) {
    if (committing) return new ConnectError('commit-unknown', db.side, db.url.masked, db.describe(error));
    return watchdog?.failure() ?? error;
  }
  if (isLockTimeout(error)) return new LockTimeoutError(lockTimeout, watchdog?.lastWait);
  return runFailure(error, db.side, db.url.password);
}
