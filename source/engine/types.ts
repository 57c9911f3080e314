/** The shapes the engine works on. Values are kept as the databases' own text. */
import type { ProdLessons } from './prod-lessons.js';
import type { SandboxLessons } from './sandbox-lessons.js';
import type { TaskList, TaskTable } from './task-table.js';
import type { ContentField, SandboxFlaw } from './rows.js';

export * from './rows.js';

/** Which sandbox lessons a run takes (--student, --since, --until). */
export interface Filters {
  /** platform_ids; empty = every student */
  students: string[];
  /** YYYY-MM-DD, inclusive */
  since?: string;
  until?: string;
}

export const ACTIONS = ['create', 'update', 'skip', 'error'] as const;
export type Action = (typeof ACTIONS)[number];
export type Reason =
  | SandboxFlaw
  | 'no-platform-id'
  | 'student-not-found'
  | 'ambiguous-student'
  | 'ambiguous-match'
  | 'filled'
  | 'up-to-date'
  | 'duplicate-in-sandbox'
  | 'changed-since-preview'
  | 'write-failed'
  /** prod's schema would reject its values (a CHECK, a NOT NULL, a type): found in the plan, read-only */
  | 'prod-would-reject'
  /** left out by the operator (--exclude-lesson, --lesson) */
  | 'excluded'
  /** new in the sandbox since the saved plan (--apply-plan): not written */
  | 'not-in-plan';

/** Shared by the entries that have nothing in a list (most skips); frozen, so nobody appends to it. */
export const NONE = Object.freeze([]) as unknown as never[];

/** A lesson the run writes: a create or an update (maybe none, if absent). */
export const isWrite = (entry: { action: Action } | undefined): boolean => entry?.action === 'create' || entry?.action === 'update';

/**
 * What planning needs of the sandbox: keys and content, not every column. The columns a
 * write copies are fetched batch by batch at apply time, from the same sandbox snapshot.
 */
export interface SandboxSnapshot {
  /** newest lesson_date first, ties by id */
  lessons: SandboxLessons;
  tasks: TaskTable;
}

export interface ProdSnapshot {
  /** platform_id → prod student ids (several when platform_id is not unique) */
  studentsByPlatformId: Map<string, number[]>;
  /** the prod lessons that share a student and lesson_date with some sandbox lesson */
  lessons: ProdLessons;
  /** prod lesson id → its LessonTasks as `${task_id}|${assignment_type}`, for the lessons not filled */
  taskKeysByLesson: Map<number, Set<string>>;
  /** the sandbox's task ids that exist in prod "Tasks" */
  existingTaskIds: Set<number>;
}

/** Which sandbox lesson, as people know it. */
export interface LessonIdentity {
  sandboxLessonId: number;
  platformId: string | null;
  studentName: string | null;
  lessonDate: string;
  duration: number | null;
}

export interface PlanEntry extends LessonIdentity {
  action: Action;
  reason: Reason | null;
  prodStudentId: number | null;
  prodLessonId: number | null;
  /** content fields (and homework_status) this run writes */
  fieldsFilled: readonly string[];
  /** the content fields prod already has: why a lesson is `filled` */
  filledInProd: readonly ContentField[];
  /** prod values an update leaves as they are (homework_status), with a warning */
  keptProdValues: { field: string; value: string }[];
  /** the sandbox LessonTasks this write copies */
  tasksToCopy: TaskList;
  /** task_ids not in prod "Tasks", and null for a sandbox LessonTask without a task_id: skipped, warned of */
  tasksMissingInProd: (number | null)[];
  /** tasks the prod lesson already has */
  tasksAlreadyInProd: number;
  /** tasks actually written, after apply */
  tasksCopied: number;
  /** the database's words for an error, or the ids behind an ambiguity */
  message: string | null;
  /** a lesson the operator left out: what it would have been */
  leftOut?: 'create' | 'update';
}

/**
 * A plan's entries in order, each asked for by its position: an array of them, or the
 * columns a plan keeps them in (PlanEntries). An entry asked for is the caller's object.
 */
export interface EntryList extends Iterable<PlanEntry> {
  readonly length: number;
  at(index: number): PlanEntry | undefined;
}

export interface Summary {
  lessons: number;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
  tasksCopied: number;
  tasksMissingInProd: number;
  changedSincePreview: number;
  /** lessons the operator left out */
  excluded: number;
  /** lessons new in the sandbox since the saved plan (--apply-plan) */
  notInPlan: number;
}
