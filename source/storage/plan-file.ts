/**
 * The saved plan (SPEC §11): what a dry run decided, written so that `--apply-plan` can
 * later write exactly that and nothing else. JSON, one lesson a line (a million lessons
 * are written and read in pieces, never one string), ending with the lesson count and a
 * SHA-256 of every line before it: a truncated or edited file is refused, not half-used.
 */
import type { Filters } from '../engine/types.js';
import { UsageError } from '../common/errors.js';
import { checkWritablePath, writeAtomicallyWith } from './files.js';
import { FramedFileError, FramedWriter, readFramedFile } from './framed-file.js';
import type { ReviewedLesson } from '../engine/follow-plan.js';
import { DuplicateLessonError, ReviewedLessons } from '../engine/reviewed-lessons.js';
import { ACTIONS, isWrite, type EntryList, type PlanEntry, type Reason } from '../engine/types.js';
import type { summaryForFile } from './report.js';

export const PLAN_FORMAT = 'lesson-sync-plan';
export const PLAN_VERSION = 1;

/** Which database a plan was made on: the URL is for people, the first two are compared. */
export interface DatabaseIdentity {
  systemIdentifier: string;
  database: string;
  /** masked: never a password */
  url: string;
}

/** Two identities name the same database: the same cluster, the same database in it. */
export const sameDatabase = (a: DatabaseIdentity, b: DatabaseIdentity) => a.systemIdentifier === b.systemIdentifier && a.database === b.database;

/** An identity as an error message names it. */
export const identityText = (d: DatabaseIdentity) => `"${d.database}" (${d.url}, system ${d.systemIdentifier})`;

export interface PlanHeader {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  createdAt: string;
  sandbox: DatabaseIdentity;
  prod: DatabaseIdentity;
  filters: { students: string[]; since: string | null; until: string | null };
  summary: ReturnType<typeof summaryForFile>;
}

/**
 * A lesson as the plan file holds it: what applying needs (ReviewedLesson: the action, a
 * lesson left out keeping the create or update it was; `selected`; the fingerprints of the
 * rows it rests on, db/fingerprint.ts), and for the people who read the file, why and what.
 */
export interface SavedLesson extends ReviewedLesson {
  reason: Reason | null;
  fields: readonly string[];
  /** [task_id, assignment_type] of the LessonTasks it copies */
  tasks: [number, string | null][];
}

/** What `--apply-plan` keeps of a plan file: the header, and every lesson but its task list. */
export interface SavedPlan {
  path: string;
  header: PlanHeader;
  lessons: ReviewedLessons;
}

/** A fingerprint by lesson id (db/fingerprint.ts readFingerprints; a Map serves as well). */
export interface FingerprintLookup {
  get(id: number): string | undefined;
}

export interface Fingerprints {
  /** by sandbox lesson id */
  sandbox: FingerprintLookup;
  /** by prod lesson id */
  prod: FingerprintLookup;
}

export const checkPlanPath = (path: string) => checkWritablePath(path, 'plan-unwritable');

export function savedLesson(entry: PlanEntry, fingerprints: Fingerprints): SavedLesson {
  return {
    sandboxLessonId: entry.sandboxLessonId,
    platformId: entry.platformId,
    studentName: entry.studentName,
    lessonDate: entry.lessonDate,
    duration: entry.duration,
    action: entry.leftOut ?? entry.action,
    reason: entry.leftOut ? null : entry.reason,
    selected: isWrite(entry),
    prodLessonId: entry.prodLessonId,
    fields: entry.leftOut ? [] : entry.fieldsFilled,
    tasks: entry.tasksToCopy.tasks().map((t) => [t.taskId, t.assignmentType]),
    sandboxFingerprint: fingerprints.sandbox.get(entry.sandboxLessonId) ?? null,
    prodFingerprint: entry.prodLessonId === null ? null : (fingerprints.prod.get(entry.prodLessonId) ?? null),
  };
}

/** Writes the plan file: a temporary file renamed, so a reader never sees half a plan. */
export function writePlanFile(path: string, header: PlanHeader, entries: EntryList, fingerprints: Fingerprints): void {
  try {
    writeAtomicallyWith(path, (fd) => {
      const file = new FramedWriter(fd);
      file.head(header);
      for (const entry of entries) file.item(savedLesson(entry, fingerprints));
      file.end();
    });
  } catch (error) {
    // the operator's to fix (a full disk, a folder gone): exit 2, nothing written to prod
    throw new UsageError('plan-unwritable', { path, why: (error as NodeJS.ErrnoException).code ?? String(error) });
  }
}

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isText = (v: unknown) => typeof v === 'string';
const isTextOrNull = (v: unknown) => v === null || typeof v === 'string';
const isFingerprint = (v: unknown) => v === null || (typeof v === 'string' && /^[0-9a-f]{32}$/.test(v));

function validLesson(value: unknown): value is SavedLesson {
  const l = value as SavedLesson;
  return (
    typeof l === 'object' && l !== null &&
    isId(l.sandboxLessonId) && isTextOrNull(l.platformId) && isTextOrNull(l.studentName) && isText(l.lessonDate) &&
    (l.duration === null || typeof l.duration === 'number') &&
    (ACTIONS as readonly string[]).includes(l.action) && isTextOrNull(l.reason) && typeof l.selected === 'boolean' &&
    (l.prodLessonId === null || isId(l.prodLessonId)) &&
    Array.isArray(l.fields) && Array.isArray(l.tasks) &&
    isFingerprint(l.sandboxFingerprint) && isFingerprint(l.prodFingerprint) &&
    (!l.selected || (isWrite(l) && l.sandboxFingerprint !== null && (l.action === 'create' || l.prodFingerprint !== null)))
  );
}

export function validIdentity(value: unknown): value is DatabaseIdentity {
  const d = value as DatabaseIdentity;
  return typeof d === 'object' && d !== null && isText(d.systemIdentifier) && isText(d.database) && isText(d.url);
}

function validHeader(value: unknown): value is PlanHeader {
  const h = value as PlanHeader;
  const f = h.filters;
  return (
    validIdentity(h.sandbox) && validIdentity(h.prod) && isText(h.createdAt) &&
    typeof f === 'object' && f !== null && Array.isArray(f.students) && f.students.every(isText) &&
    isTextOrNull(f.since) && isTextOrNull(f.until) && typeof h.summary === 'object' && h.summary !== null
  );
}

/**
 * Reads and checks a plan file line by line, before any database is touched. Anything
 * but a whole, unedited plan of this version is a usage error (exit 2) that says why.
 */
export async function readPlanFile(path: string): Promise<SavedPlan> {
  const lessons = new ReviewedLessons();
  try {
    const { header, firstItemLine } = await readFramedFile(path, {
      format: PLAN_FORMAT,
      versions: [PLAN_VERSION],
      item: (value) => {
        if (!validLesson(value)) return false;
        lessons.add(value);
        return true;
      },
    });
    if (!validHeader(header)) throw new FramedFileError('invalid', '1');
    sealed(lessons, firstItemLine);
    return { path, header, lessons };
  } catch (error) {
    if (!(error instanceof FramedFileError)) throw error;
    throw new UsageError('bad-plan-file', { path, why: error.why, detail: error.detail });
  }
}

/** The lessons indexed by sandbox id; one given twice is an invalid line. */
function sealed(lessons: ReviewedLessons, firstItemLine: number): void {
  try {
    lessons.seal();
  } catch (error) {
    if (error instanceof DuplicateLessonError) throw new FramedFileError('invalid', String(firstItemLine + error.row));
    throw error;
  }
}

export function filtersOf(header: PlanHeader): Filters {
  const { students, since, until } = header.filters;
  return { students, since: since ?? undefined, until: until ?? undefined };
}
