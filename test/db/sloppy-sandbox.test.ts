/**
 * SPEC §2.8: a sloppy sandbox (no NOT NULL, no keys, no foreign keys) is read whole. A NULL in
 * any column it may leave empty ends that lesson (or task) with a reason in words; the rest
 * sync, and nothing is ever told as a lost connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformSchema } from '../../source/demo/platform-schema.js';
import { prodSchool } from '../../source/demo/school.js';
import { createPair, type DbPair } from '../helpers/databases.js';
import { runSync, tempPath } from '../helpers/run.js';

let pair: DbPair;
beforeAll(async () => {
  pair = await createPair();
});
afterAll(async () => {
  await pair.drop();
});

/** The platform's tables with every constraint taken off: any column may hold NULL. */
const looseSchema = platformSchema()
  .replace(/SERIAL PRIMARY KEY/g, 'INTEGER')
  .replace(/ NOT NULL/g, '')
  .replace(/ REFERENCES "\w+"\(\w+\)/g, '');

const looseSandbox = `${looseSchema}
INSERT INTO "Tasks" (task_id, task_number, content_html) VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c'), (NULL, NULL, NULL);
INSERT INTO "Students" (student_id, platform_id, name) VALUES
  (1, 'student_123', 'Иван Иванов'), (2, NULL, NULL), (3, 'student_456', NULL), (NULL, NULL, NULL);
INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, topic, notes, homework, homework_status, homework_result_percent, homework_result_notes) VALUES
  (1, 1, '2025-02-01 10:00:00', 60, 'Создать', NULL, NULL, NULL, NULL, NULL),
  (2, 1, NULL, 60, 'Без даты', NULL, NULL, NULL, NULL, NULL),
  (3, NULL, '2025-02-02 10:00:00', 60, 'Без ученика', NULL, NULL, NULL, NULL, NULL),
  (4, 99, '2025-02-03 10:00:00', 60, 'Ученика нет в песочнице', NULL, NULL, NULL, NULL, NULL),
  (5, 2, '2025-02-04 10:00:00', 60, 'Без platform_id', NULL, NULL, NULL, NULL, NULL),
  (6, 3, '2025-02-05 10:00:00', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (7, 1, '2025-01-13 18:00:00', 60, 'Обновить', NULL, NULL, NULL, NULL, NULL),
  (NULL, 1, '2025-02-06 10:00:00', 60, 'Без id', NULL, NULL, NULL, NULL, NULL),
  (8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO "LessonTasks" (lesson_task_id, lesson_id, task_id, assignment_type) VALUES
  (1, 1, 1, 'homework'), (2, 1, NULL, 'homework'), (3, 1, 2, NULL), (NULL, 1, 3, 'classwork'),
  (5, NULL, 3, 'homework'), (6, 7, 3, 'classwork'), (7, NULL, NULL, NULL), (NULL, NULL, NULL, NULL);
`;

describe('a sloppy sandbox', () => {
  it('syncs the lessons it can and skips the others with a reason in words; a second run writes nothing more', async () => {
    await pair.reset({ sandbox: looseSandbox, prod: prodSchool });
    const run = await runSync(pair);
    expect(run.err).toBe('');
    expect(run.out).not.toMatch(/connection|Unexpected/i);
    expect(run.code).toBe(0);
    const byId = Object.fromEntries(run.report.lessons.map((l: any) => [l.sandboxLessonId, l]));
    expect(Object.keys(byId).map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(byId[1]).toMatchObject({ action: 'create', tasksCopied: 2, tasksMissingInProd: [null] });
    expect(byId[2]).toMatchObject({ action: 'skip', reason: 'no-lesson-date', platformId: 'student_123' });
    expect(byId[3]).toMatchObject({ action: 'skip', reason: 'no-student' });
    expect(byId[4]).toMatchObject({ action: 'skip', reason: 'no-student' });
    expect(byId[5]).toMatchObject({ action: 'skip', reason: 'no-platform-id' });
    expect(byId[6]).toMatchObject({ action: 'create', studentName: null, duration: null });
    expect(byId[7]).toMatchObject({ action: 'update', prodLessonId: 502, tasksCopied: 1 });
    expect(byId[8]).toMatchObject({ action: 'skip', reason: 'no-student', lessonDate: null });
    expect(run.out).toContain('📝 Processing the lesson of (no date) for student Иван Иванов (ID: student_123)\n  ⏭️ The sandbox lesson has no lesson_date');
    expect(run.out).toContain('The sandbox lesson has no student');
    expect(run.out).toContain('⚠️ Tasks not found in prod, skipped: a LessonTask without task_id');

    const [created] = await pair.query<{ id: number }>('prod', `SELECT lesson_id AS id FROM "Lessons" WHERE lesson_date = '2025-02-01 10:00:00'`);
    const tasks = await pair.query<{ task_id: number; assignment_type: string | null }>(
      'prod',
      `SELECT task_id, assignment_type FROM "LessonTasks" WHERE lesson_id = $1 ORDER BY task_id`,
      [created!.id],
    );
    expect(tasks).toEqual([
      { task_id: 1, assignment_type: 'homework' },
      { task_id: 2, assignment_type: null },
    ]);
    const [orphanless] = await pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE topic IN ('Без id', 'Без даты', 'Без ученика')`);
    expect(orphanless!.n).toBe(0);

    const before = await pair.checksum('prod');
    const again = await runSync(pair);
    expect(again.code).toBe(0);
    expect(again.report.summary).toMatchObject({ created: 0, updated: 0, errors: 0 });
    expect(await pair.checksum('prod')).toBe(before);
  });

  it('saves a plan of it and applies exactly that plan', async () => {
    await pair.reset({ sandbox: looseSandbox, prod: prodSchool });
    const planPath = tempPath('plan.json');
    const dry = await runSync(pair, { dryRun: true, savePlanPath: planPath });
    expect(dry.err).toBe('');
    expect(dry.report.summary).toMatchObject({ created: 2, updated: 1, errors: 0 });
    const applied = await runSync(pair, { applyPlanPath: planPath });
    expect(applied.err).toBe('');
    expect(applied.report.summary).toMatchObject({ created: 2, updated: 1, errors: 0 });
  });
});
