/**
 * The one prod transaction every writing operation runs in (a sync's apply, a saved plan's,
 * an undo): under the run lock that serializes every lesson-sync run on prod, aborted by a
 * signal, rolled back on any failure, its failure explained once (Db.explain), its journal
 * (the undo file) on disk before COMMIT. An operation supplies only the work inside.
 */
import { InterruptedError, type InterruptSignal, type LockWait } from '../common/errors.js';
import type { Db } from '../db/client.js';

/** One key for every lesson-sync run on any database: hashtext('lesson-sync'). */
const RUN_LOCK_SQL = `hashtext('lesson-sync')::int8`;
/**
 * The server ends the transaction of a client gone silent between statements; only a
 * safety net behind the watchdog (a sync's apply reads the sandbox meanwhile).
 */
const IDLE_IN_TRANSACTION_LIMIT = '5min';

/** What a transaction writes, recorded so it can be taken back (SPEC §12): the undo file, as the runner sees it. */
export interface Journal {
  begin(transaction: string): void;
  /** on disk before COMMIT; throws when it cannot be, and the transaction rolls back */
  seal(): void;
  markCommitted(): void;
  discard(): void;
}

export interface TransactionOptions {
  signal?: AbortSignal;
  /** why the signal aborted (default SIGINT): the exit code follows it */
  signalName?: () => InterruptSignal;
  /** another run holds the run lock: told before waiting for it (the watchdog tells the rest) */
  onLockWait?: (wait: LockWait) => void;
  journal?: Journal;
}

export interface Transaction {
  /**
   * BEGIN under the run lock (one round trip when nobody holds it); rolls back first when a
   * transaction is open, so a pass can be redone. Returns the transaction's id, by which the
   * server can later tell whether it committed.
   */
  begin(): Promise<string>;
}

/**
 * Runs `work` in one prod transaction and commits it. Throws InterruptedError on abort and the
 * explained failure otherwise; either way the transaction is rolled back and the journal
 * discarded (but for a COMMIT whose answer was lost: the server's word settles that one).
 */
export async function inTransaction<T>(db: Db, options: TransactionOptions, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const { signal, journal } = options;
  const interrupted = (rolledBack: boolean) => new InterruptedError(rolledBack, options.signalName?.() ?? 'SIGINT');
  if (signal?.aborted) throw interrupted(false);
  const abort = () => db.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  let open = false;
  let committing = false;
  const tx: Transaction = {
    async begin() {
      if (open) await db.query('ROLLBACK');
      open = true;
      const xid = await beginRun(db, options.onLockWait);
      journal?.begin(xid);
      return xid;
    },
  };
  try {
    const result = await work(tx);
    signal?.removeEventListener('abort', abort);
    if (signal?.aborted) throw interrupted(true);
    journal?.seal();
    committing = true;
    await db.query('COMMIT');
    try {
      journal?.markCommitted();
    } catch {
      // committed all the same: an undo asks the server about the file's transaction
    }
    return result;
  } catch (error) {
    signal?.removeEventListener('abort', abort);
    await db.query('ROLLBACK').catch(() => {});
    if (!committing) journal?.discard();
    if (signal?.aborted) throw interrupted(true);
    throw db.explain(error, committing);
  }
}

async function beginRun(db: Db, onLockWait?: (wait: LockWait) => void): Promise<string> {
  const results = await db.script(
    `BEGIN; SET LOCAL lock_timeout = '${Math.round(db.lockTimeoutSeconds * 1000)}ms'; SET LOCAL idle_in_transaction_session_timeout = '${IDLE_IN_TRANSACTION_LIMIT}';
     SELECT pg_try_advisory_xact_lock(${RUN_LOCK_SQL}) AS locked, txid_current()::text AS xid`,
  );
  const started = results[results.length - 1]!.rows[0] as { locked: boolean; xid: string };
  if (!started.locked) {
    onLockWait?.({ side: db.side, target: { kind: 'run' }, holders: [], waitedMs: 0, limitSeconds: db.lockTimeoutSeconds });
    await db.query(`SELECT pg_advisory_xact_lock(${RUN_LOCK_SQL})`);
  }
  return started.xid;
}
