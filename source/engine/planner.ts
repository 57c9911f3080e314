/**
 * The product's brain: SPEC §2 as pure functions of two snapshots. Read top to bottom
 * in the order of the rules. No I/O here.
 */
import {
  NONE,
  type ContentField,
  type PlanEntry,
  type ProdLesson,
  type ProdSnapshot,
  type SandboxLesson,
  type SandboxSnapshot,
} from './types.js';
import { TaskList, type TaskTable } from './task-table.js';
import type { SandboxLessons } from './sandbox-lessons.js';
import { groupShared, HashGroups } from './hash-groups.js';

const BLANK = /^[ \t\n\r\f\v]*$/;

/** NULL or only whitespace (as SQL's [[:space:]] sees it: db/sql.ts); `0` is a value. */
export function isEmpty(value: string | null | undefined): boolean {
  return value === null || value === undefined || BLANK.test(value);
}

export { fieldsOfMask } from './fields.js';


export function matchKey(studentId: number, dateKey: string, duration: string | null): string {
  return `${studentId}\u0000${dateKey}\u0000${duration ?? '\u0001'}`;
}

export function taskKey(taskId: number, assignmentType: string | null): string {
  return `${taskId}|${assignmentType ?? '\u0001'}`;
}


function entryFor(lesson: SandboxLesson): PlanEntry {
  return {
    sandboxLessonId: lesson.id,
    platformId: lesson.platformId,
    studentName: lesson.studentName,
    lessonDate: lesson.dateDisplay,
    duration: lesson.duration === null ? null : Number(lesson.duration),
    action: 'skip',
    reason: null,
    prodStudentId: null,
    prodLessonId: null,
    fieldsFilled: NONE,
    filledInProd: NONE,
    keptProdValues: NONE,
    tasksToCopy: TaskList.none,
    tasksMissingInProd: NONE,
    tasksAlreadyInProd: 0,
    tasksCopied: 0,
    message: null,
  };
}

/** Step 1: sandbox student → platform_id → exactly one prod student. */
function resolveStudent(entry: PlanEntry, prod: ProdSnapshot): number | null {
  if (isEmpty(entry.platformId)) {
    entry.reason = 'no-platform-id';
    return null;
  }
  const ids = prod.studentsByPlatformId.get(entry.platformId!) ?? [];
  if (ids.length === 0) {
    entry.reason = 'student-not-found';
    return null;
  }
  if (ids.length > 1) {
    entry.action = 'error';
    entry.reason = 'ambiguous-student';
    entry.message = ids.join(', ');
    return null;
  }
  return ids[0]!;
}

/** A lesson's LessonTasks: rows [first, end) of the sandbox's task table. */
interface LessonTasks {
  table: TaskTable;
  first: number;
  end: number;
}

/** Whether rows [first, row) of the table hold this task_id and assignment type already. */
function copiedEarlier(table: TaskTable, first: number, row: number): boolean {
  const taskId = table.taskIdAt(row);
  const type = table.assignmentTypeAt(row);
  for (let earlier = first; earlier < row; earlier++) {
    if (table.taskIdAt(earlier) === taskId && table.assignmentTypeAt(earlier) === type) return true;
  }
  return false;
}

/** Step 5: the sandbox tasks the prod lesson lacks, and those whose task_id prod does not know. */
function planTasks(entry: PlanEntry, tasks: LessonTasks, prod: ProdSnapshot, prodLessonId: number | null): void {
  const { table, first, end } = tasks;
  if (first === end) return;
  const inProd = prodLessonId === null ? undefined : prod.taskKeysByLesson.get(prodLessonId);
  const toCopy: number[] = [];
  const missing: (number | null)[] = [];
  for (let row = first; row < end; row++) {
    const taskId = table.taskIdAt(row);
    // a sloppy sandbox's LessonTask without a task_id: nothing in prod it could name
    if (Number.isNaN(taskId)) {
      missing.push(null);
      continue;
    }
    // a lesson has a handful of tasks: a repeat is found by looking back, no set a lesson
    if (copiedEarlier(table, first, row)) continue;
    if (inProd?.has(taskKey(taskId, table.assignmentTypeAt(row)))) entry.tasksAlreadyInProd++;
    else if (!prod.existingTaskIds.has(taskId)) missing.push(taskId);
    else toCopy.push(row);
  }
  if (toCopy.length) entry.tasksToCopy = new TaskList(table, toCopy);
  if (missing.length) entry.tasksMissingInProd = missing;
}

/** `filled`, with homework_status or without: one shared frozen array per combination. */
const WITH_STATUS = new Map<readonly ContentField[], readonly string[]>();
function withStatus(filled: readonly ContentField[], status: boolean): readonly string[] {
  if (!status) return filled;
  let fields = WITH_STATUS.get(filled);
  if (!fields) WITH_STATUS.set(filled, (fields = Object.freeze([...filled, 'homework_status'])));
  return fields;
}

function nonEmptyFields(lesson: SandboxLesson): readonly string[] {
  return withStatus(lesson.filled, !isEmpty(lesson.homeworkStatus));
}

/** Steps 3–4 for a lesson that has exactly one prod match. */
function planExisting(entry: PlanEntry, lesson: SandboxLesson, match: ProdLesson, tasks: LessonTasks, prod: ProdSnapshot): void {
  entry.prodLessonId = match.id;
  // The seed's rule: a lesson is filled when any content field has a value.
  if (match.filled.length > 0) {
    entry.reason = 'filled';
    entry.filledInProd = match.filled;
    return;
  }
  planTasks(entry, tasks, prod, match.id);
  const content = lesson.filled;
  if (content.length === 0 && entry.tasksToCopy.length === 0) {
    entry.reason = 'up-to-date';
    return;
  }
  entry.action = 'update';
  entry.fieldsFilled = withStatus(content, false);
  if (content.length > 0 && lesson.homeworkStatus !== undefined) {
    if (!isEmpty(lesson.homeworkStatus)) {
      entry.fieldsFilled = withStatus(content, lesson.homeworkStatus !== match.homeworkStatus);
    } else if (!isEmpty(match.homeworkStatus)) {
      entry.keptProdValues = [{ field: 'homework_status', value: match.homeworkStatus! }];
    }
  }
}

/** Step 1 without a plan entry: the one prod student of a platform_id, or none. */
export function studentOf(platformId: string | null, studentsByPlatformId: ProdSnapshot['studentsByPlatformId']): number | null {
  if (isEmpty(platformId)) return null;
  const ids = studentsByPlatformId.get(platformId!);
  return ids?.length === 1 ? ids[0]! : null;
}

/** The one prod student sandbox lesson i lands on, or none: never for a lesson that cannot be matched (SPEC §2.8). */
export function studentOfLesson(lessons: SandboxLessons, i: number, studentsByPlatformId: ProdSnapshot['studentsByPlatformId']): number | null {
  return lessons.flawAt(i) ? null : studentOf(lessons.platformIdAt(i), studentsByPlatformId);
}

/**
 * Plans in slices, so a view can show lessons as they are planned. Rule 6 needs every
 * lesson's key first: that pass is done up front, and is cheap.
 */
export function createPlanner(sandbox: SandboxSnapshot, prod: ProdSnapshot) {
  const { lessons } = sandbox;
  const prodLessons = prod.lessons;
  const prodByKey = new HashGroups<number>();
  for (let j = 0; j < prodLessons.length; j++) prodByKey.add(prodLessons.keyHashAt(j, prodLessons.studentIdAt(j)), j);

  // Step 6: of the sandbox lessons that land on one prod key, the lowest id goes ahead.
  // Entries themselves are made slice by slice: a pass over every lesson keeps only keys.
  const studentIds = new Float64Array(lessons.length);
  const hashes = new Int32Array(lessons.length);
  for (let i = 0; i < lessons.length; i++) {
    const studentId = studentOfLesson(lessons, i, prod.studentsByPlatformId);
    studentIds[i] = studentId ?? Number.NaN;
    if (studentId !== null) hashes[i] = lessons.keyHashAt(i, studentId);
  }
  // Only lessons whose key hash another lesson shares can be duplicates: only they are grouped.
  const resolved = (i: number) => !Number.isNaN(studentIds[i]!);
  const sandboxByKey = groupShared(hashes, resolved);

  function planOne(i: number): PlanEntry {
    const lesson = lessons.at(i);
    const entry = entryFor(lesson);
    // Step 8: a sloppy sandbox's lesson without a date or a student is told why, and left
    const flaw = lessons.flawAt(i);
    if (flaw) {
      entry.reason = flaw;
      return entry;
    }
    // the pass above found the lessons with exactly one prod student; only the others need telling why not
    entry.prodStudentId = resolved(i) ? studentIds[i]! : resolveStudent(entry, prod);
    if (entry.prodStudentId === null) return entry;
    const studentId = entry.prodStudentId;
    let first = lesson.id;
    for (const j of sandboxByKey.find(hashes[i]!, (j) => studentIds[j] === studentId && lessons.sameDateAndDuration(i, lessons, j))) {
      first = Math.min(first, lessons.idAt(j));
    }
    if (first !== lesson.id) {
      entry.reason = 'duplicate-in-sandbox';
      entry.message = String(first);
      return entry;
    }
    const rows = sandbox.tasks.rowsOf(lesson.id);
    const tasks = { table: sandbox.tasks, first: rows.first, end: rows.end };
    const matches = prodByKey
      .find(hashes[i]!, (j) => prodLessons.studentIdAt(j) === studentId && lessons.sameDateAndDuration(i, prodLessons, j))
      .map((j) => prodLessons.at(j));
    if (matches.length === 0) {
      entry.action = 'create';
      entry.fieldsFilled = nonEmptyFields(lesson);
      planTasks(entry, tasks, prod, null);
    } else if (matches.length > 1) {
      entry.action = 'error';
      entry.reason = 'ambiguous-match';
      entry.message = matches.map((m) => m.id).sort((a, b) => a - b).join(', ');
    } else {
      planExisting(entry, lesson, matches[0]!, tasks, prod);
    }
    return entry;
  }

  return {
    total: lessons.length,
    /** the plan of lessons [start, end), in sandbox order */
    plan(start: number, end: number): PlanEntry[] {
      const slice: PlanEntry[] = [];
      for (let i = start; i < Math.min(end, lessons.length); i++) slice.push(planOne(i));
      return slice;
    },
  };
}

/** Step 9: a write prod's schema would refuse (found read-only, prediction.ts) is an error, and writes nothing. */
export function rejectedByProd(entry: PlanEntry, message: string): PlanEntry {
  return { ...entry, action: 'error', reason: 'prod-would-reject', message, fieldsFilled: NONE, tasksToCopy: TaskList.none, keptProdValues: NONE };
}

export function planLessons(sandbox: SandboxSnapshot, prod: ProdSnapshot): PlanEntry[] {
  const planner = createPlanner(sandbox, prod);
  return planner.plan(0, planner.total);
}
