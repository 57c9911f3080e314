/**
 * The saved plan (SPEC §11): what a dry run decided, written so that `--apply-plan` can
 * later write exactly that and nothing else. JSON, one lesson a line (a million lessons
 * are written and read in pieces, never one string), ending with the lesson count and a
 * SHA-256 of every line before it: a truncated or edited file is refused, not half-used.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Filters } from './config.js';
import { UsageError } from './errors.js';
import { writeAtomically, checkWritablePath } from './files.js';
import type { ReviewedLesson } from './engine/follow-plan.js';
import { isWrite, type Action, type PlanEntry, type Reason, type Summary } from './engine/types.js';
import { escapeJsonControls } from './text.js';

export const PLAN_FORMAT = 'lesson-sync-plan';
export const PLAN_VERSION = 1;

/** Which database a plan was made on: the URL is for people, the first two are compared. */
export interface DatabaseIdentity {
  systemIdentifier: string;
  database: string;
  /** masked: never a password */
  url: string;
}

export interface PlanHeader {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  createdAt: string;
  sandbox: DatabaseIdentity;
  prod: DatabaseIdentity;
  filters: { students: string[]; since: string | null; until: string | null };
  summary: Pick<Summary, 'lessons' | 'created' | 'updated' | 'skipped' | 'errors' | 'tasksCopied' | 'excluded'>;
}

/** A lesson as the plan file holds it. */
export interface SavedLesson {
  sandboxLessonId: number;
  platformId: string | null;
  studentName: string | null;
  lessonDate: string;
  duration: number | null;
  /** what the plan decided; a lesson the operator left out keeps the create or update it was */
  action: Action;
  reason: Reason | null;
  /** to be written: a create or update the operator kept */
  selected: boolean;
  prodLessonId: number | null;
  fields: readonly string[];
  /** [task_id, assignment_type] of the LessonTasks it copies */
  tasks: [number, string | null][];
  /** md5 of the sandbox lesson row and its LessonTasks rows (db/fingerprint.ts) */
  sandboxFingerprint: string | null;
  /** the same of the prod lesson it updates or found filled; null when there is none */
  prodFingerprint: string | null;
}

/** What `--apply-plan` keeps of a plan file: the header, and every lesson but its task list. */
export interface SavedPlan {
  path: string;
  header: PlanHeader;
  lessons: Map<number, ReviewedLesson>;
}

export interface Fingerprints {
  /** sandbox lesson id → fingerprint */
  sandbox: ReadonlyMap<number, string>;
  /** prod lesson id → fingerprint */
  prod: ReadonlyMap<number, string>;
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

const LESSONS_OPEN = '  "lessons": [';
const LESSONS_CLOSE = '  ],';

/** The file's lines, each with its newline; the last two are the count and the checksum. */
export function* planFileChunks(header: PlanHeader, entries: readonly PlanEntry[], fingerprints: Fingerprints): Generator<string> {
  const hash = createHash('sha256');
  const emit = (line: string) => {
    hash.update(line);
    return line;
  };
  const head = JSON.stringify(header, null, 2);
  yield emit(`${escapeJsonControls(head.slice(0, head.lastIndexOf('\n}')))},\n${LESSONS_OPEN}\n`);
  let i = 0;
  for (const entry of entries) {
    yield emit(`    ${escapeJsonControls(JSON.stringify(savedLesson(entry, fingerprints)))}${++i < entries.length ? ',' : ''}\n`);
  }
  yield emit(`${LESSONS_CLOSE}\n  "lessonCount": ${entries.length},\n`);
  yield `  "sha256": "${hash.digest('hex')}"\n}\n`;
}

/** A plan file that could not be written is the operator's to fix (a full disk, a folder gone): exit 2, nothing written to prod. */
export function writePlanFile(path: string, header: PlanHeader, entries: readonly PlanEntry[], fingerprints: Fingerprints): void {
  try {
    writeAtomically(path, planFileChunks(header, entries, fingerprints));
  } catch (error) {
    throw new UsageError('plan-unwritable', { path, why: (error as NodeJS.ErrnoException).code ?? String(error) });
  }
}

type Why = 'unreadable' | 'not-a-plan' | 'version' | 'truncated' | 'tampered' | 'invalid';

const badFile = (path: string, why: Why, detail = '') => new UsageError('bad-plan-file', { path, why, detail });

const ACTIONS: readonly string[] = ['create', 'update', 'skip', 'error'];
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
    ACTIONS.includes(l.action) && isTextOrNull(l.reason) && typeof l.selected === 'boolean' &&
    (l.prodLessonId === null || isId(l.prodLessonId)) &&
    Array.isArray(l.fields) && Array.isArray(l.tasks) &&
    isFingerprint(l.sandboxFingerprint) && isFingerprint(l.prodFingerprint) &&
    (!l.selected || (isWrite(l) && l.sandboxFingerprint !== null && (l.action === 'create' || l.prodFingerprint !== null)))
  );
}

function validIdentity(value: unknown): value is DatabaseIdentity {
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
  const hash = createHash('sha256');
  const head: string[] = [];
  const lessons: SavedPlan['lessons'] = new Map();
  let part: 'head' | 'lessons' | 'count' | 'sha' | 'end' | 'done' = 'head';
  let count = -1;
  let sha = '';
  let lineNo = 0;
  /** a line that is not the format's: the file was edited, or, when it is the last one, cut off */
  let badLine = 0;
  const bad = () => {
    badLine = lineNo;
  };
  const input = createReadStream(path, { encoding: 'utf8' });
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (badLine) throw badFile(path, 'invalid', String(badLine));
      lineNo++;
      if (part !== 'sha' && part !== 'end' && part !== 'done') hash.update(line + '\n');
      switch (part) {
        case 'head':
          if (line === LESSONS_OPEN) part = 'lessons';
          else head.push(line);
          if (lineNo === 2 && line !== `  "format": "${PLAN_FORMAT}",`) throw badFile(path, 'not-a-plan');
          break;
        case 'lessons': {
          if (line === LESSONS_CLOSE) {
            part = 'count';
            break;
          }
          let lesson: unknown;
          try {
            lesson = JSON.parse(line.replace(/,$/, ''));
          } catch {
            bad();
            break;
          }
          if (validLesson(lesson)) lessons.set(lesson.sandboxLessonId, reviewedLesson(lesson));
          else bad();
          break;
        }
        case 'count': {
          const match = /^ {2}"lessonCount": (\d+),$/.exec(line);
          if (match) count = Number(match[1]);
          else bad();
          part = 'sha';
          break;
        }
        case 'sha': {
          const match = /^ {2}"sha256": "([0-9a-f]{64})"$/.exec(line);
          if (match) sha = match[1]!;
          else bad();
          part = 'end';
          break;
        }
        case 'end':
          if (line !== '}') bad();
          part = 'done';
          break;
        case 'done':
          if (line.trim() !== '') bad();
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw badFile(path, 'unreadable', (error as NodeJS.ErrnoException).code ?? String(error));
  } finally {
    input.destroy();
  }
  if (lineNo === 0 || (part === 'head' && !head[1]?.includes(PLAN_FORMAT))) throw badFile(path, 'not-a-plan');
  if (part !== 'done') throw badFile(path, 'truncated');
  if (badLine) throw badFile(path, 'invalid', String(badLine));
  if (hash.digest('hex') !== sha || count !== lessons.size) throw badFile(path, 'tampered');
  let header: unknown;
  try {
    header = JSON.parse(`${head.join('\n')}\n  "lessons": []\n}`);
  } catch {
    throw badFile(path, 'invalid', '1');
  }
  const version = (header as { version?: unknown }).version;
  if (version !== PLAN_VERSION) throw badFile(path, 'version', String(version));
  if (!validHeader(header)) throw badFile(path, 'invalid', '1');
  return { path, header, lessons };
}

/** What applying needs of a saved lesson; its lists are for the people who read the file. */
function reviewedLesson(l: SavedLesson): ReviewedLesson {
  return {
    sandboxLessonId: l.sandboxLessonId,
    platformId: l.platformId,
    studentName: l.studentName,
    lessonDate: l.lessonDate,
    duration: l.duration,
    action: l.action,
    selected: l.selected,
    prodLessonId: l.prodLessonId,
    sandboxFingerprint: l.sandboxFingerprint,
    prodFingerprint: l.prodFingerprint,
  };
}

export function filtersOf(header: PlanHeader): Filters {
  const { students, since, until } = header.filters;
  return { students, since: since ?? undefined, until: until ?? undefined };
}
