import { readFileSync } from 'node:fs';
import pg from 'pg';
import pgpass from 'pgpass';
import { to as copyTo } from 'pg-copy-streams';
import type { DbUrl } from '../common/db-url.js';
import { ConnectError, type LockWait, type Side } from '../common/errors.js';
import { CopyTextReader, type CopyRow } from './copy-text.js';
import { connectCodeOf, explainFailure, safeMessage, toConnectError } from './errors.js';
import { DEFAULT_WATCHDOG, Watchdog, type WatchdogTiming } from './watchdog.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** SPEC §3: a lock waited for longer than this ends the run, in any phase, on either side. */
export const DEFAULT_LOCK_TIMEOUT_S = 120;
const CLOSE_WITHIN_MS = 2000;

// Dates and timestamps stay the server's text: pg would turn them into JS Dates in the
// process's zone and drop microseconds (NOTES.md). Everything else keeps pg's parsers.
const TEXT_OIDS = new Set([1082, 1083, 1114, 1184, 1266]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    TEXT_OIDS.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface ServerInfo {
  version: string;
  database: string;
  user: string;
  /** pg_control_system(): the cluster's identity, which a saved plan or an undo file names */
  systemIdentifier: string;
  rttMs: number;
}

/** One pg connection to one side, counting what it sends; never throws a raw pg error at connect. */
export class Db {
  queries = 0;
  /** rows the server sent back, for the benchmark */
  rowsRead = 0;
  /** set when the connection dropped on its own */
  lost: Error | undefined;
  private server: ServerInfo | undefined;
  /** inside hashJoinsOnly: nested loops are off */
  private hashJoinsSet = false;
  private watchdog: Watchdog | undefined;

  constructor(
    private readonly client: pg.Client,
    readonly side: Side,
    readonly url: DbUrl,
    /** every statement's lock wait ends after this (the session's lock_timeout) */
    readonly lockTimeoutSeconds: number = DEFAULT_LOCK_TIMEOUT_S,
  ) {
    client.on('error', (error) => {
      this.lost = error;
    });
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    this.queries++;
    const result = await this.track(this.client.query<R>(text, values));
    this.rowsRead += result.rowCount ?? 0;
    return result;
  }

  /** Statements separated by `;`, in one round trip (no parameters): each one's result. */
  async script(text: string): Promise<pg.QueryResult[]> {
    this.queries++;
    const results = (await this.track(this.client.query(text))) as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(results) ? results : [results];
  }

  /** Rows as arrays: less memory for wide, long reads. */
  async rows(text: string, values?: unknown[]): Promise<unknown[][]> {
    this.queries++;
    const result = await this.track(this.client.query({ text, values, rowMode: 'array' }));
    this.rowsRead += result.rows.length;
    return result.rows as unknown[][];
  }

  /**
   * One query whose rows are handed over as they arrive and not kept: a million-row
   * read costs the memory of what is built from it, not of pg's row arrays.
   */
  stream(text: string, values: unknown[], onRow: (row: unknown[]) => void): Promise<void> {
    this.queries++;
    return this.track(
      new Promise((resolve, reject) => {
        const query = new pg.Query({ text, values, rowMode: 'array' } as pg.QueryConfig);
        query.on('row', (row: unknown[]) => {
          this.rowsRead++;
          onRow(row);
        });
        query.on('error', reject);
        query.on('end', () => resolve());
        this.client.query(query);
      }),
    );
  }

  /**
   * `COPY (…) TO STDOUT` in text format, its rows handed to `onRow` as they arrive: for the
   * long reads, at the cost of the bytes the server sends. COPY takes no parameters: values
   * go in as literals (`literal`).
   */
  copyRows(sql: string, onRow: (row: CopyRow) => void): Promise<void> {
    this.queries++;
    const reader = new CopyTextReader(onRow);
    return this.track(
      new Promise<void>((resolve, reject) => {
        let failed: unknown;
        const stream = this.client.query(copyTo(sql));
        stream.on('data', (chunk: Buffer) => {
          if (failed !== undefined) return;
          try {
            reader.push(chunk);
          } catch (error) {
            failed = error; // the rest of the output still has to be taken off the connection
          }
        });
        stream.on('error', reject);
        stream.on('end', () => {
          this.rowsRead += reader.rows;
          if (failed !== undefined) return reject(failed);
          try {
            reader.end();
            resolve();
          } catch (error) {
            reject(error);
          }
        });
      }),
    );
  }

  /**
   * `work` with nested loops off. For statements that join a key list on a column with no
   * index (LessonTasks.lesson_id, prod's student and lesson_date): the planner takes a JSON
   * key list for 100 rows whatever its length, and on that guess chose a nested loop of
   * 140,000 written lessons against their 140,000 task groups (the undo capture of a
   * 200,000-lesson apply: still running after 12 minutes, prod's rows locked). Off, such a
   * join is a hash join, linear whatever the guess. Not for the whole session: a batch's
   * lookups by primary key are index nested loops (off, each batch scanned whole tables:
   * apply of 1,000,000 lessons 81–90 → 123 s).
   *
   * Nested inside another, it sends nothing: a phase of several reads pays one SET and one
   * RESET, and a read started while another runs is sent at once, not after a SET.
   */
  async hashJoinsOnly<T>(work: () => Promise<T>): Promise<T> {
    if (this.hashJoinsSet) return work();
    this.hashJoinsSet = true;
    try {
      await this.query('SET enable_nestloop = off');
      return await work();
    } finally {
      this.hashJoinsSet = false;
      // in a failed transaction this fails too, and the rollback puts the setting back
      await this.query('RESET enable_nestloop').catch(() => {});
    }
  }

  /**
   * `work` with parallel workers for its scans (two, the server's default), which the session
   * otherwise keeps off (connect: each worker hashed a long key list again): for the reads of a
   * few keys against whole tables that the wizard's preview makes. In a failed transaction
   * the reset fails too; the rollback then puts the setting back.
   */
  async parallelScans<T>(work: () => Promise<T>): Promise<T> {
    await this.query('SET max_parallel_workers_per_gather = 2');
    try {
      return await work();
    } finally {
      await this.query('SET max_parallel_workers_per_gather = 0').catch(() => {});
    }
  }

  /** A value as an SQL literal, for the statements that take no parameters (COPY). */
  literal(value: string): string {
    return this.client.escapeLiteral(value);
  }

  /** Since when a statement has been waiting for its answer (performance.now()), or undefined when none is. */
  get busySince(): number | undefined {
    return this.inFlight > 0 ? this.inFlightSince : undefined;
  }

  /** The server process serving this connection (for pg_stat_activity). */
  get pid(): number {
    return (this.client as unknown as { processID: number }).processID;
  }

  private inFlight = 0;
  private inFlightSince = 0;

  private async track<T>(work: Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.inFlightSince = performance.now();
    try {
      return await work;
    } finally {
      this.inFlight--;
    }
  }

  /**
   * From now until close, a statement that runs long is watched from a second session
   * (watchdog.ts): a lock wait is told as it happens, a server gone silent is cut. The
   * watcher connects only once a statement has run for a second.
   */
  watch(onLockWait: (wait: LockWait) => void, timing: WatchdogTiming = DEFAULT_WATCHDOG): void {
    this.watchdog?.stop();
    const open = () => connectDb(this.url, this.side, { timeoutMs: timing.answerWithinMs, lockTimeoutSeconds: this.lockTimeoutSeconds });
    this.watchdog = new Watchdog(this, open, onLockWait, timing);
  }

  /** Any failure of a statement on this connection as the operator reads it (errors.ts explainFailure). */
  explain(error: unknown, committing = false): unknown {
    return explainFailure(
      error,
      { side: this.side, url: this.url, cut: this.watchdog?.failure(), lastWait: this.watchdog?.lastWait, lockTimeoutSeconds: this.lockTimeoutSeconds },
      committing,
    );
  }

  /** `work`, its failure explained (explain). */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** The server's words for an error, free of this connection's password. */
  describe(error: unknown): string {
    return safeMessage(error, this.url.password);
  }

  /**
   * The first words with the server, one round trip: what it is, and for the sandbox a
   * session that is read-only from here on. Its duration is the round trip shown.
   */
  async start(): Promise<ServerInfo> {
    // Bulk keys reach the server as JSON arrays, which the planner takes for 100 rows
    // whatever their length: every parallel worker then hashed prod's million keys again,
    // each spilling to disk (1,000,000 lessons: 4.4 s in parallel, 2.3 s without).
    // Values cross between the servers as text, and keys compare as text: each session
    // prints them one way whatever its database or role sets (a database set to another
    // DateStyle matched no lesson: every one planned as a create, and the apply stopped).
    const setup =
      `${this.side === 'sandbox' ? 'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; ' : ''}` +
      `SET max_parallel_workers_per_gather = 0; SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3; ` +
      // no read or write waits on another session's lock for longer (SPEC §3)
      `SET lock_timeout = '${Math.round(this.lockTimeoutSeconds * 1000)}ms'; `;
    const started = performance.now();
    const results = await this.script(
      `${setup}SELECT current_setting('server_version') AS version, current_database() AS database, current_user AS "user",
              (SELECT system_identifier::text FROM pg_control_system()) AS "systemIdentifier"`,
    );
    const rttMs = performance.now() - started;
    this.server = { ...(results[results.length - 1]!.rows[0] as Omit<ServerInfo, 'rttMs'>), rttMs };
    return this.server;
  }

  /** What start() learnt. */
  info(): ServerInfo {
    if (!this.server) throw new Error('Db.start() was not called');
    return this.server;
  }

  /** Says goodbye to the server, but never waits long for a network that may be dead. */
  async close(): Promise<void> {
    this.watchdog?.stop();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.destroy();
        resolve();
      }, CLOSE_WITHIN_MS);
    });
    try {
      await Promise.race([this.client.end(), late]);
    } catch {
      // already gone: nothing to close
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops the socket at once: the server rolls back whatever transaction was open. */
  destroy(): void {
    this.watchdog?.stop();
    const connection = (this.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection;
    connection?.stream?.destroy();
  }
}

type SslOption = pg.ClientConfig['ssl'];

function sslAttempts(url: DbUrl): SslOption[] {
  // libpq never uses SSL on a Unix socket
  if (url.host.startsWith('/')) return [false];
  const read = (path: string | undefined) => (path ? readFileSync(path, 'utf8') : undefined);
  const files = { ca: read(url.sslRootCert), cert: read(url.sslCert), key: read(url.sslKey) };
  const trustAny = { ...files, rejectUnauthorized: false };
  switch (url.sslMode) {
    case 'disable':
      return [false];
    case 'allow':
      return [false, trustAny];
    case 'prefer':
      return [trustAny, false];
    case 'require':
      // libpq's require: encrypt, trust any certificate (Railway serves self-signed ones)
      return [trustAny];
    case 'verify-ca':
      return [{ ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined }];
    case 'verify-full':
      return [{ ...files, rejectUnauthorized: true }];
  }
}

/** The server asked for a password and none was given anywhere libpq would look. */
export class NoPasswordError extends Error {
  readonly code = 'NO_PASSWORD';
  constructor() {
    super('no password supplied');
  }
}

// libpq prints a warning about a .pgpass with loose permissions and ignores it; on the
// wizard's screen a stray line would break the frame, so the file is just ignored.
pgpass.warnTo(null);

/** libpq's order: the connection string, PGPASSWORD, then ~/.pgpass (or PGPASSFILE). */
export function resolvePassword(url: DbUrl, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (url.password !== undefined) return Promise.resolve(url.password);
  if (env.PGPASSWORD) return Promise.resolve(env.PGPASSWORD);
  const host = url.host.startsWith('/') ? 'localhost' : url.host;
  return new Promise((resolve) => pgpass({ host, port: String(url.port), database: url.database, user: url.user }, resolve));
}

export interface ConnectOptions {
  timeoutMs?: number;
  /** lock_timeout of every statement (default DEFAULT_LOCK_TIMEOUT_S) */
  lockTimeoutSeconds?: number;
}

export async function connectDb(url: DbUrl, side: Side, options: ConnectOptions = {}): Promise<Db> {
  const attempts = sslAttempts(url);
  const password = await resolvePassword(url);
  const secretUrl = { ...url, password };
  let lastError: unknown;
  for (const [i, ssl] of attempts.entries()) {
    const client = new pg.Client({
      host: url.host,
      port: url.port,
      user: url.user,
      database: url.database,
      // asked only when the server wants one: trust and peer authentication need none
      password: async () => {
        if (password === undefined) throw new NoPasswordError();
        return password;
      },
      ssl,
      types,
      application_name: url.applicationName ?? 'lesson-sync',
      options: url.options,
      connectionTimeoutMillis: options.timeoutMs ?? (url.connectTimeout !== undefined ? url.connectTimeout * 1000 : DEFAULT_CONNECT_TIMEOUT_MS),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A failed connect can still emit 'error' later; without a listener it would crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      const code = connectCodeOf(error);
      const fallbackMakesSense = code === 'ssl-unsupported' || code === 'rejected' || code === 'lost';
      if (i < attempts.length - 1 && fallbackMakesSense) continue;
      throw toConnectError(error, side, url.masked, password);
    }
    const db = new Db(client, side, secretUrl, options.lockTimeoutSeconds);
    try {
      await db.start();
    } catch (error) {
      await db.close();
      throw toConnectError(error, side, url.masked, password);
    }
    return db;
  }
  throw lastError instanceof ConnectError ? lastError : toConnectError(lastError, side, url.masked, password);
}
