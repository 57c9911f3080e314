/**
 * Apply: one prod transaction, serialized across runs by an advisory lock, re-checked
 * inside it (recheck.ts) so nothing that changed since the preview is overwritten or
 * created twice, then written batch by batch (write-batch.ts) while the sandbox reads the
 * next batch's columns, and watched (watchdog.ts) so that it never waits forever.
 */
import { collectIfGrown } from '../common/memory.js';
import type { FingerprintTable } from '../engine/fingerprint-table.js';
import type { PlanEntries } from '../engine/plan-entries.js';
import type { PlanEntry, SandboxSnapshot } from '../engine/types.js';
import type { Db } from '../db/client.js';
import { isRowLevel } from '../db/errors.js';
import { holdToFingerprints, recheck, RECHECK_SLICE } from '../db/recheck.js';
import { captureBefore, undoRecord, type UndoLesson } from '../db/undo-capture.js';
import type { SyncSchema } from '../db/schema.js';
import { inTransaction, type Journal, type Transaction, type TransactionOptions } from '../core/transaction.js';
import { Writer, type BatchLessons, type BatchSink, type WrittenLesson } from '../db/write-batch.js';

/**
 * Lessons a write batch. A batch's columns come from the sandbox as one JSON text, held with
 * the statements' parameters while it is written: batches of 20,000 peaked 90 MB higher at a
 * million lessons (667 against 576 MB) for the same time (100,000: 6.9-7.1 s either way).
 */
export const DEFAULT_CHUNK_SIZE = 10_000;
export interface ApplyHooks extends Pick<TransactionOptions, 'signal' | 'signalName' | 'onLockWait'> {
  onProgress?: (done: number, total: number, latest: PlanEntry | undefined) => void;
  /** a lesson ended `error` during the write */
  onError?: (entry: PlanEntry) => void;
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
export interface UndoSink extends Journal {
  add(lessons: readonly UndoLesson[]): void;
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
  tx: Transaction,
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

  await tx.begin();

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
 * Returns the outcome of every lesson, in plan order, once committed (transaction.ts: the
 * run lock, abort, rollback and every failure's explanation are the runner's).
 *
 * The first pass writes without savepoints (a round trip per statement counts on a
 * remote database). If prod rejects a row, that transaction is rolled back and a second
 * pass isolates the failing lessons with savepoints, so the others still go in.
 */
export function applyPlan(
  db: Db,
  sandboxDb: Db,
  schema: SyncSchema,
  sandbox: SandboxSnapshot,
  preview: PlanEntries,
  hooks: ApplyHooks = {},
): Promise<PlanEntries> {
  // A lesson that fails is found failing again when the careful pass redoes the fast one, and
  // at each halving of its batch: it is told once.
  const told = new Set<number>();
  const onError = (entry: PlanEntry) => {
    if (told.has(entry.sandboxLessonId)) return;
    told.add(entry.sandboxLessonId);
    hooks.onError?.(entry);
  };
  const passHooks = { ...hooks, onError };
  const { signal, signalName, onLockWait, undo } = hooks;
  return inTransaction(db, { signal, signalName, onLockWait, journal: undo }, async (tx) => {
    try {
      return await attempt(db, sandboxDb, schema, sandbox, preview, passHooks, tx, false);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      return attempt(db, sandboxDb, schema, sandbox, preview, passHooks, tx, true);
    }
  });
}
