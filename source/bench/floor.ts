/**
 * The floor: PostgreSQL's own COPY of the rows an apply writes (the lessons it creates,
 * the tasks it copies) into scratch copies of prod's tables, rolled back afterwards.
 * The rows are fetched from the sandbox first, outside the timing.
 */
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

async function fetchCopy(client: pg.Client, sql: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await pipeline(client.query(copyTo(sql)), sink);
  return Buffer.concat(chunks);
}

export async function timeCopyFloor(
  sandboxUrl: string,
  prodUrl: string,
  createdIds: number[],
  taskLessonIds: number[],
): Promise<{ seconds: number; rows: number }> {
  const sandbox = new pg.Client({ connectionString: sandboxUrl });
  const prod = new pg.Client({ connectionString: prodUrl });
  await Promise.all([sandbox.connect(), prod.connect()]);
  try {
    const lessonCols = 'student_id, lesson_type, lesson_date, duration, status, topic, notes, homework, homework_status, homework_result_percent, homework_result_notes, created_at';
    const taskCols = 'lesson_id, task_id, date_assigned, notes, student_answer, assignment_type, student_submission, submission_correct';
    const ids = (list: number[]) => `'{${list.join(',')}}'::int[]`;
    const lessons = await fetchCopy(sandbox, `COPY (SELECT ${lessonCols} FROM "Lessons" WHERE lesson_id = ANY(${ids(createdIds)})) TO STDOUT`);
    const tasks = await fetchCopy(sandbox, `COPY (SELECT ${taskCols} FROM "LessonTasks" WHERE lesson_id = ANY(${ids(taskLessonIds)})) TO STDOUT`);
    await prod.query('BEGIN');
    await prod.query('CREATE TABLE lesson_sync_floor_lessons (LIKE "Lessons" INCLUDING DEFAULTS)');
    await prod.query('CREATE TABLE lesson_sync_floor_tasks (LIKE "LessonTasks" INCLUDING DEFAULTS)');
    const started = performance.now();
    await pipeline(Readable.from([lessons]), prod.query(copyFrom(`COPY lesson_sync_floor_lessons (${lessonCols}) FROM STDIN`)));
    await pipeline(Readable.from([tasks]), prod.query(copyFrom(`COPY lesson_sync_floor_tasks (${taskCols}) FROM STDIN`)));
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
