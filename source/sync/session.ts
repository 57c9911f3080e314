/**
 * One run of lesson-sync: open (connect, guard, schema) → plan → apply. Plain TypeScript
 * that knows nothing of Ink; it tells what happens as one stream of typed events, and
 * the wizard and the plain log are two views that subscribe to it.
 */
import type { Filters } from '../engine/types.js';
import { looksLikeSameDatabase, parseDbUrl, type DbUrl } from '../common/db-url.js';
import { UsageError, type Side } from '../common/errors.js';
import type { Db, ServerInfo } from '../db/client.js';
import { isSameDatabase } from '../db/identity.js';
import { checkSchema, guardedTables, introspect, restoredColumns, type SchemaWarning, type SyncSchema } from '../db/schema.js';
import { readGuards } from '../db/guards.js';
import { readExistingTaskIds, readLessonValues, readProdLessons, readSandboxLessons, readSandboxTasks, readSandboxTasksOf, sandboxLessonCount, type LessonValues } from '../db/read.js';
import { applyPlan, type ApplyHooks } from './apply.js';
import { Operation, step, type LockWaitEvent, type OpenOptions } from '../core/operation.js';
import { createPlanner, rejectedByProd } from '../engine/planner.js';
import { Predictor } from '../db/prediction.js';
import { applySelection, EVERY_LESSON, unknownLessons, type Selection } from '../engine/selection.js';
import { summarize } from '../engine/summary.js';
import { followPlan, goneSincePlan, RowsCheck, type ReviewedLesson, type ReviewedPlan } from '../engine/follow-plan.js';
import { readFingerprints, streamFingerprints } from '../db/fingerprint.js';
import { filtersOf, identityText, PLAN_FORMAT, PLAN_VERSION, sameDatabase, writePlanFile, type DatabaseIdentity, type SavedPlan } from '../storage/plan-file.js';
import { collectAfterPhase, collectIfGrown } from '../common/memory.js';
import { summaryForFile } from '../storage/report.js';
import { UNDO_FORMAT, UNDO_VERSION, UndoFileWriter, type UndoTarget } from '../storage/undo-file.js';
import { FingerprintTable } from '../engine/fingerprint-table.js';
import { SortedIds } from '../engine/sorted-ids.js';
import { PlanEntries } from '../engine/plan-entries.js';
import type { EntryList, PlanEntry, ProdSnapshot, SandboxSnapshot, Summary } from '../engine/types.js';

export type CheckId = 'sandbox' | 'prod' | 'same-database' | 'schema';

export type CheckEvent =
  | { id: CheckId; status: 'running' }
  | { id: 'sandbox' | 'prod'; status: 'ok'; info: ServerInfo }
  | { id: 'same-database'; status: 'ok' }
  | { id: 'schema'; status: 'ok'; warnings: SchemaWarning[] }
  | { id: CheckId; status: 'failed'; error: unknown };

export interface Plan {
  sandbox: SandboxSnapshot;
  entries: PlanEntries;
  summary: Summary;
  /** the filters it was made with (a saved plan keeps them) */
  filters: Filters;
  /** made from a saved plan: prod lesson id → the fingerprint of the rows each update rests on */
  expectedProd?: FingerprintTable;
}

export type PlanStage = 'reading-sandbox' | 'reading-prod' | 'planning';

/** Everything a run tells its views, in the order it happens. */
export type SessionEvent =
  | ({ type: 'check' } & CheckEvent)
  /** `lessons`: how many the sandbox holds, once it was read */
  | { type: 'stage'; stage: PlanStage; lessons?: number }
  /**
   * the plan's first lessons, planned from their own rows ahead of the full read (`Preview`),
   * for a view to show meanwhile; the 'planned' slices hold them again, as the plan has them
   */
  | { type: 'preview'; entries: PlanEntry[]; all: EntryList }
  /** lessons as they are planned, in order; a view may draw between slices. `all`: every entry so far (it grows) */
  | { type: 'planned'; entries: PlanEntry[]; all: EntryList }
  /** a read or a write waits for a lock, on either side: what, who holds it, since when */
  | LockWaitEvent
  /** `latest`: the last lesson of the batch just written */
  | { type: 'written'; done: number; total: number; latest: PlanEntry | undefined }
  /** a lesson prod rejected during apply (write-failed); the others go on */
  | { type: 'lesson-failed'; entry: PlanEntry };

export type SessionListener = (event: SessionEvent) => void;

/** What the caller decides about an apply; what happens during it comes as events. */
export type ApplyOptions = Pick<ApplyHooks, 'signal' | 'signalName' | 'chunkSize' | 'recheckSize'> & {
  /** the undo file to write (SPEC §12); none without it */
  undo?: UndoTarget;
};

export interface ApplyOutcome {
  entries: PlanEntries;
  summary: Summary;
  /** the undo file, when the apply wrote something and was asked to keep one */
  undoPath: string | undefined;
}

const PLAN_SLICE = 5000;

/**
 * A plan's first lessons planned before the rest is read: their rows alone are read (the
 * sandbox's newest lessons, their LessonTasks, what prod holds of them), a fixed number of
 * queries, so that a view shows lessons within a second while a million are read.
 */
export interface Preview {
  /** how many of the first lessons */
  lessons: number;
  /**
   * only where the sandbox holds at least this many lessons (PostgreSQL's estimate): below it
   * the whole plan comes about as soon, and the preview's scans would only slow it
   */
  whenAtLeast: number;
}

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

export class Session extends Operation<SessionEvent> {
  private sandboxSnapshot = false;
  /** what prod's schema is asked of each slice's writes; none when it checks nothing */
  private readonly predictor: Predictor | undefined;

  private constructor(
    readonly targets: Targets,
    readonly sandboxDb: Db,
    readonly prodDb: Db,
    readonly schema: SyncSchema,
    readonly servers: Record<Side, ServerInfo>,
  ) {
    super();
    this.predictor = Predictor.for(schema);
  }

  /** `listener` hears the checks as they run, and everything after, as a subscriber. */
  static async open(targets: Targets, listener?: SessionListener, options: OpenOptions = {}): Promise<Session> {
    const onCheck = (event: CheckEvent) => listener?.({ type: 'check', ...event });
    // a lock wait while the checks run is the listener's; after, every subscriber's
    let tell = (event: LockWaitEvent) => listener?.(event);
    const connect = (side: Side) =>
      step(side, onCheck, async () => {
        const db = await Operation.connect(targets[side], side, options, (event) => tell(event));
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
    const dbs = { sandbox: sandbox.value.db, prod: prod.value.db };
    const close = () => Promise.all([dbs.sandbox.close(), dbs.prod.close()]);
    try {
      await step('same-database', onCheck, async () => {
        // both sides at once: a failure is told as the side whose connection failed
        const same = await isSameDatabase(dbs.sandbox, dbs.prod).catch((error: unknown) => {
          throw (dbs.sandbox.lost ? dbs.sandbox : dbs.prod).explain(error);
        });
        if (same) throw new UsageError('same-database');
        onCheck({ id: 'same-database', status: 'ok' });
      });
      const schema = await step('schema', onCheck, async () => {
        const [s, p] = await Promise.all([dbs.sandbox.guard(() => introspect(dbs.sandbox)), dbs.prod.guard(() => introspect(dbs.prod))]);
        // reading a CHECK's expression opens its table: a migration's lock is waited for (and told) here already
        const [gs, gp] = await Promise.all([
          dbs.sandbox.guard(() => readGuards(dbs.sandbox, guardedTables('sandbox', s))),
          dbs.prod.guard(() => readGuards(dbs.prod, guardedTables('prod', p))),
        ]);
        const checked = checkSchema(s, p, { sandbox: gs, prod: gp });
        onCheck({ id: 'schema', status: 'ok', warnings: checked.warnings });
        return checked;
      });
      const session = new Session(targets, dbs.sandbox, dbs.prod, schema, { sandbox: sandbox.value.info, prod: prod.value.info });
      if (listener) session.subscribe(listener);
      tell = (event) => session.emit(event);
      return session;
    } catch (error) {
      await close();
      throw error;
    }
  }

  /**
   * Reads both sides (a fixed number of queries) and plans every lesson; writes nothing.
   * Lessons the selection leaves out end `excluded`; a lesson id it names that the plan does
   * not hold is a usage error (exit 2), found before anything could be written.
   */
  async plan(filters: Filters, selection: Selection = EVERY_LESSON, preview?: Preview): Promise<Plan> {
    await this.openSnapshot();
    const shape = (slice: PlanEntry[]) => applySelection(slice, selection);
    if (preview && this.listened) await this.preview(filters, preview, shape);
    const { sandbox, prod } = await this.readBothSides(filters);
    const entries = await this.planAll(sandbox, prod, shape);
    const unknown = unknownLessons(entries, selection);
    if (unknown.length) throw new UsageError('unknown-lesson', { ids: unknown.join(', ') });
    // the prod snapshot and the planner's maps, garbage now, while the operator reads the plan
    collectAfterPhase();
    return { sandbox, entries, summary: summarize(entries, true), filters };
  }

  /** A saved plan is applied only to the databases it was made on (exit 2 before any lesson is read). */
  checkPlanDatabases(saved: SavedPlan): void {
    const identity = this.identity();
    for (const side of ['sandbox', 'prod'] as const) {
      const planned = saved.header[side];
      const given = identity[side];
      if (!sameDatabase(planned, given)) throw new UsageError('plan-other-databases', { side, planned: identityText(planned), given: identityText(given) });
    }
  }

  /**
   * Plans again with a saved plan's filters and holds today's plan to it (SPEC §11): other
   * databases than the plan's are refused before any lesson is read; the fingerprints of
   * the rows its selected lessons rest on are read once a side, in the snapshot planned from.
   */
  async planFromSaved(saved: SavedPlan): Promise<Plan> {
    this.checkPlanDatabases(saved);
    await this.openSnapshot();
    const reviewed: ReviewedPlan = { lessons: saved.lessons, unchanged: await this.unchangedRows(saved) };
    const filters = filtersOf(saved.header);
    const { sandbox, prod } = await this.readBothSides(filters);
    const entries = await this.planAll(sandbox, prod, (slice) => slice.map((entry) => followPlan(entry, reviewed)));
    // every lesson planned is one of the sandbox's: those are the ones seen
    const seen = new Float64Array(sandbox.lessons.length);
    for (let i = 0; i < seen.length; i++) seen[i] = sandbox.lessons.idAt(i);
    const gone = goneSincePlan(reviewed, new SortedIds(seen));
    if (gone.length) {
      for (const entry of gone) entries.push(entry);
      this.emit({ type: 'planned', entries: gone, all: entries });
    }
    // two passes over the saved lessons (made objects as they are asked for) rather than a million held
    const resting = (lesson: ReviewedLesson) => lesson.selected && lesson.prodLessonId !== null && lesson.prodFingerprint !== null;
    const prodIds: number[] = [];
    for (const lesson of saved.lessons.values()) if (resting(lesson)) prodIds.push(lesson.prodLessonId!);
    const expectedProd = new FingerprintTable(prodIds);
    for (const lesson of saved.lessons.values()) if (resting(lesson)) expectedProd.set(lesson.prodLessonId!, lesson.prodFingerprint!);
    collectAfterPhase();
    return { sandbox, entries, summary: summarize(entries, true), filters, expectedProd };
  }

  /** The saved plan's selected lessons whose rows are as it found them: one query a side, both servers at work at once. */
  private async unchangedRows(saved: SavedPlan): Promise<Set<number>> {
    const rows = new RowsCheck(saved.lessons);
    await Promise.all([
      this.guard('sandbox', () => streamFingerprints(this.sandboxDb, this.schema.sandbox, rows.sandboxIds, (id, fp) => rows.sandboxRow(id, fp))),
      this.guard('prod', () => streamFingerprints(this.prodDb, this.schema.prod, rows.prodIds, (id, fp) => rows.prodRow(id, fp))),
    ]);
    return rows.unchanged();
  }

  /** Which databases this session reached: what a saved plan or an undo file names. */
  identity(): Record<Side, DatabaseIdentity> {
    const of = (side: Side): DatabaseIdentity => ({
      systemIdentifier: this.servers[side].systemIdentifier,
      database: this.servers[side].database,
      url: this.targets[side].masked,
    });
    return { sandbox: of('sandbox'), prod: of('prod') };
  }

  /**
   * Writes the plan as SPEC §11 says, with the fingerprints of every lesson's rows: one
   * query a side, the sandbox's in the snapshot the plan was made from.
   */
  async savePlan(path: string, plan: Plan): Promise<void> {
    const sandboxIds: number[] = [];
    const prodIds: number[] = [];
    for (let i = 0; i < plan.entries.length; i++) {
      sandboxIds.push(plan.entries.sandboxLessonIdAt(i));
      const prodLessonId = plan.entries.prodLessonIdAt(i);
      if (prodLessonId !== null) prodIds.push(prodLessonId);
    }
    const fingerprints = {
      sandbox: await this.guard('sandbox', () => readFingerprints(this.sandboxDb, this.schema.sandbox, sandboxIds)),
      prod: await this.guard('prod', () => readFingerprints(this.prodDb, this.schema.prod, prodIds)),
    };
    const { summary, filters } = plan;
    writePlanFile(
      path,
      {
        format: PLAN_FORMAT,
        version: PLAN_VERSION,
        createdAt: new Date().toISOString(),
        ...this.identity(),
        filters: { students: filters.students, since: filters.since ?? null, until: filters.until ?? null },
        summary: summaryForFile(summary),
      },
      plan.entries,
      fingerprints,
    );
  }

  /**
   * One snapshot of the sandbox from the plan to the end of apply: what apply copies is
   * what the operator previewed, even if someone writes to the sandbox meanwhile.
   */
  private async openSnapshot(): Promise<void> {
    this.emit({ type: 'stage', stage: 'reading-sandbox' });
    await this.guard('sandbox', async () => {
      if (this.sandboxSnapshot) await this.sandboxDb.query('COMMIT');
      await this.sandboxDb.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      this.sandboxSnapshot = true;
    });
  }

  /**
   * The sandbox's lessons first (prod is read by their keys); then its LessonTasks and
   * prod's lessons at the same time, each server working while this process takes in the
   * other's rows; last, which of the tasks prod has. `first`: only the plan's first that many
   * lessons and what goes with them (a preview).
   */
  private async readBothSides(filters: Filters, first?: number): Promise<{ sandbox: SandboxSnapshot; prod: ProdSnapshot }> {
    const lessons = await this.guard('sandbox', () => readSandboxLessons(this.sandboxDb, this.schema, filters, first));
    if (first === undefined) this.emit({ type: 'stage', stage: 'reading-prod', lessons: lessons.length });
    const [tasks, prodLessons] = await Promise.all([
      this.guard('sandbox', () =>
        first === undefined ? readSandboxTasks(this.sandboxDb, this.schema, filters) : readSandboxTasksOf(this.sandboxDb, this.schema, lessons),
      ),
      this.guard('prod', () => readProdLessons(this.prodDb, this.schema, lessons)),
    ]);
    const existingTaskIds = await this.guard('prod', () => readExistingTaskIds(this.prodDb, this.schema, tasks));
    return { sandbox: { lessons, tasks }, prod: { ...prodLessons, existingTaskIds } };
  }

  /**
   * Plans the first lessons from their own rows, in the sandbox snapshot the plan reads: the
   * same lessons in the same order, the same rules. Of a key shared in the sandbox the lowest
   * id goes first in that order, so a preview lesson's duplicates that matter are in it too
   * (but for a timestamptz lesson_date's repeated hour where the clocks go back: a difference
   * the full plan's slices, which replace the preview, set right).
   */
  private async preview(filters: Filters, preview: Preview, shape: (slice: PlanEntry[]) => PlanEntry[]): Promise<void> {
    if ((await this.guard('sandbox', () => sandboxLessonCount(this.sandboxDb, this.schema))) < preview.whenAtLeast) return;
    // a few lessons against whole tables (nothing indexes lesson_date or "LessonTasks".lesson_id):
    // the sandbox's scans run on parallel workers (its LessonTasks at a million: 0.39 -> 0.20 s)
    const { sandbox, prod } = await this.guard('sandbox', () => this.sandboxDb.parallelScans(() => this.readBothSides(filters, preview.lessons)));
    const planner = createPlanner(sandbox, prod);
    const planned = shape(await this.predicted(planner.plan(0, planner.total)));
    if (!planned.length) return;
    const all = new PlanEntries(sandbox.lessons, sandbox.tasks, planned.length);
    for (const entry of planned) all.push(entry);
    this.emit({ type: 'preview', entries: planned, all });
  }

  private async planAll(sandbox: SandboxSnapshot, prod: ProdSnapshot, shape: (slice: PlanEntry[]) => PlanEntry[]): Promise<PlanEntries> {
    this.emit({ type: 'stage', stage: 'planning', lessons: sandbox.lessons.length });
    const planner = createPlanner(sandbox, prod);
    const entries = new PlanEntries(sandbox.lessons, sandbox.tasks, sandbox.lessons.length);
    // Where prod's rules are predicted, the next slice's values are read from the sandbox while
    // prod judges this one's: one slice ahead, each server at work on its own.
    const sliceAt = (start: number) => {
      const planned = this.predicted(planner.plan(start, start + PLAN_SLICE));
      planned.catch(() => {}); // awaited in turn; a failure must not go unhandled meanwhile
      return planned;
    };
    let ahead = planner.total ? sliceAt(0) : undefined;
    for (let start = 0; start < planner.total; start += PLAN_SLICE) {
      const current = ahead!;
      ahead = start + PLAN_SLICE < planner.total && this.predictor ? sliceAt(start + PLAN_SLICE) : undefined;
      const slice = shape(await current);
      if (!ahead && start + PLAN_SLICE < planner.total) ahead = sliceAt(start + PLAN_SLICE);
      for (const entry of slice) entries.push(entry);
      collectIfGrown();
      if (this.listened) {
        this.emit({ type: 'planned', entries: slice, all: entries });
        // lets a view draw the slice before the next one is planned
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return entries;
  }

  /** The slice with the writes prod's schema would reject marked so (SPEC §2.9): a few queries a slice, none when prod checks nothing. */
  private async predicted(slice: PlanEntry[]): Promise<PlanEntry[]> {
    if (!this.predictor) return slice;
    const rejected = await this.predictor.rejections(this.sandboxDb, this.prodDb, slice);
    for (const [i, why] of rejected) slice[i] = rejectedByProd(slice[i]!, why);
    return slice;
  }

  /** Writes the confirmed plan in one prod transaction; returns every lesson's outcome. */
  async apply(plan: Plan, options: ApplyOptions = {}): Promise<ApplyOutcome> {
    const { undo: target, ...hooks } = options;
    const undo = target
      ? new UndoFileWriter(target, {
          format: UNDO_FORMAT,
          version: UNDO_VERSION,
          createdAt: new Date().toISOString(),
          prod: this.identity().prod,
          sandbox: this.identity().sandbox,
          columns: restoredColumns(this.schema),
        })
      : undefined;
    const watched: ApplyHooks = {
      ...hooks,
      undo,
      expectedProd: plan.expectedProd,
      onLockWait: (wait) => this.emit({ type: 'lock-wait', wait }),
      onProgress: (done, total, latest) => this.emit({ type: 'written', done, total, latest }),
      onError: (entry) => this.emit({ type: 'lesson-failed', entry }),
    };
    const entries = await applyPlan(this.prodDb, this.sandboxDb, this.schema, plan.sandbox, plan.entries, watched);
    collectAfterPhase(); // what the batches left, before the summary is shown and the process idles
    return { entries, summary: summarize(entries), undoPath: undo?.kept ? undo.path : undefined };
  }

  /** A lesson's rows on both sides, for its details: one query a side, read when asked. */
  lessonValues(entry: PlanEntry): Promise<LessonValues> {
    return this.guard('prod', () => readLessonValues(this.sandboxDb, this.prodDb, this.schema, entry.sandboxLessonId, entry.prodLessonId));
  }

  /** How many lessons the sandbox holds, whatever the filters (PostgreSQL's statistics, or a count). */
  sandboxLessonCount(): Promise<number> {
    return this.guard('sandbox', () => sandboxLessonCount(this.sandboxDb, this.schema));
  }

  queryCounts(): Record<Side, number> {
    return { sandbox: this.sandboxDb.queries, prod: this.prodDb.queries };
  }

  async close(): Promise<void> {
    await Promise.all([this.sandboxDb.close(), this.prodDb.close()]);
  }

  /** Any failure on that side, as the operator reads it (Db.explain: a lost connection, a lock timeout, a bug). */
  private guard<T>(side: Side, run: () => Promise<T>): Promise<T> {
    return (side === 'sandbox' ? this.sandboxDb : this.prodDb).guard(run);
  }
}
