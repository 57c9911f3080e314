/**
 * What every run does once its work ends, whichever the operation (a sync, a saved plan's
 * apply, an undo) and whichever the view (plain, wizard): its exit code, its report, and
 * where its files go when the operator named none. Written once here, not in each view.
 */
import { join } from 'node:path';
import { isAppError, type InterruptSignal } from '../common/errors.js';
import type { EntryList, Summary } from '../engine/types.js';
import { writeReport, type ReportInput } from '../storage/report.js';
import { uniqueUndoName } from '../storage/state-dir.js';
import type { UndoTarget } from '../storage/undo-file.js';

/** Leaving with q before anything was written is no interruption (Ctrl+C is: 130): the run ends, nothing to report. */
export const QUIT_UNWRITTEN = 0;

/** A run that failed as a whole: its error's own code (SPEC §7), 1 for a bug. */
export const exitCodeOf = (error: unknown): number => (isAppError(error) ? error.exitCode : 1);

/** A sync that ran: 1 with lesson errors; with --exit-code (`gate`) a dry run that would write is 4. */
export function syncExitCode(summary: Summary, gate = false): number {
  if (summary.errors > 0) return 1;
  return gate && summary.created + summary.updated > 0 ? 4 : 0;
}

const stampOf = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** The names a run gives its files when the operator names none. */
export const defaultNames = {
  report: (date: Date) => `lesson-sync-report-${stampOf(date)}.json`,
  plan: (date: Date) => `lesson-sync-plan-${stampOf(date)}.json`,
};

/**
 * Where an apply's undo file goes: exactly --undo-file, else a name of its own in the state
 * directory (another if a run took it meanwhile). The demo's databases are gone when it
 * ends: it keeps one only when asked.
 */
export function undoTargetFor(config: { undoPath: string | undefined; demo: boolean; stateDir: string }, prodDatabase: string, date: Date): UndoTarget | undefined {
  if (config.undoPath !== undefined) return { path: config.undoPath, renamable: false };
  return config.demo ? undefined : { path: join(config.stateDir, uniqueUndoName(prodDatabase, date)), renamable: true };
}

type RunFacts = Pick<ReportInput, 'mode' | 'sandbox' | 'prod' | 'startedAt'>;
type Outcome = Omit<ReportInput, keyof RunFacts | 'finishedAt'>;

/** A sync's report (SPEC §6): the run's facts given once, the outcome by whichever view ends the run. */
export class SyncReport {
  constructor(private readonly run: RunFacts) {}

  write(path: string, outcome: Outcome): void {
    writeReport(path, { ...this.run, finishedAt: new Date(), ...outcome });
  }

  /** An apply stopped by a signal and rolled back: the report holds the plan, marked interrupted. */
  writeInterrupted(path: string, plan: { entries: EntryList; summary: Summary }, signal: InterruptSignal): void {
    this.write(path, { entries: plan.entries, summary: plan.summary, planned: true, interrupted: signal });
  }
}
