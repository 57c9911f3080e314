/**
 * One undo (SPEC §12): open prod (the undo file's database, and only it), learn whether
 * the sync committed, plan what to take back, and take it back in one transaction.
 */
import type { Db, ServerInfo } from '../db/client.js';
import type { DbUrl } from '../common/db-url.js';
import { isConnectionFailure } from '../db/errors.js';
import { Operation, step, type LockWaitEvent, type OpenOptions } from '../core/operation.js';
import { readLessonStates } from '../db/fingerprint.js';
import { checkUndoSchema, introspect, type Table } from '../db/schema.js';
import { applyUndo, type UndoApplyOptions } from './apply.js';
import { UsageError } from '../common/errors.js';
import { markUndone, type UndoFile } from '../storage/undo-file.js';
import { identityText, sameDatabase } from '../storage/plan-file.js';
import { decide, undoes, type UndoEntry } from './plan.js';

/** Lessons removed without the index from which the wait is worth a warning (≈ 8 s at 8,000 on a 100,000-task table). */
const SLOW_REMOVAL = 2000;
/**
 * Seconds a removed lesson costs per row of "LessonTasks" when PostgreSQL scans it for the
 * foreign key (the bench: 268 s for 40,000 lessons against 500,000 LessonTasks).
 */
const SCAN_SECONDS_PER_ROW = 1.34e-8;

/** An undo that would be slow, and what it would take. */
export interface SlowRemoval {
  lessons: number;
  /** about how long, without the index */
  seconds: number;
  /** the index can be made without blocking prod's writes (CREATE INDEX CONCURRENTLY; not on a partitioned table) */
  curable: boolean;
}

export type UndoCheckId = 'prod' | 'undo-file' | 'schema';

export type UndoCheckEvent =
  | { id: UndoCheckId; status: 'running' }
  | { id: 'prod'; status: 'ok'; info: ServerInfo }
  | { id: 'undo-file'; status: 'ok'; committed: boolean }
  | { id: 'schema'; status: 'ok' }
  | { id: UndoCheckId; status: 'failed'; error: unknown };

/** What an undo tells its views beyond its checks: what it waits for. */
export type UndoEvent = LockWaitEvent;

export class UndoSession extends Operation<UndoEvent> {
  private constructor(
    readonly file: UndoFile,
    readonly db: Db,
    readonly tables: { lessons: Table; lessonTasks: Table },
    readonly info: ServerInfo,
    /** false: the sync never committed, and there is nothing to undo */
    readonly committed: boolean,
    /** "LessonTasks".lesson_id has a valid index: the foreign-key check of each removed lesson is a lookup, not a scan */
    private lessonIdIndexed: boolean,
    /** "LessonTasks" rows, as PostgreSQL's statistics say */
    private readonly taskRows: number,
  ) {
    super();
  }

  static async open(prod: DbUrl, file: UndoFile, onCheck: (event: UndoCheckEvent) => void = () => {}, options: OpenOptions = {}): Promise<UndoSession> {
    const check = <T>(id: UndoCheckId, run: () => Promise<T>) => step(id, onCheck, run);
    // a lock wait before the session exists has nobody to hear it yet; after, every subscriber
    let tell: (event: LockWaitEvent) => void = () => {};
    const db = await check('prod', () => Operation.connect(prod, 'prod', options, (event) => tell(event)));
    try {
      const info = db.info();
      onCheck({ id: 'prod', status: 'ok', info });
      const committed = await check('undo-file', async () => {
        const planned = file.header.prod;
        const given = { systemIdentifier: info.systemIdentifier, database: info.database, url: prod.masked };
        if (!sameDatabase(planned, given)) throw new UsageError('undo-other-database', { planned: identityText(planned), given: identityText(given) });
        const done = await db.guard(() => syncCommitted(db, file));
        onCheck({ id: 'undo-file', status: 'ok', committed: done });
        return done;
      });
      const { tables, indexed, taskRows } = await check('schema', () => db.guard(async () => {
        const found = checkUndoSchema(await introspect(db), file.header.columns);
        const { rows } = await db.query<{ indexed: boolean; rows: number }>(
          `SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                           WHERE i.indrelid = $1::regclass AND a.attname = 'lesson_id' AND i.indisvalid) AS indexed,
                  greatest((SELECT reltuples FROM pg_class WHERE oid = $1::regclass), 0)::float8 AS rows`,
          [found.lessonTasks.sql],
        );
        onCheck({ id: 'schema', status: 'ok' });
        return { tables: found, indexed: rows[0]!.indexed, taskRows: rows[0]!.rows };
      }));
      const session = new UndoSession(file, db, tables, info, committed, indexed, taskRows);
      tell = (event) => session.emit(event);
      return session;
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  /** Each lesson of the file against prod as it is now: one query. */
  async plan(): Promise<UndoEntry[]> {
    if (!this.committed) return [];
    const ids = this.file.lessons.map((l) => l.prodLessonId);
    const now = await this.guard(() => readLessonStates(this.db, this.tables, ids));
    return this.file.lessons.map((lesson) => decide(lesson, now.get(lesson.prodLessonId)));
  }

  /** Takes the lessons back in one transaction; once it committed having taken any back, the file says it was undone. */
  async apply(entries: readonly UndoEntry[], options: Omit<UndoApplyOptions, 'onLockWait'> = {}): Promise<UndoEntry[]> {
    const onLockWait = (wait: LockWaitEvent['wait']) => this.emit({ type: 'lock-wait', wait });
    const outcome = await applyUndo(this.db, this.tables, this.file.header.columns, entries, { ...options, onLockWait });
    if (outcome.some(undoes)) {
      try {
        markUndone(this.file.path);
      } catch {
        // undone all the same: the file only fails to say so, and a second undo finds nothing to do
      }
    }
    return outcome;
  }

  /**
   * Removing many lessons without an index on "LessonTasks".lesson_id scans that table once
   * per lesson (PostgreSQL's foreign-key check): worth saying before it starts.
   */
  slowRemoval(entries: readonly UndoEntry[]): SlowRemoval | undefined {
    const removed = entries.filter((e) => e.action === 'remove').length;
    if (this.lessonIdIndexed || removed < SLOW_REMOVAL) return undefined;
    return { lessons: removed, seconds: Math.round(removed * Math.max(this.taskRows, 1) * SCAN_SECONDS_PER_ROW), curable: !this.tables.lessonTasks.partitioned };
  }

  /**
   * The cure of a slow removal, only ever on the operator's yes: an index on
   * "LessonTasks".lesson_id, made without blocking prod's writes (CONCURRENTLY, outside any
   * transaction; its waits bounded and told as every statement's).
   */
  async createLessonIdIndex(): Promise<void> {
    await this.guard(() => this.db.query(`CREATE INDEX CONCURRENTLY ON ${this.tables.lessonTasks.sql} (lesson_id)`));
    this.lessonIdIndexed = true;
  }

  queries(): number {
    return this.db.queries;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private guard<T>(run: () => Promise<T>): Promise<T> {
    return this.db.guard(run);
  }
}

/**
 * Did the sync that wrote the file commit? The file says so once it did; a file not marked
 * (the process died between COMMIT and the mark) or cut short is settled by the server's
 * record of the sync's transaction. When the server no longer knows, nothing is guessed.
 */
async function syncCommitted(db: Db, file: UndoFile): Promise<boolean> {
  if (file.whole && file.committed) return true;
  let status: string | null = null;
  try {
    const { rows } = await db.query<{ status: string | null }>('SELECT txid_status($1::int8) AS status', [file.header.transaction]);
    status = rows[0]?.status ?? null;
  } catch (error) {
    if (isConnectionFailure(error)) throw error;
    // an id this server never handed out ("in the future"): not this sync's transaction
  }
  if (status === 'committed') {
    if (!file.whole) throw new UsageError('undo-cut-committed', { path: file.path });
    return true;
  }
  if (status === 'aborted') return false;
  throw new UsageError('undo-outcome-unknown', { path: file.path });
}
