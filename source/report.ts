/** The JSON report of SPEC §6. */
import { accessSync, constants, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';
import type { PlanEntry, Summary } from './engine/types.js';

export interface ReportInput {
  mode: 'dry-run' | 'apply';
  sandbox: string;
  prod: string;
  startedAt: Date;
  finishedAt: Date;
  summary: Summary;
  entries: readonly PlanEntry[];
  /** true before apply: "tasksCopied" is what the plan would copy */
  planned: boolean;
}

export function buildReport(input: ReportInput) {
  const { summary } = input;
  return {
    version: 1,
    mode: input.mode,
    sandbox: input.sandbox,
    prod: input.prod,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    summary: {
      lessons: summary.lessons,
      created: summary.created,
      updated: summary.updated,
      skipped: summary.skipped,
      errors: summary.errors,
      tasksCopied: summary.tasksCopied,
      tasksMissingInProd: summary.tasksMissingInProd,
    },
    lessons: input.entries.map((e) => ({
      sandboxLessonId: e.sandboxLessonId,
      platformId: e.platformId,
      studentName: e.studentName,
      lessonDate: e.lessonDate,
      duration: e.duration,
      action: e.action,
      reason: e.reason,
      prodLessonId: e.prodLessonId,
      fieldsFilled: e.fieldsFilled,
      tasksCopied: input.planned ? e.tasksToCopy.length : e.tasksCopied,
      tasksMissingInProd: e.tasksMissingInProd,
      message: e.message,
    })),
  };
}

/** Fails early, before anything is read, when the report could not be written at the end. */
export function checkReportPath(path: string): void {
  const target = resolve(path);
  try {
    accessSync(dirname(target), constants.W_OK);
  } catch (error) {
    throw new UsageError('report-unwritable', { path, why: (error as NodeJS.ErrnoException).code ?? 'not writable' });
  }
}

/** Written to a temporary file and renamed: a reader never sees half a report. */
export function writeReport(path: string, input: ReportInput): void {
  const target = resolve(path);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(buildReport(input), null, 2) + '\n');
  renameSync(temporary, target);
}
