/** The JSON report of SPEC §6. */
import { writeSync } from 'node:fs';
import { checkWritablePath, writeAtomically } from './files.js';
import { escapeJsonControls } from '../common/printable.js';
import { BoundedMemo } from '../engine/bounded-memo.js';
import type { EntryList, PlanEntry, Summary } from '../engine/types.js';

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

/** A value's JSON, as the report writes it: DEL and the C1 controls escaped too. */
export const jsonText = (value: unknown) => escapeJsonControls(JSON.stringify(value));

/** JSON.stringify of a number, without its cost: ids and counts are integers (anything else, as JSON has it) */
const number = (value: number | null) => (value === null ? 'null' : Number.isSafeInteger(value) ? `${value}` : JSON.stringify(value));
/** A lesson_date as the sandbox prints it needs no escaping; any other text is serialized */
const PLAIN_DATE = /^[0-9 :.-]*$/;

/**
 * A lesson of the report as its JSON line (the SPEC §6 fields, in that order). What repeats
 * from lesson to lesson (a student's texts, a list of fields, an action and its reason) is
 * turned into JSON once: a report of 100,000 lessons took 0.13 s of JSON.stringify alone.
 */
export class LessonJson {
  private readonly texts = new BoundedMemo<string, string>();
  private readonly lists = new WeakMap<readonly unknown[], string>();

  constructor(private readonly planned: boolean) {}

  line(e: PlanEntry): string {
    const tasksCopied = this.planned ? e.tasksToCopy.length : e.tasksCopied;
    return (
      `{"sandboxLessonId":${number(e.sandboxLessonId)},"platformId":${this.text(e.platformId)},"studentName":${this.text(e.studentName)}` +
      `,"lessonDate":${e.lessonDate === '' ? 'null' : PLAIN_DATE.test(e.lessonDate) ? `"${e.lessonDate}"` : jsonText(e.lessonDate)},"duration":${number(e.duration)},"action":${this.text(e.action)},"reason":${this.text(e.reason)}` +
      `,"prodLessonId":${number(e.prodLessonId)},"fieldsFilled":${this.list(e.fieldsFilled)},"tasksCopied":${number(tasksCopied)}` +
      `,"tasksMissingInProd":${this.list(e.tasksMissingInProd)},"message":${e.message === null ? 'null' : jsonText(e.message)}}`
    );
  }

  private text(value: string | null): string {
    return value === null ? 'null' : this.texts.get(value, jsonText);
  }

  private list(values: readonly unknown[]): string {
    if (values.length === 0) return '[]';
    let text = this.lists.get(values);
    if (text === undefined) this.lists.set(values, (text = jsonText(values)));
    return text;
  }
}

/**
 * The report as text, piece by piece: the header indented, then one lesson a line (a
 * million lessons stay greppable, and are never one string in memory).
 */
export function reportChunks(input: ReportInput): Generator<string> {
  const lessons = new LessonJson(input.planned);
  return lessonLinesJson(header(input), input.entries, (entry) => lessons.line(entry));
}

/** A JSON object, indented, whose "lessons" list holds one lesson a line (`line`: its JSON text), as text piece by piece. */
export function* lessonLinesJson<T>(head: object, items: Iterable<T> & { readonly length: number }, line: (item: T) => string): Generator<string> {
  const text = escapeJsonControls(JSON.stringify({ ...head, lessons: [] }, null, 2));
  if (!items.length) {
    yield text + '\n';
    return;
  }
  yield text.slice(0, text.lastIndexOf('[]')) + '[\n';
  let i = 0;
  for (const item of items) {
    yield `    ${line(item)}${++i < items.length ? ',' : ''}\n`;
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
