/** `lesson-sync undo FILE` in plain mode: the seed-style log of an undo. */
import type { Config } from '../core/config.js';
import { parseDbUrl } from '../common/db-url.js';
import { errorLines } from '../text/describe-error.js';
import { lessonHeader } from '../text/describe-lesson.js';
import { UsageError } from '../common/errors.js';
import { messages } from '../i18n/index.js';
import { lockWaitLog } from './lock-log.js';
import { REPORT_TO_STDOUT } from '../storage/report.js';
import { printable, printableLines } from '../common/printable.js';
import { readUndoFile } from '../storage/undo-file.js';
import { undoEntryLines, undoFileLine, undoSummaryLines } from '../text/describe-undo.js';
import { exitCodeOf } from '../core/after-run.js';
import { summarizeUndo, undoes, undoExitCode, type UndoEntry } from '../undo/plan.js';
import { UndoReport } from '../undo/report.js';
import { UndoSession } from '../undo/session.js';
import type { PlainIo, RunControl } from './run.js';

export async function runUndoPlain(config: Config, undoPath: string, io: PlainIo, control: RunControl = {}): Promise<number> {
  const m = messages(config.lang);
  const out = (line: string) => io.out(printableLines(line));
  const err = (line: string) => io.err(printableLines(line));
  const startedAt = new Date();
  let session: UndoSession | undefined;
  try {
    // a file that is not whole and unedited is refused before prod is touched
    const file = await readUndoFile(undoPath);
    if (!config.prodUrl) throw new UsageError('missing-url', { side: 'prod' });
    const prod = parseDbUrl(config.prodUrl, 'prod');
    out(m.undo.banner);
    out(m.rule);
    out(m.undo.connecting);
    session = await UndoSession.open(prod, file, undefined, { lockTimeoutSeconds: config.lockTimeout });
    const lockWait = lockWaitLog(out, m);
    session.subscribe((event) => lockWait(event.wait));
    out(m.connected(m.sides.prod, prod.masked, printable(session.info.version), session.info.rttMs));
    out(undoFileLine(file, m));

    let entries: UndoEntry[] = [];
    if (!session.committed) out(m.undo.notCommitted);
    else {
      entries = await session.plan();
      const slow = session.slowRemoval(entries);
      const table = printable(session.tables.lessonTasks.sql);
      if (slow && config.createIndex && slow.curable && !config.dryRun) {
        out(m.undo.indexCreating(table));
        const started = performance.now();
        await session.createLessonIdIndex();
        out(m.undo.indexCreated((performance.now() - started) / 1000));
      } else if (slow) {
        out(m.undo.slowRemoval(slow.lessons, table, Math.max(1, Math.round(slow.seconds / 60))));
        if (slow.curable) out(m.undo.indexHint(table));
      }
      const work = entries.filter(undoes).length;
      if (!config.dryRun && work > 0) {
        out(m.undo.writing(work));
        control.onApplying?.(true);
        try {
          entries = await session.apply(entries, { signal: control.signal, signalName: control.signalName });
        } finally {
          control.onApplying?.(false);
        }
        out(m.committed);
      }
    }
    for (const entry of entries) {
      out('');
      out(lessonHeader(entry.lesson, m));
      undoEntryLines(entry, file.header.columns, m, config.dryRun).forEach(out);
    }
    const summary = summarizeUndo(entries);
    out('');
    undoSummaryLines(summary, m, config.dryRun).forEach(out);
    if (config.reportPath) {
      new UndoReport({ dryRun: config.dryRun, prod: prod.masked, undoFile: undoPath, startedAt }).write(config.reportPath, { syncCommitted: session.committed, entries });
      if (config.reportPath !== REPORT_TO_STDOUT) out(m.reportSaved(config.reportPath));
    }
    return undoExitCode(summary);
  } catch (error) {
    errorLines(error, m).forEach(err);
    return exitCodeOf(error);
  } finally {
    await session?.close();
  }
}
