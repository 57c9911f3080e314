/**
 * Watches one connection's statements from a second session, so that nothing waits
 * forever and a wait is never silent. TCP keepalive cannot see a network that drops
 * packets while both ends still answer TCP, and a client-side statement timeout would
 * kill a legitimately long statement; the server itself can say which case it is:
 *
 * - the backend is `active`: working or waiting on a lock (reported, with who holds it);
 * - the backend is idle, or blocked writing to us, while we wait for its answer: the
 *   request or the answer was lost;
 * - the backend is gone, or the server does not answer the watcher either: dead.
 *
 * The watcher connects only once a statement has run for a while, so a quick apply
 * costs nothing. A server that takes one connection at a time (the embedded demo)
 * cannot be watched: the watchdog then steps aside.
 */
import { ConnectError, type LockTarget, type LockWait, type Side } from '../common/errors.js';
import { connectCodeOf } from './errors.js';

/** The connection watched, as the watchdog sees it (client.ts's Db). */
export interface Watched {
  readonly side: Side;
  readonly url: { readonly masked: string };
  /** the server process serving it */
  readonly pid: number;
  /** since when a statement has been waiting for its answer (performance.now()), if one is */
  readonly busySince: number | undefined;
  /** its statements' lock_timeout */
  readonly lockTimeoutSeconds: number;
  info(): { version: string };
  /** drops the socket at once */
  destroy(): void;
}

/** The second session the watchdog asks the server through. */
export interface Watcher {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
  destroy(): void;
}

export interface WatchdogTiming {
  /** a statement older than this gets watched */
  startAfterMs: number;
  pollMs: number;
  /** the watcher's own connect and queries must answer within this */
  answerWithinMs: number;
  /** idle (or blocked writing) this long while we wait for its answer: lost */
  staleAfterMs: number;
}

/**
 * Worst case, a dead server is noticed after startAfter + poll + answerWithin (≈ 22 s),
 * well within SPEC §3's 60 s; a lock wait is on screen after a second or two.
 */
export const DEFAULT_WATCHDOG: WatchdogTiming = { startAfterMs: 1000, pollMs: 1000, answerWithinMs: 20_000, staleAfterMs: 20_000 };

interface Activity {
  state: string | null;
  wait_event: string | null;
}
interface Waiting {
  locktype: string;
  relation: string | null;
  waited: number | null;
}
interface Status {
  me: Activity | null;
  waiting: Waiting | null;
  holders: { pid: number; user: string | null; application: string | null; client: string | null; state: string | null; since: string | null }[];
}

function statusSql(serverVersion: string): string {
  // pg_locks.waitstart exists from PostgreSQL 14; before, the statement's start stands in
  const waited = Number.parseInt(serverVersion, 10) >= 14 ? 'l.waitstart' : 'a.query_start';
  return `
    SELECT
      (SELECT json_build_object('state', a.state, 'wait_event', a.wait_event) FROM pg_stat_activity a WHERE a.pid = $1) AS me,
      (SELECT json_build_object('locktype', l.locktype, 'relation', l.relation::regclass::text,
                                'waited', extract(epoch FROM now() - ${waited}) * 1000)
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.pid = $1 AND NOT l.granted LIMIT 1) AS waiting,
      (SELECT coalesce(json_agg(json_build_object('pid', h.pid, 'user', h.usename, 'application', h.application_name,
                                                  'client', host(h.client_addr), 'state', h.state,
                                                  'since', to_char(h.xact_start, 'HH24:MI:SS')) ORDER BY h.pid), '[]')
         FROM pg_stat_activity h WHERE h.pid = ANY (pg_blocking_pids($1))) AS holders`;
}

function targetOf(waiting: Waiting): LockTarget {
  switch (waiting.locktype) {
    case 'advisory':
      return { kind: 'run' };
    case 'relation':
      return waiting.relation ? { kind: 'table', name: waiting.relation } : { kind: 'other', type: waiting.locktype };
    case 'transactionid':
    case 'tuple':
      return { kind: 'row' };
    default:
      return { kind: 'other', type: waiting.locktype };
  }
}

class NoAnswer extends Error {}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer()), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export class Watchdog {
  /** why the watched connection was cut; set once */
  verdict: string | undefined;
  lastWait: LockWait | undefined;
  private watcher: Watcher | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private staleSince: number | undefined;
  private readonly sql: string;

  constructor(
    private readonly db: Watched,
    private readonly openWatcher: () => Promise<Watcher>,
    private readonly onLockWait: (wait: LockWait) => void,
    private readonly timing: WatchdogTiming = DEFAULT_WATCHDOG,
  ) {
    this.sql = statusSql(db.info().version);
    this.schedule();
  }

  /** The error to report for a connection this watchdog cut, if it did. */
  failure(): ConnectError | undefined {
    return this.verdict === undefined ? undefined : new ConnectError('unresponsive', this.db.side, this.db.url.masked, this.verdict);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    // never waits on a network that may be dead
    this.watcher?.destroy();
    this.watcher = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick().then(() => this.schedule()), this.timing.pollMs);
    this.timer.unref();
  }

  private cut(why: string): void {
    this.verdict = why;
    this.stopped = true;
    this.db.destroy();
    this.watcher?.destroy();
  }

  /**
   * The watching connection, opened the first time it is needed. One that connects after
   * the run ended, or after the wait for it was given up, is closed at once: left open, it
   * would keep the process alive after its work is done.
   */
  private async watcherNow(): Promise<Watcher | undefined> {
    if (this.watcher) return this.watcher;
    const opening = this.openWatcher();
    let watcher: Watcher;
    try {
      watcher = await within(opening, this.timing.answerWithinMs);
    } catch (error) {
      opening.then((late) => late.destroy(), () => {});
      throw error;
    }
    if (this.stopped) {
      watcher.destroy();
      return undefined;
    }
    return (this.watcher = watcher);
  }

  private async tick(): Promise<void> {
    const since = this.db.busySince;
    if (since === undefined || performance.now() - since < this.timing.startAfterMs) {
      this.staleSince = undefined;
      return;
    }
    let status: Status;
    try {
      const watcher = await this.watcherNow();
      if (!watcher) return;
      const result = await within(watcher.query(this.sql, [this.db.pid]), this.timing.answerWithinMs);
      status = result.rows[0] as Status;
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof NoAnswer || connectCodeOf(error) === 'timeout') {
        this.cut(`no answer from the server for ${Math.round(this.timing.answerWithinMs / 1000)} s`);
      } else {
        // one connection at a time (the embedded server), or a watcher refused: not evidence
        // that the watched connection is dead; stop watching rather than guess
        this.stop();
      }
      return;
    }
    if (this.stopped) return;
    if (!status.me) {
      this.cut('the server process serving this run is gone');
      return;
    }
    const silent = status.me.state !== 'active' || status.me.wait_event === 'ClientWrite';
    if (!silent || this.db.busySince !== since) {
      this.staleSince = undefined;
    } else {
      this.staleSince ??= performance.now();
      if (performance.now() - this.staleSince >= this.timing.staleAfterMs) {
        this.cut(`the server has had no statement from us for ${Math.round(this.timing.staleAfterMs / 1000)} s while we waited for its answer`);
        return;
      }
    }
    if (status.waiting) {
      this.lastWait = {
        side: this.db.side,
        target: targetOf(status.waiting),
        holders: status.holders,
        waitedMs: status.waiting.waited ?? 0,
        limitSeconds: this.db.lockTimeoutSeconds,
      };
      this.onLockWait(this.lastWait);
    }
  }
}
