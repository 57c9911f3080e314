/**
 * The re-check (SPEC §3): inside the apply transaction and under the run lock, the lessons
 * the preview writes are planned again against prod as it is now.
 */
import { collectIfGrown } from '../common/memory.js';
import { createPlanner } from '../engine/planner.js';
import type { PlanEntries } from '../engine/plan-entries.js';
import { notWritten } from '../engine/selection.js';
import type { PlanEntry, SandboxSnapshot } from '../engine/types.js';
import type { Db } from './client.js';
import type { FingerprintTable } from '../engine/fingerprint-table.js';
import type { LessonStates } from './fingerprint.js';
import { readExistingTaskIds, readProdLessons, readProdStudents } from './read.js';
import type { SyncSchema } from './schema.js';

/** A preview entry still stands when the fresh plan wants the same write on the same rows. */
function stillStands(preview: PlanEntry, fresh: PlanEntry): boolean {
  return (
    fresh.action === preview.action &&
    fresh.prodLessonId === preview.prodLessonId &&
    fresh.prodStudentId === preview.prodStudentId
  );
}

/**
 * Lessons re-read from prod at a time by the re-check. Up to twice this many go in one
 * slice (the usual run pays no extra round trip); more go in slices of this size, so that
 * a million lessons never hold a second prod snapshot of them all at once (slices of
 * 100,000 peaked at 882 MB at a million, of 50,000 at 822).
 */
export const RECHECK_SLICE = 50_000;

/** Will the fresh plan write exactly what the preview said? */
function sameWrite(preview: PlanEntry, fresh: PlanEntry): boolean {
  return sameFields(preview.fieldsFilled, fresh.fieldsFilled) && preview.tasksToCopy.sameAs(fresh.tasksToCopy);
}

const sameFields = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((field, i) => field === b[i]);

/**
 * A saved plan's updates (SPEC §11) go in only while the prod rows they rest on are as the
 * plan found them: `locked` holds those rows as the transaction read and locked them.
 */
export function holdToFingerprints(outcomes: PlanEntries, locked: LessonStates, expected: FingerprintTable): void {
  for (let i = 0; i < outcomes.length; i++) {
    if (outcomes.actionAt(i) !== 'update') continue;
    const prodLessonId = outcomes.prodLessonIdAt(i)!;
    if (locked.fingerprint(prodLessonId) !== expected.get(prodLessonId)) outcomes.set(i, changed(outcomes.at(i)!));
  }
}

export const changed = (preview: PlanEntry): PlanEntry => notWritten(preview, 'changed-since-preview');

/**
 * Plans again, inside the transaction and under the lock, the lessons the preview writes:
 * each keeps its preview entry when nothing moved, gets the fresh one when only details did
 * (a task now in prod), and ends changed-since-preview otherwise. Of a key shared in the
 * sandbox only the first lesson is among them, and a lesson whose prod student changed ends
 * changed, so slices of them plan independently. Every slice is re-checked before the first
 * write: what the re-check sees is prod as the transaction found it.
 *
 * Prod reads the next slice while this process plans the current one, and runs `thenRead`
 * (one statement at a time on the connection all the same) while the last slice is planned.
 */
export async function recheck<T>(
  db: Db,
  schema: SyncSchema,
  sandbox: SandboxSnapshot,
  preview: PlanEntries,
  sliceSize: number,
  thenRead: () => Promise<T>,
): Promise<{ outcomes: PlanEntries; then: T }> {
  const writes = preview.writePositions();
  const outcomes = preview.copy(); // a plan entry has tasksCopied 0: the skips and errors stand as planned
  if (!writes.length) return { outcomes, then: await thenRead() };
  // once for every slice: which of the sandbox's task ids prod has, and the written lessons'
  // students (a slice's keys are then made and sent at once, before the slice before is planned)
  const [existingTaskIds, students] = await Promise.all([
    readExistingTaskIds(db, schema, sandbox.tasks),
    readProdStudents(db, schema, sandbox.lessons, writes),
  ]);
  const size = writes.length <= 2 * sliceSize ? writes.length : sliceSize;
  const slices: number[][] = [];
  for (let start = 0; start < writes.length; start += size) slices.push(writes.slice(start, start + size));
  const readSlice = async (slice: number[]) => {
    const lessons = sandbox.lessons.pick(slice);
    return { lessons, prod: await readProdLessons(db, schema, lessons, students) };
  };
  let reading = readSlice(slices[0]!);
  let then: Promise<T> | undefined;
  for (const [s, slice] of slices.entries()) {
    const { lessons, prod } = await reading;
    // awaited later: a failure meanwhile must not go unhandled
    if (s + 1 < slices.length) {
      reading = readSlice(slices[s + 1]!);
      reading.catch(() => {});
    } else {
      then = thenRead();
      then.catch(() => {});
    }
    collectIfGrown();
    const planner = createPlanner({ lessons, tasks: sandbox.tasks }, { ...prod, existingTaskIds });
    planner.plan(0, slice.length).forEach((fresh, k) => {
      const i = slice[k]!;
      const entry = preview.at(i)!;
      if (!stillStands(entry, fresh)) outcomes.set(i, changed(entry));
      else if (!sameWrite(entry, fresh)) outcomes.set(i, fresh);
    });
    collectIfGrown();
  }
  return { outcomes, then: await then! };
}
