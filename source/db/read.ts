/**
 * Set-based reads: a fixed number of queries whatever the number of lessons.
 * Every value is read as the database's own text, so nothing changes on the way.
 * Id lists are joined as tables (jsonTable) rather than `= ANY(array)`: an int4 column
 * against an int8 array is not hashed, and 10,000 ids then cost a linear search per row.
 */
import type { Filters } from '../engine/types.js';
import { BugError } from '../common/errors.js';
import type { ProdSnapshot } from '../engine/types.js';
import { studentOfLesson, taskKey } from '../engine/planner.js';
import { SandboxLessons } from '../engine/sandbox-lessons.js';
import { ProdLessons } from '../engine/prod-lessons.js';
import { TaskTable } from '../engine/task-table.js';
import type { Db } from './client.js';
import type { SyncSchema, Table } from './schema.js';
import { jsonTable, quoteIdent, sqlFilledMask } from './sql.js';
import { TextPool } from './copy-text.js';
import { groupShared } from '../engine/hash-groups.js';

const withTimeZone = (type: string) => type.startsWith('timestamp') && type.includes('with time zone');

/** The type lesson_date is compared as: its wall clock, so a timestamptz becomes a timestamp. */
export function wallType(type: string): string {
  return withTimeZone(type) ? 'timestamp' : type;
}

/**
 * lesson_date as the text both sides compare (SPEC §2): the wall-clock time its own
 * database shows (a timestamptz in that database's TimeZone), rendered as the sandbox
 * renders its own. Neither the process's TZ nor the other server's zone plays a part.
 */
export function dateKey(expr: string, ownType: string, sandboxType: string): string {
  return `((${expr})::${wallType(ownType)}::${wallType(sandboxType)})::text`;
}

const NUMBER_TYPE = /^(smallint|integer|bigint|real|double precision|numeric(\(.*\))?)$/;

/**
 * duration as both sides compare it, once printed as text: as it is where both declare the
 * same type. Where they declare different numbers (integer against numeric(4,1)), as a
 * float8, which prints a value the same way whatever its type: 45 and 45.0 are one
 * duration, 45.5 another.
 */
function durationKey(expr: string, ownType: string, otherType: string): string {
  return ownType !== otherType && NUMBER_TYPE.test(ownType) && NUMBER_TYPE.test(otherType) ? `(${expr})::float8` : expr;
}

/** durationKey of a "Lessons" row of `side`. */
export function durationKeyOf(schema: SyncSchema, side: 'sandbox' | 'prod', expr: string): string {
  const type = (s: 'sandbox' | 'prod') => schema[s].lessons.columns.get('duration')!.type;
  return durationKey(expr, type(side), type(side === 'sandbox' ? 'prod' : 'sandbox'));
}

const col = (alias: string, name: string) => `${alias}.${quoteIdent(name)}`;

/** The filters as a WHERE clause, their values as literals (the sandbox is read by COPY). */
function sandboxWhere(db: Db, filters: Filters, ...more: string[]): string {
  const clauses: string[] = [...more];
  if (filters.students.length) {
    clauses.push(`s.platform_id::text = ANY(ARRAY[${filters.students.map((id) => db.literal(id)).join(', ')}]::text[])`);
  }
  if (filters.since) clauses.push(`l.lesson_date >= ${db.literal(filters.since)}::date`);
  if (filters.until) clauses.push(`l.lesson_date < ${db.literal(filters.until)}::date + 1`);
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

/** The order lessons are planned in, the same for every read of them. */
const PLAN_ORDER = 'ORDER BY l.lesson_date DESC, l.lesson_id';

/**
 * The sandbox lessons the filters take, newest first: one query. `first`: only the first
 * that many of them, in the same order (what the lesson columns are computed for is found
 * first, so a million lessons are sorted by date alone).
 */
export async function readSandboxLessons(db: Db, schema: SyncSchema, filters: Filters, first?: number): Promise<SandboxLessons> {
  const { lessons: L, students: S } = schema.sandbox;
  const dateType = L.columns.get('lesson_date')!.type;
  const pool = new TextPool();
  const lessons = new SandboxLessons();
  const joined = `${L.sql} l LEFT JOIN ${S.sql} s ON s.student_id = l.student_id`;
  // a sloppy sandbox's lesson without an id can be neither named nor copied
  const where = sandboxWhere(db, filters, 'l.lesson_id IS NOT NULL');
  const from =
    first === undefined
      ? `${joined} ${where}`
      : `(SELECT l.lesson_id FROM ${joined} ${where} ${PLAN_ORDER} LIMIT ${Math.max(0, Math.floor(first))}) AS firsts
         JOIN ${joined} ON l.lesson_id = firsts.lesson_id`;
  await db.copyRows(
    `COPY (SELECT l.lesson_id, s.platform_id, s.name,
            ${dateKey('l.lesson_date', dateType, dateType)}, to_char(l.lesson_date, 'YYYY-MM-DD HH24:MI:SS'),
            ${durationKeyOf(schema, 'sandbox', 'l.duration')}, ${sqlFilledMask('l')}, ${schema.homeworkStatus ? 'l.homework_status' : 'NULL'},
            s.student_id IS NULL
       FROM ${from}
      ${PLAN_ORDER}) TO STDOUT`,
    (row) => {
      // a sloppy sandbox (SPEC §2.8): no student (a NULL student_id, or one naming no row), no lesson_date
      const flaw = row.bool(8) ? 'no-student' : row.isNull(3) ? 'no-lesson-date' : undefined;
      const key = row.text(3) ?? '';
      lessons.addRow(
        row.int(0),
        row.pooled(1, pool),
        row.pooled(2, pool),
        key,
        // most often the same text: kept once
        row.isNull(4) ? '' : row.same(3, 4) ? key : row.text(4)!,
        row.pooled(5, pool),
        row.int(6),
        schema.homeworkStatus ? row.pooled(7, pool) : undefined,
        flaw,
      );
    },
  );
  return lessons.done();
}

/**
 * How many lessons the sandbox holds, as PostgreSQL's statistics put it (no scan); counted
 * where the table was never analyzed. The filters are not looked at: one query.
 */
export async function sandboxLessonCount(db: Db, schema: SyncSchema): Promise<number> {
  const L = schema.sandbox.lessons.sql;
  const [row] = await db.rows(
    `SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::int8 ELSE (SELECT count(*) FROM ${L}) END::text
       FROM pg_class c WHERE c.oid = ${db.literal(L)}::regclass`,
  );
  return Number(row?.[0] ?? 0);
}

/** Their LessonTasks, by lesson: one query. */
export function readSandboxTasks(db: Db, schema: SyncSchema, filters: Filters): Promise<TaskTable> {
  const { lessons: L, students: S, lessonTasks: LT } = schema.sandbox;
  const where = sandboxWhere(db, filters);
  // every LessonTask belongs to a lesson (its foreign key): without filters, no join
  return readTaskRows(db, where ? `${LT.sql} lt JOIN ${L.sql} l ON l.lesson_id = lt.lesson_id LEFT JOIN ${S.sql} s ON s.student_id = l.student_id ${where}` : `${LT.sql} lt`);
}

/** The LessonTasks of these lessons only (a few, read with readSandboxLessons' `first`): one query. */
export function readSandboxTasksOf(db: Db, schema: SyncSchema, lessons: SandboxLessons): Promise<TaskTable> {
  const ids: number[] = [];
  for (let i = 0; i < lessons.length; i++) ids.push(lessons.idAt(i));
  // the ids as a table, not a subquery: the scan of the LessonTasks can then run on parallel
  // workers (Db.parallelScans); they join a column with no index: a hash join whatever the
  // planner guesses of them
  const byIds = `${schema.sandbox.lessonTasks.sql} lt JOIN json_array_elements_text(${db.literal(JSON.stringify(ids))}::json) AS k(id) ON lt.lesson_id = k.id::int8`;
  return db.hashJoinsOnly(() => readTaskRows(db, byIds));
}

async function readTaskRows(db: Db, from: string): Promise<TaskTable> {
  const tasks = TaskTable.builder();
  const pool = new TextPool();
  // a sloppy sandbox's LessonTask of no lesson belongs to none; one without an id cannot be copied
  await db.copyRows(
    `COPY (SELECT * FROM (SELECT lt.lesson_id, lt.task_id, lt.assignment_type, lt.lesson_task_id FROM ${from}) t
      WHERE t.lesson_id IS NOT NULL AND t.lesson_task_id IS NOT NULL
      ORDER BY t.lesson_id, t.lesson_task_id) TO STDOUT`,
    // a LessonTask without a task_id is kept (NaN), to be told of; one without a lesson belongs to none
    (row) => tasks.addRow(row.int(0), row.int(3), row.isNull(1) ? Number.NaN : row.int(1), row.pooled(2, pool)),
  );
  return tasks.build();
}

/** What prod holds of the sandbox's lessons but whether their tasks exist: three queries. */
export type ProdSide = Omit<ProdSnapshot, 'existingTaskIds'>;

/**
 * The prod students, lessons and LessonTasks that these sandbox lessons can touch.
 * `studentsByPlatformId`: their students, read already (readProdStudents) for these lessons
 * and maybe others: then two queries.
 */
export function readProdLessons(
  db: Db,
  schema: SyncSchema,
  sandboxLessons: SandboxLessons,
  studentsByPlatformId?: ProdSide['studentsByPlatformId'],
): Promise<ProdSide> {
  // keys joined on columns the reference schema does not index
  return db.hashJoinsOnly(async () =>
    readProdSide(db, schema, sandboxLessons, studentsByPlatformId ?? (await readProdStudents(db, schema, sandboxLessons))),
  );
}

/** The prod students of these sandbox lessons' platform_ids (of the lessons at `positions`, when given): one query. */
export async function readProdStudents(
  db: Db,
  schema: SyncSchema,
  sandboxLessons: SandboxLessons,
  positions?: readonly number[],
): Promise<ProdSide['studentsByPlatformId']> {
  const platformIds = new Set<string>();
  const add = (i: number) => {
    const platformId = sandboxLessons.platformIdAt(i);
    if (platformId && platformId.trim() !== '') platformIds.add(platformId);
  };
  if (positions) positions.forEach(add);
  else for (let i = 0; i < sandboxLessons.length; i++) add(i);
  const studentParams: unknown[] = [];
  const studentRows = await db.rows(
    `SELECT s.student_id::int8::text, s.platform_id::text
       FROM ${schema.prod.students.sql} s JOIN ${jsonTable(studentParams, [{ name: 'platform_id', values: [...platformIds] }])} AS k
         ON s.platform_id::text = k.platform_id
      ORDER BY s.student_id`,
    studentParams,
  );
  const studentsByPlatformId = new Map<string, number[]>();
  for (const [id, platformId] of studentRows as [string, string][]) {
    const list = studentsByPlatformId.get(platformId);
    if (list) list.push(Number(id));
    else studentsByPlatformId.set(platformId, [Number(id)]);
  }
  return studentsByPlatformId;
}

async function readProdSide(
  db: Db,
  schema: SyncSchema,
  sandboxLessons: SandboxLessons,
  studentsByPlatformId: ProdSide['studentsByPlatformId'],
): Promise<ProdSide> {
  const { lessons: L, lessonTasks: LT } = schema.prod;
  const sandboxDateType = schema.sandbox.lessons.columns.get('lesson_date')!.type;
  const prodDateType = L.columns.get('lesson_date')!.type;

  // Candidate keys: every (prod student, lesson_date) a sandbox lesson could land on, once.
  // Their hashes find the few that repeat (no map of them all), and the dates go as one JSON text.
  const students = new Float64Array(sandboxLessons.length);
  const hashes = new Int32Array(sandboxLessons.length);
  for (let i = 0; i < sandboxLessons.length; i++) {
    const studentId = studentOfLesson(sandboxLessons, i, studentsByPlatformId);
    students[i] = studentId ?? Number.NaN;
    if (studentId !== null) hashes[i] = sandboxLessons.dateHashAt(i, studentId);
  }
  const resolved = (i: number) => !Number.isNaN(students[i]!);
  const repeats = groupShared(hashes, resolved);
  /** the sandbox lessons whose key is sent: the first of each (student, lesson_date) */
  const keyLessons: number[] = [];
  for (let i = 0; i < sandboxLessons.length; i++) {
    if (!resolved(i)) continue;
    const earlier = (k: number) => k < i && students[k] === students[i] && sandboxLessons.sameDate(i, sandboxLessons, k);
    if (!repeats.find(hashes[i]!, earlier).length) keyLessons.push(i);
  }
  const keyParams: unknown[] = [];
  const keys = jsonTable(keyParams, [
    { name: 'student_id', type: 'int8', values: keyLessons.map((i) => students[i]!) },
    { name: 'lesson_date', serialized: sandboxLessons.dateKeysJson(keyLessons) },
  ]);
  const lessons = new ProdLessons();
  await db.stream(
    `SELECT l.lesson_id::int8::text, l.student_id::int8::text,
            ${dateKey('l.lesson_date', prodDateType, sandboxDateType)}, ${durationKeyOf(schema, 'prod', 'l.duration')}::text,
            ${sqlFilledMask('l')}, ${schema.homeworkStatus ? 'l.homework_status::text' : 'NULL'}
       FROM ${L.sql} l
       JOIN ${keys} AS k ON l.student_id = k.student_id AND l.lesson_date = k.lesson_date::${prodDateType}`,
    keyParams,
    (row) => {
      const status = schema.homeworkStatus ? (row[5] as string | null) : undefined;
      lessons.addRow(Number(row[0]), Number(row[1]), row[2] as string, row[3] as string | null, row[4] as number, status);
    },
  );
  lessons.done();
  const taskParams: unknown[] = [];
  // a filled lesson is skipped whatever tasks it has
  const unfilled: number[] = [];
  for (let i = 0; i < lessons.length; i++) {
    const lesson = lessons.at(i);
    if (lesson.filled.length === 0) unfilled.push(lesson.id);
  }
  const candidates = jsonTable(taskParams, [{ name: 'id', type: 'int8', values: unfilled }]);
  const taskRows = await db.rows(
    `SELECT lt.lesson_id::int8::text, lt.task_id::int8::text, lt.assignment_type::text
       FROM ${LT.sql} lt JOIN ${candidates} AS k ON lt.lesson_id = k.id`,
    taskParams,
  );
  const taskKeysByLesson = new Map<number, Set<string>>();
  for (const [lessonId, taskId, type] of taskRows as [string, string, string | null][]) {
    const id = Number(lessonId);
    let keys = taskKeysByLesson.get(id);
    if (!keys) taskKeysByLesson.set(id, (keys = new Set()));
    keys.add(taskKey(Number(taskId), type));
  }
  return { studentsByPlatformId, lessons, taskKeysByLesson };
}

/** Which of the sandbox's task ids prod "Tasks" holds: one query. */
export async function readExistingTaskIds(db: Db, schema: SyncSchema, sandboxTasks: TaskTable): Promise<Set<number>> {
  const params: unknown[] = [];
  const wanted = jsonTable(params, [{ name: 'id', type: 'int8', values: [...sandboxTasks.distinctTaskIds()] }]);
  const existing = await db.rows(`SELECT t.task_id::int8::text FROM ${schema.prod.tasks.sql} t JOIN ${wanted} AS k ON t.task_id = k.id`, params);
  return new Set(existing.map((row) => Number(row[0])));
}

/**
 * The columns a batch writes, each list as one JSON text: an array with an element per
 * requested id, in the order asked, each `[id, column text, …]`. They go to prod as they
 * came (db/sql.ts jsonTable), so no value is taken apart in JavaScript.
 */
export interface CopyValues {
  creates: string;
  updates: string;
  tasks: string;
}

/** One query: the rows of `table` with these keys, in this order, as JSON; `as` renders a column otherwise than as its text. */
export async function rowsAsJson(
  db: Db,
  table: string,
  key: string,
  columns: readonly { name: string }[],
  ids: number[],
  as: Record<string, string> = {},
): Promise<string> {
  if (!ids.length) return '[]';
  const render = (name: string) => `(${as[name] ?? col('t', name)})::text`;
  const [row] = await db.rows(
    `SELECT count(*), coalesce(json_agg(ARRAY[t.${key}::text${columns.map((c) => `, ${render(c.name)}`).join('')}] ORDER BY k.ord), '[]')::text
       FROM ${table} t JOIN ROWS FROM (json_array_elements_text($1::json)) WITH ORDINALITY AS k(id, ord) ON t.${key} = k.id::int8`,
    [JSON.stringify(ids)],
  );
  if (Number(row![0]) !== ids.length) {
    // the snapshot holds every row the plan saw; a gap means the rows would not line up
    throw new BugError(`${ids.length - Number(row![0])} row(s) of ${table} are gone from the sandbox snapshot`);
  }
  return row![1] as string;
}

export async function readCopyValues(
  db: Db,
  schema: SyncSchema,
  creates: number[],
  updates: number[],
  taskIds: number[],
): Promise<CopyValues> {
  const { lessons: L, lessonTasks: LT } = schema.sandbox;
  // a create writes the wall-clock time the operator saw, whatever prod's zone (SPEC §2)
  const lessonDate = { lesson_date: `${col('t', 'lesson_date')}::${wallType(L.columns.get('lesson_date')!.type)}` };
  return {
    creates: await rowsAsJson(db, L.sql, 'lesson_id', schema.lessonCopy, creates, lessonDate),
    updates: await rowsAsJson(db, L.sql, 'lesson_id', schema.lessonCopy, updates),
    tasks: await rowsAsJson(db, LT.sql, 'lesson_task_id', schema.taskCopy, taskIds),
  };
}

/** One lesson's row as its database's text (column → value), and its LessonTasks. */
export interface LessonRow {
  /** each column as its database prints it; a text longer than SHOWN_BYTES, its first SHOWN_BYTES */
  values: Record<string, string | null>;
  /** the columns cut short, and their whole length in characters */
  lengths: Record<string, number> | null;
  /** [task_id, assignment_type] of its LessonTasks */
  tasks: [string, string | null][];
}

/** What a lesson's details show: the rows of both sides, read when they are opened. */
export interface LessonValues {
  sandbox: LessonRow | undefined;
  prod: LessonRow | undefined;
  /** the lesson's task ids that prod "Tasks" holds */
  tasksInProd: Set<string>;
  /** the columns a create copies */
  copied: string[];
  /** prod's other columns (but its keys): a create leaves them to prod's defaults */
  defaulted: string[];
}

/** What a lesson's details read of a value at most: a 20 MB text costs what 64 KB do. */
export const SHOWN_CHARS = 65_536;

/**
 * A lesson's row for its details: each column cast to text, so it reads as its database
 * prints it (a timestamp as `2025-01-15 15:05:00`, not JSON's `2025-01-15T15:05:00`), capped.
 */
const lessonRowSql = (L: Table, LT: string, id: string) => {
  const columns = [...L.columns.keys()].map((name) => `(${literalText(name)}, l.${quoteIdent(name)}::text)`).join(', ');
  return `
  (SELECT json_build_object(
     'values', (SELECT json_object_agg(key, left(value, ${SHOWN_CHARS})) FROM (VALUES ${columns}) AS v(key, value)),
     'lengths', (SELECT json_object_agg(key, length(value)) FROM (VALUES ${columns}) AS v(key, value) WHERE length(value) > ${SHOWN_CHARS}),
     'tasks', (SELECT coalesce(json_agg(json_build_array(lt.task_id::text, lt.assignment_type::text) ORDER BY lt.lesson_task_id), '[]')
                 FROM ${LT} lt WHERE lt.lesson_id = l.lesson_id))
     FROM ${L.sql} l WHERE l.lesson_id = ${id})`;
};

const literalText = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** One query a side: the sandbox lesson with its tasks; prod's lesson (if any) with its tasks, and which task ids prod has. */
export async function readLessonValues(sandboxDb: Db, prodDb: Db, schema: SyncSchema, sandboxLessonId: number, prodLessonId: number | null): Promise<LessonValues> {
  const s = schema.sandbox;
  const p = schema.prod;
  const sandboxQuery = sandboxDb.query<{ row: LessonRow | null }>(`SELECT ${lessonRowSql(s.lessons, s.lessonTasks.sql, '$1::int8')} AS row`, [sandboxLessonId]);
  const sandboxRow = (await sandboxQuery).rows[0]?.row ?? undefined;
  const taskIds = (sandboxRow?.tasks ?? []).map(([taskId]) => taskId);
  const { rows } = await prodDb.query<{ row: LessonRow | null; existing: string[] }>(
    `SELECT ${prodLessonId === null ? 'NULL::json' : lessonRowSql(p.lessons, p.lessonTasks.sql, '$2::int8')} AS row,
            (SELECT coalesce(json_agg(t.task_id::text), '[]') FROM ${p.tasks.sql} t WHERE t.task_id::text = ANY ($1::text[])) AS existing`,
    prodLessonId === null ? [taskIds] : [taskIds, prodLessonId],
  );
  return {
    sandbox: sandboxRow,
    prod: rows[0]?.row ?? undefined,
    tasksInProd: new Set(rows[0]?.existing ?? []),
    copied: schema.lessonCopy.map((c) => c.name),
    defaulted: [...p.lessons.columns.keys()].filter((c) => c !== 'lesson_id' && c !== 'student_id' && !schema.lessonCopy.some((k) => k.name === c)),
  };
}
