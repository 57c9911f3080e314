/**
 * The seed's method, as the original Python tool does it: one query per lesson for the
 * student, one for the lesson, one write, and per task a lookup and an insert, each
 * lesson committed on its own. Run on a sample inside a transaction that is rolled back,
 * so prod is left as it was.
 */
import pg from 'pg';

export interface NaiveResult {
  lessons: number;
  seconds: number;
  queries: number;
}

export async function runNaive(sandboxUrl: string, prodUrl: string, sample: number): Promise<NaiveResult> {
  const sandbox = new pg.Client({ connectionString: sandboxUrl });
  const prod = new pg.Client({ connectionString: prodUrl });
  await Promise.all([sandbox.connect(), prod.connect()]);
  let queries = 0;
  const q = (client: pg.Client, text: string, values?: unknown[]) => {
    queries++;
    return client.query(text, values);
  };
  const started = performance.now();
  try {
    await prod.query('BEGIN');
    const lessons = await q(
      sandbox,
      `SELECT l.*, l.lesson_date::text AS lesson_date_text, s.platform_id FROM "Lessons" l JOIN "Students" s USING (student_id) ORDER BY l.lesson_date DESC LIMIT $1`,
      [sample],
    );
    for (const lesson of lessons.rows) {
      const student = await q(prod, `SELECT student_id FROM "Students" WHERE platform_id = $1 LIMIT 1`, [lesson.platform_id]);
      if (!student.rows.length) continue;
      const studentId = student.rows[0].student_id;
      const match = await q(
        prod,
        `SELECT * FROM "Lessons" WHERE student_id = $1 AND lesson_date = $2::text::timestamp AND duration IS NOT DISTINCT FROM $3 LIMIT 1`,
        [studentId, lesson.lesson_date_text, lesson.duration],
      );
      const existing = match.rows[0];
      if (existing && (existing.topic || existing.notes || existing.homework || existing.homework_result_notes || existing.homework_result_percent !== null)) continue;
      let lessonId: number;
      if (existing) {
        await q(prod, `UPDATE "Lessons" SET topic = $1, notes = $2, homework = $3, homework_status = $4, updated_at = now() WHERE lesson_id = $5`, [
          lesson.topic,
          lesson.notes,
          lesson.homework,
          lesson.homework_status,
          existing.lesson_id,
        ]);
        lessonId = existing.lesson_id;
      } else {
        const inserted = await q(
          prod,
          `INSERT INTO "Lessons" (student_id, lesson_date, duration, topic, notes, homework, homework_status, lesson_type, status)
           VALUES ($1, $2::text::timestamp, $3, $4, $5, $6, $7, $8, $9) RETURNING lesson_id`,
          [studentId, lesson.lesson_date_text, lesson.duration, lesson.topic, lesson.notes, lesson.homework, lesson.homework_status, lesson.lesson_type, lesson.status],
        );
        lessonId = inserted.rows[0].lesson_id;
      }
      const tasks = await q(sandbox, `SELECT * FROM "LessonTasks" WHERE lesson_id = $1`, [lesson.lesson_id]);
      for (const task of tasks.rows) {
        const known = await q(prod, `SELECT task_id FROM "Tasks" WHERE task_id = $1`, [task.task_id]);
        if (!known.rows.length) continue;
        await q(prod, `INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type, date_assigned) VALUES ($1, $2, $3, $4)`, [
          lessonId,
          task.task_id,
          task.assignment_type,
          task.date_assigned,
        ]);
      }
      // the seed commits here; a savepoint keeps the round trip without keeping the rows
      await q(prod, 'SAVEPOINT per_lesson');
    }
    return { lessons: lessons.rows.length, seconds: (performance.now() - started) / 1000, queries };
  } finally {
    await prod.query('ROLLBACK').catch(() => {});
    await Promise.all([sandbox.end(), prod.end()]);
  }
}
