/**
 * One run of lesson-sync: open (connect, guard, schema) → plan → apply. Plain TypeScript
 * that knows nothing of Ink; it tells what happens as one stream of typed events, and
 * the wizard and the plain log are two views that subscribe to it.
 */
import type { Filters } from './config.js';
import { looksLikeSameDatabase, parseDbUrl, type DbUrl } from './db-url.js';
import { UsageError, type Side } from './errors.js';
import { connectDb, type ConnectOptions, type Db, type ServerInfo } from './db/client.js';
import { isConnectionFailure, lostConnection } from './db/errors.js';
import { isSameDatabase } from './db/identity.js';
import { checkSchema, introspect, type SchemaWarning, type SyncSchema } from './db/schema.js';
import { readLessonValues, readProd, readSandbox, type LessonValues } from './db/read.js';
import { applyPlan, type ApplyHooks } from './db/apply.js';
import { DEFAULT_WATCHDOG, type LockWait } from './db/watchdog.js';
import { createPlanner } from './engine/planner.js';
import { applySelection, EVERY_LESSON, unknownLessons, type Selection } from './engine/selection.js';
import { summarize } from './engine/summary.js';
import { collectAfterPhase, collectIfGrown } from './memory.js';
import type { PlanEntry, SandboxSnapshot, Summary } from './engine/types.js';

export type CheckId = 'sandbox' | 'prod' | 'same-database' | 'schema';

export type CheckEvent =
  | { id: CheckId; status: 'running' }
  | { id: 'sandbox' | 'prod'; status: 'ok'; info: ServerInfo }
  | { id: 'same-database'; status: 'ok' }
  | { id: 'schema'; status: 'ok'; warnings: SchemaWarning[] }
  | { id: CheckId; status: 'failed'; error: unknown };

export interface Plan {
  sandbox: SandboxSnapshot;
  entries: PlanEntry[];
  summary: Summary;
}

export type PlanStage = 'reading-sandbox' | 'reading-prod' | 'planning';

/** Everything a run tells its views, in the order it happens. */
export type SessionEvent =
  | ({ type: 'check' } & CheckEvent)
  /** `lessons`: how many the sandbox holds, once it was read */
  | { type: 'stage'; stage: PlanStage; lessons?: number }
  /** lessons as they are planned, in order; a view may draw between slices */
  | { type: 'planned'; entries: PlanEntry[] }
  /** apply waits for a lock: what, who holds it, since when */
  | { type: 'lock-wait'; wait: LockWait }
  /** `latest`: the last lesson of the batch just written */
  | { type: 'written'; done: number; total: number; latest: PlanEntry | undefined }
  /** a lesson prod rejected during apply (write-failed); the others go on */
  | { type: 'lesson-failed'; entry: PlanEntry };

export type SessionListener = (event: SessionEvent) => void;

/** What the caller decides about an apply; what happens during it comes as events. */
export type ApplyOptions = Pick<
  ApplyHooks,
  'signal' | 'signalName' | 'lockTimeoutSeconds' | 'watchdogTiming' | 'chunkSize' | 'recheckSize'
>;

const PLAN_SLICE = 5000;

export interface Targets {
  sandbox: DbUrl;
  prod: DbUrl;
}

/** Parses both URLs and refuses the same database given twice, before any connection. */
export function parseTargets(sandboxUrl: string | undefined, prodUrl: string | undefined): Targets {
  if (!sandboxUrl) throw new UsageError('missing-url', { side: 'sandbox' });
  if (!prodUrl) throw new UsageError('missing-url', { side: 'prod' });
  const sandbox = parseDbUrl(sandboxUrl, 'sandbox');
  const prod = parseDbUrl(prodUrl, 'prod');
  if (looksLikeSameDatabase(sandbox, prod)) throw new UsageError('same-database');
  return { sandbox, prod };
}

async function step<T>(id: CheckId, onCheck: (e: CheckEvent) => void, run: () => Promise<T>): Promise<T> {
  onCheck({ id, status: 'running' });
  try {
    return await run();
  } catch (error) {
    onCheck({ id, status: 'failed', error });
    throw error;
  }
}

export class Session {
  private sandboxSnapshot = false;
  private readonly listeners = new Set<SessionListener>();

  private constructor(
    readonly targets: Targets,
    readonly sandboxDb: Db,
    readonly prodDb: Db,
    readonly schema: SyncSchema,
    readonly servers: Record<Side, ServerInfo>,
  ) {}

  /** `listener` hears the checks as they run, and everything after, as a subscriber. */
  static async open(targets: Targets, listener?: SessionListener, options: ConnectOptions = {}): Promise<Session> {
    const onCheck = (event: CheckEvent) => listener?.({ type: 'check', ...event });
    const connect = (side: Side) =>
      step(side, onCheck, async () => {
        const db = await connectDb(targets[side], side, options);
        const info = db.info();
        onCheck({ id: side, status: 'ok', info });
        return { db, info };
      });
    const [sandbox, prod] = await Promise.allSettled([connect('sandbox'), connect('prod')]);
    if (sandbox.status === 'rejected' || prod.status === 'rejected') {
      if (sandbox.status === 'fulfilled') await sandbox.value.db.close();
      if (prod.status === 'fulfilled') await prod.value.db.close();
      throw sandbox.status === 'rejected' ? sandbox.reason : (prod as PromiseRejectedResult).reason;
    }
    const close = () => Promise.all([sandbox.value.db.close(), prod.value.db.close()]);
    try {
      await step('same-database', onCheck, async () => {
        if (await isSameDatabase(sandbox.value.db, prod.value.db)) throw new UsageError('same-database');
        onCheck({ id: 'same-database', status: 'ok' });
      });
      const schema = await step('schema', onCheck, async () => {
        const [s, p] = await Promise.all([introspect(sandbox.value.db), introspect(prod.value.db)]);
        const checked = checkSchema(s, p);
        onCheck({ id: 'schema', status: 'ok', warnings: checked.warnings });
        return checked;
      });
      const session = new Session(targets, sandbox.value.db, prod.value.db, schema, { sandbox: sandbox.value.info, prod: prod.value.info });
      if (listener) session.subscribe(listener);
      return session;
    } catch (error) {
      await close();
      throw error;
    }
  }

  /** Hears every event from now on; returns the way to stop. */
  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: SessionEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Reads both sides (a fixed number of queries) and plans every lesson; writes nothing.
   * Lessons the selection leaves out end `excluded`; a lesson id it names that the plan does
   * not hold is a usage error (exit 2), found before anything could be written.
   */
  async plan(filters: Filters, selection: Selection = EVERY_LESSON): Promise<Plan> {
    this.emit({ type: 'stage', stage: 'reading-sandbox' });
    // One snapshot of the sandbox from the plan to the end of apply: what apply copies is
    // what the operator previewed, even if someone writes to the sandbox meanwhile.
    await this.guard('sandbox', async () => {
      if (this.sandboxSnapshot) await this.sandboxDb.query('COMMIT');
      await this.sandboxDb.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      this.sandboxSnapshot = true;
    });
    const sandbox = await this.guard('sandbox', () => readSandbox(this.sandboxDb, this.schema, filters));
    const entries = await this.planAgainstProd(sandbox, selection);
    const unknown = unknownLessons(entries, selection);
    if (unknown.length) throw new UsageError('unknown-lesson', { ids: unknown.join(', ') });
    // the prod snapshot and the planner's maps, garbage now, while the operator reads the plan
    collectAfterPhase();
    return { sandbox, entries, summary: summarize(entries, true) };
  }

  private async planAgainstProd(sandbox: SandboxSnapshot, selection: Selection): Promise<PlanEntry[]> {
    this.emit({ type: 'stage', stage: 'reading-prod', lessons: sandbox.lessons.length });
    const prod = await this.guard('prod', () => readProd(this.prodDb, this.schema, sandbox));
    this.emit({ type: 'stage', stage: 'planning', lessons: sandbox.lessons.length });
    const planner = createPlanner(sandbox, prod);
    const entries: PlanEntry[] = [];
    for (let start = 0; start < planner.total; start += PLAN_SLICE) {
      const slice = applySelection(planner.plan(start, start + PLAN_SLICE), selection);
      entries.push(...slice);
      collectIfGrown();
      if (this.listeners.size) {
        this.emit({ type: 'planned', entries: slice });
        // lets a view draw the slice before the next one is planned
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return entries;
  }

  /** Writes the confirmed plan in one prod transaction; returns every lesson's outcome. */
  async apply(plan: Plan, options: ApplyOptions = {}): Promise<{ entries: PlanEntry[]; summary: Summary }> {
    const watched: ApplyHooks = {
      ...options,
      openWatcher: () => connectDb(this.targets.prod, 'prod', { timeoutMs: DEFAULT_WATCHDOG.answerWithinMs }),
      onLockWait: (wait) => this.emit({ type: 'lock-wait', wait }),
      onProgress: (done, total, latest) => this.emit({ type: 'written', done, total, latest }),
      onError: (entry) => this.emit({ type: 'lesson-failed', entry }),
    };
    const entries = await this.guard('prod', () => applyPlan(this.prodDb, this.sandboxDb, this.schema, plan.sandbox, plan.entries, watched));
    collectAfterPhase(); // what the batches left, before the summary is shown and the process idles
    return { entries, summary: summarize(entries) };
  }

  /** A lesson's rows on both sides, for its details: one query a side, read when asked. */
  lessonValues(entry: PlanEntry): Promise<LessonValues> {
    return this.guard('prod', () => readLessonValues(this.sandboxDb, this.prodDb, this.schema, entry.sandboxLessonId, entry.prodLessonId));
  }

  queryCounts(): Record<Side, number> {
    return { sandbox: this.sandboxDb.queries, prod: this.prodDb.queries };
  }

  async close(): Promise<void> {
    await Promise.all([this.sandboxDb.close(), this.prodDb.close()]);
  }

  /** A dropped connection becomes the readable ConnectError 'lost'. */
  private async guard<T>(side: Side, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      throw lostConnection(side === 'sandbox' ? this.sandboxDb : this.prodDb, error);
    }
  }
}
