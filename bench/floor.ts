/**
 * The floors the benchmark sets the CLI against, PostgreSQL's own COPY:
 * - read: COPY TO STDOUT of exactly the rows and columns a plan reads, both sides;
 * - write: COPY of the rows an apply writes (its lessons, the tasks it copies) into prod's
 *   own tables, rolled back; and into an empty copy of prod's schema, keys, CHECKs and
 *   foreign keys included, rolled back;
 * - the old write floor, into tables without keys (kept to compare with earlier runs).
 */
import { sqlFilledMask } from '../source/db/sql.js';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { cpuMark, cpuSince, type CpuSpent } from './cpu.js';

async function fetchCopy(client: pg.Client, sql: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await pipeline(client.query(copyTo(sql)), sink);
  return Buffer.concat(chunks);
}

const TASK_COLUMNS = 'lesson_id, task_id, date_assigned, notes, student_answer, assignment_type, student_submission, submission_correct';
const LESSON_COLUMNS = 'student_id, lesson_type, lesson_date, duration, status, topic, notes, homework, homework_status, homework_result_percent, homework_result_notes, created_at';

/**
 * Fetches the rows from the sandbox (untimed), makes the scratch tables with `setup` in a
 * prod transaction, times COPY FROM STDIN into them, counts, rolls back.
 */
async function timeCopyInto(
  sandboxUrl: string,
  prodUrl: string,
  rows: { lessons: { columns: string; ids: number[] }; tasks: { ids: number[] } },
  setup: string[],
): Promise<{ seconds: number; rows: number }> {
  const sandbox = new pg.Client({ connectionString: sandboxUrl });
  const prod = new pg.Client({ connectionString: prodUrl });
  await Promise.all([sandbox.connect(), prod.connect()]);
  try {
    const ids = (list: number[]) => `'{${list.join(',')}}'::int[]`;
    const lessons = await fetchCopy(sandbox, `COPY (SELECT ${rows.lessons.columns} FROM "Lessons" WHERE lesson_id = ANY(${ids(rows.lessons.ids)})) TO STDOUT`);
    const tasks = await fetchCopy(sandbox, `COPY (SELECT ${TASK_COLUMNS} FROM "LessonTasks" WHERE lesson_id = ANY(${ids(rows.tasks.ids)})) TO STDOUT`);
    await prod.query('BEGIN');
    for (const statement of setup) await prod.query(statement);
    const started = performance.now();
    await pipeline(Readable.from([lessons]), prod.query(copyFrom(`COPY lesson_sync_floor_lessons (${rows.lessons.columns}) FROM STDIN`)));
    await pipeline(Readable.from([tasks]), prod.query(copyFrom(`COPY lesson_sync_floor_tasks (${TASK_COLUMNS}) FROM STDIN`)));
    const seconds = (performance.now() - started) / 1000;
    const counted = await prod.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM lesson_sync_floor_lessons) + (SELECT count(*) FROM lesson_sync_floor_tasks) AS n',
    );
    await prod.query('ROLLBACK');
    return { seconds, rows: Number(counted.rows[0]!.n) };
  } finally {
    await Promise.all([sandbox.end(), prod.end()]);
  }
}

/** The old floor: the lessons an apply creates and the tasks it copies, into tables without keys. */
export function timeCopyFloor(sandboxUrl: string, prodUrl: string, createdIds: number[], taskLessonIds: number[]) {
  return timeCopyInto(sandboxUrl, prodUrl, { lessons: { columns: LESSON_COLUMNS, ids: createdIds }, tasks: { ids: taskLessonIds } }, [
    'CREATE TABLE lesson_sync_floor_lessons (LIKE "Lessons" INCLUDING DEFAULTS)',
    'CREATE TABLE lesson_sync_floor_tasks (LIKE "LessonTasks" INCLUDING DEFAULTS)',
  ]);
}

/**
 * The write floor: the lessons an apply writes (creates and updates, as new rows, their
 * sandbox ids kept) and the tasks it copies, into an empty copy of prod's schema:
 * "Lessons" and "LessonTasks" as they are (LIKE … INCLUDING ALL: keys, CHECKs, defaults)
 * with their foreign keys to prod's own "Students" and "Tasks", and between them.
 */
export function timeWriteFloor(sandboxUrl: string, prodUrl: string, lessonIds: number[]) {
  return timeCopyInto(sandboxUrl, prodUrl, { lessons: { columns: `lesson_id, ${LESSON_COLUMNS}`, ids: lessonIds }, tasks: { ids: lessonIds } }, [
    'CREATE TABLE lesson_sync_floor_lessons (LIKE "Lessons" INCLUDING ALL)',
    'ALTER TABLE lesson_sync_floor_lessons ADD FOREIGN KEY (student_id) REFERENCES "Students"(student_id)',
    'CREATE TABLE lesson_sync_floor_tasks (LIKE "LessonTasks" INCLUDING ALL)',
    `ALTER TABLE lesson_sync_floor_tasks ADD FOREIGN KEY (lesson_id) REFERENCES lesson_sync_floor_lessons(lesson_id),
                                         ADD FOREIGN KEY (task_id) REFERENCES "Tasks"(task_id)`,
  ]);
}

/**
 * The write floor in prod itself: the same rows COPYed into prod's own "Lessons" and
 * "LessonTasks", as loaded as they are (their indexes' size, the foreign keys' lookups
 * into its tables), rolled back. The rows get ids past prod's largest, written out, so
 * prod's sequences are not advanced; the tasks point at those new lessons.
 */
export async function timeWriteFloorInProd(sandboxUrl: string, prodUrl: string, lessonIds: number[]): Promise<{ seconds: number; rows: number; cpu: CpuSpent }> {
  const sandbox = new pg.Client({ connectionString: sandboxUrl });
  const prod = new pg.Client({ connectionString: prodUrl });
  await Promise.all([sandbox.connect(), prod.connect()]);
  try {
    await prod.query('BEGIN');
    const { rows: bases } = await prod.query<{ lesson: string; task: string }>(
      'SELECT (SELECT coalesce(max(lesson_id), 0) FROM "Lessons") AS lesson, (SELECT coalesce(max(lesson_task_id), 0) FROM "LessonTasks") AS task',
    );
    const base = { lesson: Number(bases[0]!.lesson), task: Number(bases[0]!.task) };
    const written = `SELECT lesson_id, row_number() OVER (ORDER BY lesson_id) AS ord FROM "Lessons" WHERE lesson_id = ANY('{${lessonIds.join(',')}}'::int[])`;
    const lessons = await fetchCopy(
      sandbox,
      `COPY (SELECT ${base.lesson} + w.ord, ${LESSON_COLUMNS.split(', ').map((c) => `l.${c}`).join(', ')}
               FROM (${written}) w JOIN "Lessons" l ON l.lesson_id = w.lesson_id) TO STDOUT`,
    );
    const tasks = await fetchCopy(
      sandbox,
      `COPY (SELECT ${base.task} + row_number() OVER (ORDER BY t.lesson_task_id), ${base.lesson} + w.ord, ${TASK_COLUMNS.split(', ').slice(1).map((c) => `t.${c}`).join(', ')}
               FROM (${written}) w JOIN "LessonTasks" t ON t.lesson_id = w.lesson_id) TO STDOUT`,
    );
    const mark = cpuMark();
    const started = performance.now();
    await pipeline(Readable.from([lessons]), prod.query(copyFrom(`COPY "Lessons" (lesson_id, ${LESSON_COLUMNS}) FROM STDIN`)));
    await pipeline(Readable.from([tasks]), prod.query(copyFrom(`COPY "LessonTasks" (lesson_task_id, ${TASK_COLUMNS}) FROM STDIN`)));
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSince(mark);
    const counted = await prod.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM "Lessons" WHERE lesson_id > ${base.lesson}) + (SELECT count(*) FROM "LessonTasks" WHERE lesson_task_id > ${base.task}) AS n`,
    );
    return { seconds, rows: Number(counted.rows[0]!.n), cpu };
  } finally {
    await prod.query('ROLLBACK').catch(() => {});
    await Promise.all([sandbox.end(), prod.end()]);
  }
}

/** COPY TO STDOUT of what a plan reads: both sides, one after the other as the plan reads them. */
export async function timeReadFloor(sandboxUrl: string, prodUrl: string): Promise<{ seconds: number; bytes: number; cpu: CpuSpent }> {
  const sandbox = new pg.Client({ connectionString: sandboxUrl });
  const prod = new pg.Client({ connectionString: prodUrl });
  await Promise.all([sandbox.connect(), prod.connect()]);
  try {
    const mark = cpuMark();
    const started = performance.now();
    let bytes = 0;
    const read = async (client: pg.Client, sql: string) => {
      bytes += (await fetchCopy(client, `COPY (${sql}) TO STDOUT`)).length;
    };
    await read(
      sandbox,
      `SELECT l.lesson_id, s.platform_id, s.name, l.lesson_date, l.duration, ${sqlFilledMask('l')}, l.homework_status
         FROM "Lessons" l LEFT JOIN "Students" s ON s.student_id = l.student_id`,
    );
    await read(sandbox, `SELECT lesson_id, task_id, assignment_type, lesson_task_id FROM "LessonTasks"`);
    await read(prod, `SELECT student_id, platform_id FROM "Students"`);
    await read(prod, `SELECT lesson_id, student_id, lesson_date, duration, ${sqlFilledMask('l')}, homework_status FROM "Lessons" l`);
    await read(prod, `SELECT lesson_id, task_id, assignment_type FROM "LessonTasks"`);
    await read(prod, `SELECT task_id FROM "Tasks"`);
    return { seconds: (performance.now() - started) / 1000, bytes, cpu: cpuSince(mark) };
  } finally {
    await Promise.all([sandbox.end(), prod.end()]);
  }
}
