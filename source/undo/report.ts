/** The JSON report of an undo: like a sync's, a lesson a line. */
import { writeSync } from 'node:fs';
import { writeAtomically } from '../storage/files.js';
import { jsonText, lessonLinesJson, REPORT_TO_STDOUT } from '../storage/report.js';
import { summarizeUndo, type UndoEntry, type UndoSummary } from './plan.js';

export interface UndoReportInput {
  dryRun: boolean;
  prod: string;
  undoFile: string;
  startedAt: Date;
  finishedAt: Date;
  /** false: the sync never committed, and nothing was undone */
  syncCommitted: boolean;
  summary: UndoSummary;
  entries: readonly UndoEntry[];
}

export function undoReportChunks(input: UndoReportInput): Generator<string> {
  const head = {
    version: 1,
    mode: input.dryRun ? 'undo-dry-run' : 'undo',
    prod: input.prod,
    undoFile: input.undoFile,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    syncCommitted: input.syncCommitted,
    summary: input.summary,
  };
  return lessonLinesJson(head, input.entries, ({ lesson, action, reason }) =>
    jsonText({
      sandboxLessonId: lesson.sandboxLessonId,
      prodLessonId: lesson.prodLessonId,
      kind: lesson.kind,
      action,
      reason,
      tasks: lesson.tasks.length,
    }),
  );
}

/** An undo's report: the run's facts given once, the outcome by whichever view ends the run. */
export class UndoReport {
  constructor(private readonly run: Pick<UndoReportInput, 'dryRun' | 'prod' | 'undoFile' | 'startedAt'>) {}

  write(path: string, outcome: Pick<UndoReportInput, 'syncCommitted' | 'entries'>): void {
    writeUndoReport(path, { ...this.run, ...outcome, finishedAt: new Date(), summary: summarizeUndo(outcome.entries) });
  }
}

export function writeUndoReport(path: string, input: UndoReportInput): void {
  if (path === REPORT_TO_STDOUT) {
    for (const chunk of undoReportChunks(input)) writeSync(1, chunk);
    return;
  }
  writeAtomically(path, undoReportChunks(input));
}
