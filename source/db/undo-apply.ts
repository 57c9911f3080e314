/**
 * An undo's one prod transaction (SPEC §12): under the run lock, the lessons to take back
 * are read again and locked, and only those still exactly as the sync left them are
 * removed or restored, set-based: the re-check, then three statements, whatever their number.
 */
import { ConnectError, InterruptedError, isAppError, LockTimeoutError, type InterruptSignal } from '../errors.js';
import { decide, undoes, type UndoEntry } from '../undo/plan.js';
import type { Db } from './client.js';
import { isConnectionFailure, isLockTimeout, lostConnection, runFailure } from './errors.js';
import { beginRun } from './apply.js';
import { readLessonStates, type LessonTables } from './fingerprint.js';
import type { Table } from './schema.js';
import { jsonTable, quoteIdent } from './sql.js';
import { Watchdog, type LockWait } from './watchdog.js';

export interface UndoApplyOptions {
  lockTimeoutSeconds: number;
  onLockWait?: (wait: LockWait) => void;
  signal?: AbortSignal;
  signalName?: () => InterruptSignal;
  /** a second prod session for the watchdog (as a sync's apply has): a silent network is noticed */
  openWatcher?: () => Promise<Db>;
}

/** Returns every entry's outcome: those changed since the plan was shown end `keep`. */
export async function applyUndo(
  db: Db,
  tables: LessonTables & { lessons: Table },
  columns: readonly string[],
  planned: readonly UndoEntry[],
  options: UndoApplyOptions,
): Promise<UndoEntry[]> {
  const { signal } = options;
  const interrupted = (rolledBack: boolean) => new InterruptedError(rolledBack, options.signalName?.() ?? 'SIGINT');
  if (signal?.aborted) throw interrupted(false);
  const abort = () => db.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  const watchdog = options.openWatcher ? new Watchdog(db, options.openWatcher, (wait) => options.onLockWait?.(wait)) : undefined;
  let committing = false;
  try {
    await beginRun(db, options.lockTimeoutSeconds, options.onLockWait);
    const ids = planned.filter(undoes).map((e) => e.lesson.prodLessonId);
    const now = await readLessonStates(db, tables, ids, [], true);
    const outcomes = planned.map((entry) => (undoes(entry) ? decide(entry.lesson, now.get(entry.lesson.prodLessonId)) : entry));
    const removed = outcomes.filter((e) => e.action === 'remove').map((e) => e.lesson.prodLessonId);
    const restored = outcomes.filter((e) => e.action === 'restore');
    const taskIds = outcomes.flatMap((e) => (undoes(e) ? e.lesson.tasks : []));

    if (taskIds.length) {
      const params: unknown[] = [];
      const keys = jsonTable(params, [{ name: 'id', type: 'int8', values: taskIds }]);
      await db.query(`DELETE FROM ${tables.lessonTasks.sql} lt USING ${keys} AS k WHERE lt.lesson_task_id = k.id`, params);
    }
    if (removed.length) {
      const params: unknown[] = [];
      const keys = jsonTable(params, [{ name: 'id', type: 'int8', values: removed }]);
      await db.query(`DELETE FROM ${tables.lessons.sql} l USING ${keys} AS k WHERE l.lesson_id = k.id`, params);
    }
    if (restored.length) {
      const params: unknown[] = [];
      const values = jsonTable(params, [
        { name: 'id', type: 'int8', values: restored.map((e) => e.lesson.prodLessonId) },
        ...columns.map((_, i) => ({ name: `c${i}`, values: restored.map((e) => e.lesson.before![i] ?? null) })),
      ]);
      const set = columns.map((c, i) => `${quoteIdent(c)} = v.c${i}::${tables.lessons.columns.get(c)!.valueType}`);
      await db.query(`UPDATE ${tables.lessons.sql} l SET ${set.join(', ')} FROM ${values} AS v WHERE l.lesson_id = v.id`, params);
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
    if (isAppError(error)) throw error;
    if (isConnectionFailure(error)) {
      throw committing ? new ConnectError('commit-unknown', db.side, db.url.masked, db.describe(error)) : (watchdog?.failure() ?? lostConnection(db, error));
    }
    if (isLockTimeout(error)) throw new LockTimeoutError(options.lockTimeoutSeconds, watchdog?.lastWait);
    throw runFailure(error, db.side, db.url.password);
  } finally {
    watchdog?.stop();
  }
}
