/**
 * What every operation (a sync, a saved plan's apply, an undo) is built on: its databases
 * opened the one way (bounded connect, every lock wait bounded by --lock-timeout, every
 * statement watched so a silent server is noticed and a lock wait told), and one stream of
 * events its views subscribe to. An operation adds only its own events and steps.
 */
import { connectDb, type ConnectOptions, type Db } from '../db/client.js';
import type { WatchdogTiming } from '../db/watchdog.js';
import type { LockWait, Side } from '../common/errors.js';
import type { DbUrl } from '../common/db-url.js';

export interface OpenOptions extends ConnectOptions {
  /** how soon a long statement is watched, and a silent server given up on (tests shorten it) */
  watchdogTiming?: WatchdogTiming;
}

/** A statement of any phase waits for a lock another session holds. */
export interface LockWaitEvent {
  type: 'lock-wait';
  wait: LockWait;
}

/** Runs one check, telling it as running, and as failed when it throws. */
export async function step<Id extends string, T>(
  id: Id,
  onCheck: (e: { id: Id; status: 'running' } | { id: Id; status: 'failed'; error: unknown }) => void,
  run: () => Promise<T>,
): Promise<T> {
  onCheck({ id, status: 'running' });
  try {
    return await run();
  } catch (error) {
    onCheck({ id, status: 'failed', error });
    throw error;
  }
}

export type OperationListener<E> = (event: E) => void;

export class Operation<E extends { type: string }> {
  private readonly listeners = new Set<OperationListener<E | LockWaitEvent>>();

  /** Hears every event from now on; returns the way to stop. */
  subscribe(listener: OperationListener<E | LockWaitEvent>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected get listened(): boolean {
    return this.listeners.size > 0;
  }

  protected emit(event: E | LockWaitEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** One side's connection for this operation: watched from now until it closes, its lock waits told as events. */
  protected static async connect(url: DbUrl, side: Side, options: OpenOptions, tell: (event: LockWaitEvent) => void): Promise<Db> {
    const db = await connectDb(url, side, options);
    db.watch((wait) => tell({ type: 'lock-wait', wait }), options.watchdogTiming);
    return db;
  }
}
