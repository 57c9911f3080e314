/** Plain mode: the seed-style line log, a consumer of the session. */
import type { Config } from '../config.js';
import { errorLines } from '../describe-error.js';
import { isAppError } from '../errors.js';
import type { PlanEntry, Summary } from '../engine/types.js';
import { messages } from '../i18n/index.js';
import { writeReport } from '../report.js';
import { parseTargets, Session, type Targets } from '../session.js';
import { entryLines, lessonHeader, summaryLines, warningLine } from './format.js';

export interface PlainIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface RunControl {
  /** aborts an apply in progress (rolls back) */
  signal?: AbortSignal;
  /** told when writing starts and ends, so Ctrl+C knows whether to roll back or just leave */
  onApplying?: (applying: boolean) => void;
}

export function exitCodeFor(summary: Summary): number {
  return summary.errors > 0 ? 1 : 0;
}

export async function runPlain(config: Config, io: PlainIo, control: RunControl = {}, targets?: Targets): Promise<number> {
  const m = messages(config.lang);
  const startedAt = new Date();
  let session: Session | undefined;
  try {
    const resolved = targets ?? parseTargets(config.sandboxUrl, config.prodUrl);
    io.out(m.banner);
    io.out(m.rule);
    io.out(m.connecting);
    session = await Session.open(resolved);
    for (const side of ['sandbox', 'prod'] as const) {
      const { version, rttMs } = session.servers[side];
      const suffix = side === 'sandbox' ? ` [${m.readOnly}]` : '';
      io.out(m.connected(m.sides[side], resolved[side].masked, version, rttMs) + suffix);
    }
    session.schema.warnings.forEach((w) => io.out(warningLine(w, m)));
    io.out(m.reading);
    const plan = await session.plan(config.filters);
    io.out(m.found(plan.entries.length));

    let entries: PlanEntry[] = plan.entries;
    let summary = plan.summary;
    if (!config.dryRun) {
      const writes = plan.summary.created + plan.summary.updated;
      io.out(m.writing(writes));
      control.onApplying?.(true);
      try {
        const outcome = await session.apply(plan, {
          signal: control.signal,
          onWaiting: () => io.out(m.waitingForLock),
          onProgress: (done, total) => {
            if (done > 0 && total > 5000) io.out(m.progress(done, total));
          },
        });
        entries = outcome.entries;
        summary = outcome.summary;
      } finally {
        control.onApplying?.(false);
      }
      io.out(m.committed);
    }

    for (const entry of entries) {
      io.out('');
      io.out(lessonHeader(entry, m));
      entryLines(entry, m, config.dryRun).forEach((line) => io.out(line));
    }
    io.out('');
    summaryLines(summary, m, config.dryRun).forEach((line) => io.out(line));
    if (config.reportPath) {
      writeReport(config.reportPath, {
        mode: config.dryRun ? 'dry-run' : 'apply',
        sandbox: resolved.sandbox.masked,
        prod: resolved.prod.masked,
        startedAt,
        finishedAt: new Date(),
        summary,
        entries,
        planned: config.dryRun,
      });
      io.out(m.reportSaved(config.reportPath));
    }
    return exitCodeFor(summary);
  } catch (error) {
    errorLines(error, m).forEach((line) => io.err(line));
    return isAppError(error) ? error.exitCode : 1;
  } finally {
    await session?.close();
  }
}
