/**
 * Applying a saved plan (SPEC §11): today's plan, held to what the reviewed one showed.
 * Only a lesson the saved plan selected can be written, and only while its sandbox and
 * prod rows are still those it was decided on (their fingerprints); a lesson new since
 * the plan is counted, never written.
 */
import { TaskList } from './task-table.js';
import { notWritten } from './selection.js';
import { isWrite, type Action, type LessonIdentity, type PlanEntry } from './types.js';

/** A lesson as the reviewed plan decided it. */
export interface ReviewedLesson extends LessonIdentity {
  action: Action;
  selected: boolean;
  prodLessonId: number | null;
  sandboxFingerprint: string | null;
  prodFingerprint: string | null;
}

export interface ReviewedPlan {
  lessons: ReadonlyMap<number, ReviewedLesson>;
  /** fingerprints now, of the rows the selected lessons rest on */
  now: { sandbox: ReadonlyMap<number, string>; prod: ReadonlyMap<number, string> };
}

/** The sandbox and prod lessons whose fingerprints to read now: those the plan would write. */
export function rowsToFingerprint(lessons: ReadonlyMap<number, ReviewedLesson>): { sandbox: number[]; prod: number[] } {
  const sandbox: number[] = [];
  const prod: number[] = [];
  for (const lesson of lessons.values()) {
    if (!lesson.selected) continue;
    sandbox.push(lesson.sandboxLessonId);
    if (lesson.prodLessonId !== null) prod.push(lesson.prodLessonId);
  }
  return { sandbox, prod };
}

function stillAsReviewed(entry: PlanEntry, saved: ReviewedLesson, plan: ReviewedPlan): boolean {
  return (
    entry.action === saved.action &&
    entry.prodLessonId === saved.prodLessonId &&
    plan.now.sandbox.get(saved.sandboxLessonId) === saved.sandboxFingerprint &&
    (saved.prodLessonId === null || plan.now.prod.get(saved.prodLessonId) === saved.prodFingerprint)
  );
}

/** One lesson of today's plan, as the reviewed plan allows it. */
export function followPlan(entry: PlanEntry, plan: ReviewedPlan): PlanEntry {
  const saved = plan.lessons.get(entry.sandboxLessonId);
  if (!saved) return notWritten(entry, 'not-in-plan');
  if (saved.selected) return stillAsReviewed(entry, saved, plan) ? entry : notWritten(entry, 'changed-since-preview');
  if (!isWrite(entry)) return entry;
  // the reviewer left it out, or the plan did not show it as a write at all
  return isWrite(saved) ? notWritten(entry, 'excluded') : notWritten(entry, 'changed-since-preview');
}

/** Lessons the plan selected that the sandbox no longer holds: shown, counted as changed, never written. */
export function goneSincePlan(plan: ReviewedPlan, seen: ReadonlySet<number>): PlanEntry[] {
  const gone: PlanEntry[] = [];
  for (const saved of plan.lessons.values()) {
    if (!saved.selected || seen.has(saved.sandboxLessonId)) continue;
    gone.push({
      sandboxLessonId: saved.sandboxLessonId,
      platformId: saved.platformId,
      studentName: saved.studentName,
      lessonDate: saved.lessonDate,
      duration: saved.duration,
      action: 'skip',
      reason: 'changed-since-preview',
      prodStudentId: null,
      prodLessonId: saved.prodLessonId,
      fieldsFilled: [],
      filledInProd: [],
      keptProdValues: [],
      tasksToCopy: TaskList.none,
      tasksMissingInProd: [],
      tasksAlreadyInProd: 0,
      tasksCopied: 0,
      message: null,
    });
  }
  return gone;
}
