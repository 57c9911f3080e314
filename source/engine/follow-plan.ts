/**
 * Applying a saved plan (SPEC §11): today's plan, held to what the reviewed one showed.
 * Only a lesson the saved plan selected can be written, and only while its sandbox and
 * prod rows are still those it was decided on (their fingerprints); a lesson new since
 * the plan is counted, never written.
 */
import { TaskList } from './task-table.js';
import { notWritten } from './selection.js';
import { isWrite, type PlanEntry } from './types.js';
import type { ReviewedLesson, ReviewedLessonsView } from './reviewed-lessons.js';

export type { ReviewedLesson } from './reviewed-lessons.js';

export interface ReviewedPlan {
  lessons: ReviewedLessonsView;
  /** the selected lessons (sandbox ids) whose sandbox and prod rows are still as the plan found them */
  unchanged: ReadonlySet<number>;
}

/**
 * Tells which selected lessons still rest on the rows the plan was made from, as their
 * fingerprints are read now: each is compared as it arrives, and none is kept (a million
 * lessons' fingerprints held in maps were 150 MB).
 */
export class RowsCheck {
  /** the sandbox and prod lessons whose fingerprints to read now: those the plan would write */
  readonly sandboxIds: number[] = [];
  readonly prodIds: number[] = [];
  /** prod lesson id → the selected lessons (sandbox ids) resting on it */
  private readonly byProdId = new Map<number, number | number[]>();
  private readonly sandboxSame = new Set<number>();
  private readonly prodSame = new Set<number>();

  constructor(private readonly lessons: ReviewedLessonsView) {
    for (const lesson of lessons.values()) {
      if (!lesson.selected) continue;
      const id = lesson.sandboxLessonId;
      this.sandboxIds.push(id);
      if (lesson.prodLessonId === null) continue;
      this.prodIds.push(lesson.prodLessonId);
      const held = this.byProdId.get(lesson.prodLessonId);
      this.byProdId.set(lesson.prodLessonId, held === undefined ? id : Array.isArray(held) ? [...held, id] : [held, id]);
    }
  }

  sandboxRow(id: number, fingerprint: string): void {
    if (this.lessons.get(id)?.sandboxFingerprint === fingerprint) this.sandboxSame.add(id);
  }

  prodRow(id: number, fingerprint: string): void {
    const held = this.byProdId.get(id);
    for (const sandboxId of held === undefined ? [] : Array.isArray(held) ? held : [held]) {
      if (this.lessons.get(sandboxId)!.prodFingerprint === fingerprint) this.prodSame.add(sandboxId);
    }
  }

  /** Once every row was handed over: the selected lessons whose rows are all as they were. */
  unchanged(): Set<number> {
    const unchanged = new Set<number>();
    for (const id of this.sandboxIds) {
      if (this.sandboxSame.has(id) && (this.lessons.get(id)!.prodLessonId === null || this.prodSame.has(id))) unchanged.add(id);
    }
    return unchanged;
  }
}

function stillAsReviewed(entry: PlanEntry, saved: ReviewedLesson, plan: ReviewedPlan): boolean {
  return entry.action === saved.action && entry.prodLessonId === saved.prodLessonId && plan.unchanged.has(saved.sandboxLessonId);
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
export function goneSincePlan(plan: ReviewedPlan, seen: { has(sandboxLessonId: number): boolean }): PlanEntry[] {
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
