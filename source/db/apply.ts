/**
 * Apply: one prod transaction, serialized across runs by an advisory lock, re-checked
 * inside it (recheck.ts) so nothing that changed since the preview is overwritten or
 * created twice, then written batch by batch (write-batch.ts) while the sandbox reads the
 * next batch's columns, and watched (watchdog.ts) so that it never waits forever.
 */
import { DEFAULT_LOCK_TIMEOUT_S } from '../config.js';
import { BugError, ConnectError, InterruptedError, isAppError, LockTimeoutError, type InterruptSignal } from '../errors.js';
import { collectIfGrown } from '../memory.js';
import type { FingerprintTable } from '../engine/fingerprint-table.js';
import type { PlanEntries } from '../engine/plan-entries.js';
import type { PlanEntry, SandboxSnapshot } from '../engine/types.js';
import type { Db } from './client.js';
import { isConnectionFailure, isLockTimeout, isRowLevel, runFailure } from './errors.js';
import { holdToFingerprints, recheck, RECHECK_SLICE } from './recheck.js';
import { captureBefore, undoRecord, type UndoLesson } from './undo-capture.js';
import type { SyncSchema } from './schema.js';
import { Watchdog, type LockWait, type WatchdogTiming } from './watchdog.js';
import { Writer, type BatchLessons, type BatchSink, type WrittenLesson } from './write-batch.js';

/** One key for every lesson-sync run on any database: hashtext('lesson-sync'). */
const RUN_LOCK_SQL = `hashtext('lesson-sync')::int8`;
/**
 * Lessons a write batch. A batch's columns come from the sandbox as one JSON text, held with
 * the statements' parameters while it is written: batches of 20,000 peaked 90 MB higher at a
 * million lessons (667 against 576 MB) for the same time (100,000: 6.9-7.1 s either way).
 */
export const DEFAULT_CHUNK_SIZE = 10_000;
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
  /** a saved plan's: prod lesson id → the fingerprint its update rests on (re-checked under the lock) */
  expectedProd?: FingerprintTable;
  /** where what the apply writes is recorded for its undo (SPEC §12) */
  undo?: UndoSink;
}

/** The undo file, as the apply sees it: begun per transaction, filled per batch, whole before COMMIT. */
export interface UndoSink {
  begin(transaction: string): void;
  add(lessons: readonly UndoLesson[]): void;
  /** on disk before COMMIT; throws when it cannot be, and the apply rolls back */
  seal(): void;
  markCommitted(): void;
  discard(): void;
}

/**
 * BEGIN, bounded (lock_timeout, idle limit), under the run lock that serializes every
 * lesson-sync run and undo on prod: one round trip when nobody holds it. Returns the
 * transaction's id, by which the server can later tell whether it committed.
 */
export async function beginRun(db: Db, lockTimeoutSeconds: number, onLockWait?: (wait: LockWait) => void): Promise<string> {
  const results = await db.script(
    `BEGIN; SET LOCAL lock_timeout = '${lockTimeoutSeconds}s'; SET LOCAL idle_in_transaction_session_timeout = '${IDLE_IN_TRANSACTION_LIMIT}';
     SELECT pg_try_advisory_xact_lock(${RUN_LOCK_SQL}) AS locked, txid_current()::text AS xid`,
  );
  const started = results[results.length - 1]!.rows[0] as { locked: boolean; xid: string };
  if (!started.locked) {
    onLockWait?.({ target: { kind: 'run' }, holders: [], waitedMs: 0 });
    await db.query(`SELECT pg_advisory_xact_lock(${RUN_LOCK_SQL})`);
  }
  return started.xid;
}

/** Thrown inside the fast pass when prod rejects a row: the pass is redone carefully. */
class Rejected extends Error {}

async function attempt(
  db: Db,
  sandboxDb: Db,
  schema: SyncSchema,
  sandbox: SandboxSnapshot,
  preview: PlanEntries,
  hooks: ApplyHooks,
  careful: boolean,
): Promise<PlanEntries> {
  const size = hooks.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const writer = new Writer(db, sandboxDb, schema, hooks.onError);
  // The sandbox reads the first batch's columns, as the preview has it, while prod locks
  // and re-checks: when the re-check keeps that batch as it was, its values are ready.
  const guessed = preview.writePositions(size);
  const guess = guessed.map((i) => preview.at(i)!);
  const early = guess.length ? writer.copyValues(guess) : undefined;
  early?.catch(() => {}); // awaited below, or dropped when the batch changed

  const xid = await beginRun(db, hooks.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_S, hooks.onLockWait);
  hooks.undo?.begin(xid);

  // The updates' prod lessons, read once and locked until COMMIT (a LessonTask added to one
  // meanwhile waits): a saved plan's fingerprints are held against them, the undo file keeps
  // them. Those of the preview: the re-check keeps an update only on the same prod lesson.
  // One SET of hash joins for the phase's reads (client.ts), so the capture is sent while
  // the re-check's last slice is planned.
  const rechecked = await db.hashJoinsOnly(() =>
    recheck(db, schema, sandbox, preview, hooks.recheckSize ?? RECHECK_SLICE, async () =>
      hooks.undo || hooks.expectedProd ? await captureBefore(db, schema, preview) : undefined,
    ),
  );
  const outcomes = rechecked.outcomes;
  const before = rechecked.then;
  if (hooks.expectedProd) holdToFingerprints(outcomes, before!, hooks.expectedProd);
  // the outcomes to write, by index: the preview is in sandbox order, so also the lesson's in the snapshot
  const writes = outcomes.writePositions();
  hooks.onProgress?.(0, writes.length, undefined);
  const batches: number[][] = [];
  for (let start = 0; start < writes.length; start += size) batches.push(writes.slice(start, start + size));
  const entriesOf = (batch: number[]) => batch.map((i) => outcomes.at(i)!);
  /** the creates' keys, by sandbox lesson id: how the created lessons are matched back */
  const lessonsOf = (items: PlanEntry[], batch: number[]): BatchLessons =>
    new Map(
      items.flatMap((entry, k) =>
        entry.action === 'create' ? [[entry.sandboxLessonId, { dateKey: sandbox.lessons.dateKeyAt(batch[k]!), duration: sandbox.lessons.durationAt(batch[k]!) }]] : [],
      ),
    );
  const first = batches.length ? entriesOf(batches[0]!) : [];
  const unchanged = first.length === guess.length && first.every((entry, k) => batches[0]![k] === guessed[k] && sameCopy(entry, guess[k]!));
  let next = unchanged ? early : batches.length ? writer.copyValues(first) : undefined;
  next?.catch(() => {});
  let nextItems = first;
  let nextLessons = batches.length ? lessonsOf(first, batches[0]!) : new Map();
  let done = 0;
  // What a written batch leaves to JavaScript (its undo records, progress) and what the next
  // one needs (its entries, the sandbox's read of its columns) are done while prod writes
  // this one's LessonTasks: between two statements the server waits only for the next to be made.
  let settlePrevious: (() => void) | undefined;
  for (const [b, batch] of batches.entries()) {
    const items = nextItems;
    const lessons = nextLessons;
    const values = await next!;
    const writtenHere: [number, WrittenLesson][] = [];
    const sink: BatchSink = {
      written: (k, lesson) => writtenHere.push([batch[k]!, lesson]),
      notWritten: (k, outcome) => outcomes.set(batch[k]!, outcome),
    };
    let prepared = false;
    const meanwhile = () => {
      if (prepared) return;
      prepared = true;
      settlePrevious?.();
      // a batch's outcomes change only when it is written or settled: the next one's are as they will be
      if (b + 1 < batches.length) {
        nextItems = entriesOf(batches[b + 1]!);
        nextLessons = lessonsOf(nextItems, batches[b + 1]!);
        next = writer.copyValues(nextItems);
        next.catch(() => {}); // awaited on the next turn; an early failure must not go unhandled
      }
    };
    await (careful
      ? writer.writeCareful(items, values, lessons, sink, meanwhile)
      : writer.writeBatch(items, values, lessons, sink, meanwhile).catch((error: unknown) => {
          throw isRowLevel(error) ? new Rejected() : error;
        }));
    meanwhile(); // when the batch's LessonTasks were not written whole (none, or in halves)
    settlePrevious = () => {
      const records: UndoLesson[] = [];
      for (const [i, lesson] of writtenHere) {
        if (hooks.undo) records.push(undoRecord(outcomes.at(i)!, lesson, before!));
        outcomes.setWritten(i, lesson.prodLessonId, lesson.tasksCopied);
      }
      if (records.length) hooks.undo!.add(records);
      done += batch.length;
      hooks.onProgress?.(done, writes.length, outcomes.at(batch[batch.length - 1]!));
      collectIfGrown();
    };
  }
  settlePrevious?.();
  return outcomes;
}

/** Whether two entries have the batch read the same sandbox rows (writer.copyValues). */
function sameCopy(a: PlanEntry, b: PlanEntry): boolean {
  return a.sandboxLessonId === b.sandboxLessonId && a.action === b.action && a.tasksToCopy.sameAs(b.tasksToCopy);
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
  preview: PlanEntries,
  hooks: ApplyHooks = {},
): Promise<PlanEntries> {
  const { signal } = hooks;
  const interrupted = (rolledBack: boolean) => new InterruptedError(rolledBack, hooks.signalName?.() ?? 'SIGINT');
  const abort = () => db.destroy();
  if (signal?.aborted) throw interrupted(false);
  signal?.addEventListener('abort', abort, { once: true });
  const watchdog = hooks.openWatcher
    ? new Watchdog(db, hooks.openWatcher, (wait) => hooks.onLockWait?.(wait), hooks.watchdogTiming)
    : undefined;
  let committing = false;
  // A lesson that fails is found failing again when the careful pass redoes the fast one, and
  // at each halving of its batch: it is told once.
  const told = new Set<number>();
  const onError = (entry: PlanEntry) => {
    if (told.has(entry.sandboxLessonId)) return;
    told.add(entry.sandboxLessonId);
    hooks.onError?.(entry);
  };
  const passHooks = { ...hooks, onError };
  try {
    let outcomes: PlanEntries;
    try {
      outcomes = await attempt(db, sandboxDb, schema, sandbox, preview, passHooks, false);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      await db.query('ROLLBACK');
      outcomes = await attempt(db, sandboxDb, schema, sandbox, preview, passHooks, true);
    }
    signal?.removeEventListener('abort', abort);
    if (signal?.aborted) throw interrupted(true);
    hooks.undo?.seal();
    committing = true;
    await db.query('COMMIT');
    try {
      hooks.undo?.markCommitted();
    } catch {
      // committed all the same: undo asks the server about the file's transaction
    }
    return outcomes;
  } catch (error) {
    signal?.removeEventListener('abort', abort);
    await db.query('ROLLBACK').catch(() => {});
    // rolled back: nothing to undo (a COMMIT whose answer was lost leaves the file to the server's word)
    if (!committing) hooks.undo?.discard();
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
