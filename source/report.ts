/** The JSON report of SPEC §6. */
import { writeSync } from 'node:fs';
import { checkWritablePath, writeAtomically } from './files.js';
import { escapeJsonControls } from './text.js';
import type { EntryList, PlanEntry, Summary } from './engine/types.js';

export interface ReportInput {
  mode: 'dry-run' | 'apply';
  sandbox: string;
  prod: string;
  startedAt: Date;
  finishedAt: Date;
  summary: Summary;
  entries: EntryList;
  /** true before apply: "tasksCopied" is what the plan would copy */
  planned: boolean;
  /** the apply was stopped by this signal and rolled back: the lessons are the plan */
  interrupted?: string;
  /** the undo file the apply left (SPEC §12) */
  undoFile?: string;
}

function header(input: ReportInput) {
  const { summary } = input;
  return {
    version: 1,
    mode: input.mode,
    sandbox: input.sandbox,
    prod: input.prod,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    ...(input.interrupted ? { interrupted: input.interrupted, committed: false } : {}),
    ...(input.undoFile ? { undoFile: input.undoFile } : {}),
    summary: summaryForFile(summary),
  };
}

/** The counts a report or a saved plan carries. */
export function summaryForFile(summary: Summary) {
  return {
    lessons: summary.lessons,
    created: summary.created,
    updated: summary.updated,
    skipped: summary.skipped,
    errors: summary.errors,
    tasksCopied: summary.tasksCopied,
    tasksMissingInProd: summary.tasksMissingInProd,
    excluded: summary.excluded,
  };
}

function lesson(e: PlanEntry, planned: boolean) {
  return {
    sandboxLessonId: e.sandboxLessonId,
    platformId: e.platformId,
    studentName: e.studentName,
    lessonDate: e.lessonDate,
    duration: e.duration,
    action: e.action,
    reason: e.reason,
    prodLessonId: e.prodLessonId,
    fieldsFilled: e.fieldsFilled,
    tasksCopied: planned ? e.tasksToCopy.length : e.tasksCopied,
    tasksMissingInProd: e.tasksMissingInProd,
    message: e.message,
  };
}

/**
 * The report as text, piece by piece: the header indented, then one lesson a line (a
 * million lessons stay greppable, and are never one string in memory).
 */
export function reportChunks(input: ReportInput): Generator<string> {
  return lessonLinesJson(header(input), input.entries, (entry) => lesson(entry, input.planned));
}

/** A JSON object, indented, whose "lessons" list holds one lesson a line, as text piece by piece. */
export function* lessonLinesJson<T>(head: object, items: Iterable<T> & { readonly length: number }, line: (item: T) => unknown): Generator<string> {
  const text = escapeJsonControls(JSON.stringify({ ...head, lessons: [] }, null, 2));
  if (!items.length) {
    yield text + '\n';
    return;
  }
  yield text.slice(0, text.lastIndexOf('[]')) + '[\n';
  let i = 0;
  for (const item of items) {
    yield `    ${escapeJsonControls(JSON.stringify(line(item)))}${++i < items.length ? ',' : ''}\n`;
  }
  yield '  ]\n}\n';
}

/** Tries the report's path before any database is touched. */
export const checkReportPath = (path: string) => checkWritablePath(path, 'report-unwritable');

/** `--report -`: the report goes to standard output. */
export const REPORT_TO_STDOUT = '-';

/** Written to a temporary file and renamed: a reader never sees half a report, and no temporary file stays behind. */
export function writeReport(path: string, input: ReportInput): void {
  if (path === REPORT_TO_STDOUT) {
    for (const chunk of reportChunks(input)) writeSync(1, chunk);
    return;
  }
  writeAtomically(path, reportChunks(input));
}
