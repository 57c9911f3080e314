/** Plain mode: the seed-style line log, a consumer of the session. */
import type { Config } from '../core/config.js';
import { errorLines } from '../text/describe-error.js';
import { InterruptedError, ReportError, unreachable, type InterruptSignal } from '../common/errors.js';
import type { EntryList, Summary } from '../engine/types.js';
import { messages, type Messages } from '../i18n/index.js';
import { lockWaitLog } from './lock-log.js';
import { REPORT_TO_STDOUT } from '../storage/report.js';
import { parseTargets, Session, type Plan, type SessionListener, type Targets } from '../sync/session.js';
import { printable, printableLines } from '../common/printable.js';
import { filtersText, LessonBlocks, planLoadedLine, summaryLines, warningLine } from '../text/describe-lesson.js';
import { exitCodeOf, SyncReport, syncExitCode, undoTargetFor } from '../core/after-run.js';
import { readPlanFile } from '../storage/plan-file.js';

export interface PlainIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface RunControl {
  /** aborts an apply in progress (rolls back) */
  signal?: AbortSignal;
  /** which signal aborted it: the exit code and the message follow it */
  signalName?: () => InterruptSignal;
  /** told when writing starts and ends, so a signal knows whether to roll back or just leave */
  onApplying?: (applying: boolean) => void;
}

/** What the log says as the run goes; the per-lesson blocks come at the end, from the outcome. */
function liveLog(out: (line: string) => void, m: Messages): SessionListener {
  const lockWait = lockWaitLog(out, m);
  return (event) => {
    switch (event.type) {
      case 'check':
      case 'stage':
      case 'preview':
      case 'planned':
      case 'lesson-failed':
        return; // the seed's log tells these in its own places
      case 'lock-wait':
        return lockWait(event.wait);
      case 'written':
        if (event.done > 0 && event.total > 5000) out(m.progress(event.done, event.total));
        return;
      default:
        unreachable(event);
    }
  };
}

export async function runPlain(config: Config, io: PlainIo, control: RunControl = {}, targets?: Targets): Promise<number> {
  const m = messages(config.lang);
  // text from the databases is escaped where it is formatted; this catches anything else
  const out = (line: string) => io.out(printableLines(line));
  const err = (line: string) => io.err(printableLines(line));
  const startedAt = new Date();
  let session: Session | undefined;
  let resolved: Targets | undefined;
  let plan: Plan | undefined;
  let committed: Summary | undefined;
  let undoPath: string | undefined;
  let report: SyncReport | undefined;
  try {
    resolved = targets ?? parseTargets(config.sandboxUrl, config.prodUrl);
    report = new SyncReport({ mode: config.dryRun ? 'dry-run' : 'apply', sandbox: resolved.sandbox.masked, prod: resolved.prod.masked, startedAt });
    // a plan file that is not whole and unedited is refused before any database is touched
    let saved = config.applyPlanPath ? await readPlanFile(config.applyPlanPath) : undefined;
    out(m.banner);
    out(m.rule);
    out(m.connecting);
    session = await Session.open(resolved, liveLog(out, m), { lockTimeoutSeconds: config.lockTimeout });
    for (const side of ['sandbox', 'prod'] as const) {
      const { version, rttMs } = session.servers[side];
      const suffix = side === 'sandbox' ? ` [${m.readOnly}]` : '';
      out(m.connected(m.sides[side], resolved[side].masked, printable(version), rttMs) + suffix);
    }
    session.schema.warnings.forEach((w) => out(warningLine(w, m)));
    if (saved) {
      session.checkPlanDatabases(saved);
      out(planLoadedLine(saved, m));
    }
    out(m.reading);
    plan = saved ? await session.planFromSaved(saved) : await session.plan(config.filters, config.selection);
    saved = undefined; // planned from: its lessons (250 MB at a million) are not held through apply
    out(m.found(plan.entries.length));
    const filters = filtersText(plan.filters);
    // a filter that keeps nothing is said, with what it was: not a silent empty run
    if (!plan.entries.length && filters) out(m.filtersMatchNothing(printable(filters), await session.sandboxLessonCount()));
    if (config.savePlanPath) {
      await session.savePlan(config.savePlanPath, plan);
      out(m.planSaved(config.savePlanPath));
    }

    let entries: EntryList = plan.entries;
    let summary = plan.summary;
    if (!config.dryRun) {
      const writes = plan.summary.created + plan.summary.updated;
      out(m.writing(writes));
      control.onApplying?.(true);
      try {
        const outcome = await session.apply(plan, {
          signal: control.signal,
          signalName: control.signalName,
          undo: undoTargetFor(config, session.servers.prod.database, startedAt),
        });
        entries = outcome.entries;
        summary = outcome.summary;
        committed = summary;
        undoPath = outcome.undoPath;
      } finally {
        control.onApplying?.(false);
      }
      out(m.committed);
    }

    const blocks = new LessonBlocks(m, config.dryRun);
    for (const entry of entries) out(blocks.block(entry));
    out('');
    summaryLines(summary, m, config.dryRun).forEach(out);
    if (undoPath) out(m.undoSaved(undoPath));
    if (config.reportPath) {
      try {
        report.write(config.reportPath, { summary, entries, planned: config.dryRun, undoFile: undoPath });
      } catch (error) {
        // after a commit the operator must learn what went in, not just that a file failed
        if (committed) throw new ReportError(committed, config.reportPath, error);
        throw error;
      }
      if (config.reportPath !== REPORT_TO_STDOUT) out(m.reportSaved(config.reportPath));
    }
    return syncExitCode(summary, config.dryRun && config.exitCode);
  } catch (error) {
    if (error instanceof InterruptedError && plan && report && config.reportPath) {
      try {
        report.writeInterrupted(config.reportPath, plan, error.signal);
      } catch {
        // the interruption is what the operator needs to read
      }
    }
    errorLines(error, m).forEach(err);
    return exitCodeOf(error);
  } finally {
    await session?.close();
  }
}
