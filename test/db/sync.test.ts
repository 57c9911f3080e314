import { describe, expect, it } from 'vitest';
import { demoSchoolPerTest, onServer, REFUSED_AT_THE_WRITE } from '../helpers/databases.js';
import { runSync } from '../helpers/run.js';
import type { PlanEntry } from '../../source/engine/types.js';
import { parseTargets, Session } from '../../source/sync/session.js';

const school = demoSchoolPerTest();

const byId = (report: any) => new Map<number, any>(report.lessons.map((l: any) => [l.sandboxLessonId, l]));

describe('the filled rule, as prod is read', () => {
  // sandbox lesson 3 lands on prod lesson 502, whose content is blank in the demo school
  async function planOfLesson3(): Promise<PlanEntry> {
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    try {
      const plan = await session.plan({ students: [] });
      return [...plan.entries].find((e) => e.sandboxLessonId === 3)!;
    } finally {
      await session.close();
    }
  }
  const setProd = (assignments: string) =>
    school.pair.query(
      'prod',
      `UPDATE "Lessons" SET topic = NULL, notes = NULL, homework = NULL, homework_result_percent = NULL, homework_result_notes = NULL WHERE lesson_id = 502;
       UPDATE "Lessons" SET ${assignments} WHERE lesson_id = 502`,
    );

  it('counts 0 as a value, and a no-break space, but not whitespace', async () => {
    await setProd(`topic = E' \\t\\n', notes = ''`);
    expect(await planOfLesson3()).toMatchObject({ action: 'update', prodLessonId: 502 });
    await setProd(`homework_result_percent = 0`);
    expect(await planOfLesson3()).toMatchObject({ action: 'skip', reason: 'filled', filledInProd: ['homework_result_percent'] });
    await setProd(`notes = E'\\u00a0', homework = 'p. 12'`);
    expect(await planOfLesson3()).toMatchObject({ action: 'skip', reason: 'filled', filledInProd: ['notes', 'homework'] });
  });
});

describe('the demo school, end to end', () => {
  it('plans every status in a dry run and writes nothing', async () => {
    const before = await school.pair.checksum('prod');
    const sandboxBefore = await school.pair.checksum('sandbox');
    const run = await runSync(school.pair, { dryRun: true, yes: false });
    expect(run.code).toBe(1); // the school has lessons that end in error
    const lessons = byId(run.report);
    expect(run.report.mode).toBe('dry-run');
    expect([...lessons.values()].map((l) => `${l.sandboxLessonId}:${l.action}:${l.reason}`)).toEqual([
      '1:create:null',
      '2:skip:filled',
      '3:update:null',
      '4:skip:student-not-found',
      '5:skip:no-platform-id',
      '6:error:ambiguous-student',
      '7:error:ambiguous-match',
      '8:create:null',
      '9:skip:duplicate-in-sandbox',
      '10:skip:up-to-date',
      '11:update:null',
      '12:error:prod-would-reject',
    ]);
    expect(lessons.get(3)).toMatchObject({ prodLessonId: 502, tasksCopied: 2, tasksMissingInProd: [999] });
    // lesson 12's 120 % breaks prod's CHECK: the plan says so, before anything is written
    expect(lessons.get(12).message).toBe('CHECK "Lessons_homework_result_percent_check" ((homework_result_percent >= 0) AND (homework_result_percent <= 100)): 120');
    expect(run.report.summary).toEqual({ lessons: 12, created: 2, updated: 2, skipped: 5, errors: 3, tasksCopied: 9, tasksMissingInProd: 1, excluded: 0 });
    for (const mark of ['➕', '🔄', '✅', '⏭️', '❌', '⚠️']) expect(run.out).toContain(mark);
    expect(run.out).toContain('Dry run: nothing was written');
    expect(await school.pair.checksum('prod')).toBe(before);
    expect(await school.pair.checksum('sandbox')).toBe(sandboxBefore);
  });

  it('applies in one transaction, isolates the lesson prod rejects, and a second run changes nothing', async () => {
    // what no schema shows: a trigger of prod's refuses lesson 12 (where its CHECK would have said so in the plan)
    await school.pair.query('prod', REFUSED_AT_THE_WRITE);
    const run = await runSync(school.pair);
    expect(run.code).toBe(1);
    expect(run.out).toContain('⚠️ prod runs trigger no_bonus BEFORE INSERT OR UPDATE on "Lessons": its effects are not in the preview');
    const lessons = byId(run.report);
    expect(lessons.get(12)).toMatchObject({ action: 'error', reason: 'write-failed', tasksCopied: 0 });
    expect(lessons.get(12).message).toContain('no bonus points: 120');
    expect(run.report.summary).toMatchObject({ created: 2, updated: 2, errors: 3, tasksCopied: 9, tasksMissingInProd: 1 });

    const created = await school.pair.query(
      'prod',
      `SELECT l.lesson_id, s.platform_id, l.lesson_date::text AS date, l.duration, l.topic, l.notes, l.homework, l.homework_status,
              l.lesson_type, l.status, l.created_at::text AS created_at
         FROM "Lessons" l JOIN "Students" s USING (student_id) WHERE l.lesson_id = $1`,
      [lessons.get(1).prodLessonId],
    );
    expect(created).toEqual([
      {
        lesson_id: lessons.get(1).prodLessonId,
        platform_id: 'student_123',
        date: '2025-01-15 14:00:00',
        duration: 60,
        topic: 'Квадратные уравнения',
        notes: 'Разобрали теорему Виета',
        homework: '№ 1–5 из варианта 12',
        homework_status: 'assigned',
        lesson_type: 'regular',
        status: 'completed',
        created_at: '2025-01-15 15:05:00',
      },
    ]);
    const tasks = await school.pair.query<{ task_id: number; assignment_type: string; notes: string | null }>(
      'prod',
      `SELECT task_id, assignment_type, notes FROM "LessonTasks" WHERE lesson_id = $1 ORDER BY task_id`,
      [lessons.get(1).prodLessonId],
    );
    expect(tasks.map((t) => `${t.task_id}:${t.assignment_type}`)).toEqual(['1:classwork', '2:classwork', '3:homework', '4:homework', '5:homework']);
    expect(tasks[4]!.notes).toBe('со звёздочкой');

    const updated = await school.pair.query('prod', `SELECT topic, homework, homework_status, status, updated_at IS NOT NULL AS touched FROM "Lessons" WHERE lesson_id = 502`);
    expect(updated).toEqual([{ topic: 'Тригонометрия', homework: 'Вариант 7', homework_status: 'assigned', status: 'planned', touched: true }]);
    const zero = await school.pair.query('prod', `SELECT homework_result_percent, homework_status FROM "Lessons" WHERE lesson_id = 506`);
    expect(zero).toEqual([{ homework_result_percent: 0, homework_status: 'graded' }]);
    const rejected = await school.pair.query('prod', `SELECT homework_result_percent, updated_at FROM "Lessons" WHERE lesson_id = 507`);
    expect(rejected).toEqual([{ homework_result_percent: null, updated_at: null }]);
    const untouched = await school.pair.query('prod', `SELECT count(*)::int AS n FROM "LessonTasks" WHERE lesson_id IN (503, 504, 505, 507)`);
    expect(untouched[0]!.n).toBe(0);

    const afterFirst = await school.pair.checksum('prod');
    const second = await runSync(school.pair);
    expect(second.report.summary).toMatchObject({ created: 0, updated: 0, tasksCopied: 0 });
    expect(await school.pair.checksum('prod')).toBe(afterFirst);
  });

  it('narrows the lessons by student and date', async () => {
    const run = await runSync(school.pair, { dryRun: true, yes: false, filters: { students: ['student_123'], since: '2025-01-08', until: '2025-01-13' } });
    expect(run.report.lessons.map((l: any) => l.sandboxLessonId)).toEqual([3, 10]);
    expect(run.code).toBe(0);
  });

  it('writes an unchanged plan as previewed when it is re-checked and written two lessons at a time', async () => {
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    try {
      const plan = await session.plan({ students: [] });
      const outcome = await session.apply(plan, { chunkSize: 2, recheckSize: 2 });
      expect(outcome.summary).toMatchObject({ created: 2, updated: 2, errors: 3, tasksCopied: 9, changedSincePreview: 0 });
      expect([...outcome.entries].map((e) => e.action)).toEqual([...plan.entries].map((e) => e.action));
    } finally {
      await session.close();
    }
  });

  it('reads a prod lesson once when two sandbox lessons of its student share its lesson_date (another duration)', async () => {
    // lesson 3 fills prod lesson 502; a second lesson of that student, same date, longer: its own key
    const [added] = await school.pair.query<{ lesson_id: number }>(
      'sandbox',
      `INSERT INTO "Lessons" (student_id, lesson_date, duration, status, topic)
       SELECT student_id, lesson_date, duration + 15, status, 'same day, longer' FROM "Lessons" WHERE lesson_id = 3
       RETURNING lesson_id`,
    );
    const run = await runSync(school.pair, { dryRun: true, yes: false });
    const lessons = byId(run.report);
    expect(lessons.get(3)).toMatchObject({ action: 'update', prodLessonId: 502 });
    expect(lessons.get(added!.lesson_id)).toMatchObject({ action: 'create', reason: null });
  });

  // a dropped connection: PGlite serves one, and the tests after this one would meet it closing
  it.runIf(onServer)('leaves a plan as planned when its apply stops after some batches, and the same plan then applies whole', async () => {
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    const plan = await session.plan({ students: [] });
    const planned = [...plan.entries].map((e) => ({ ...e }));
    const stop = new AbortController();
    session.subscribe((event) => {
      if (event.type === 'written' && event.done >= 2) stop.abort();
    });
    await expect(session.apply(plan, { chunkSize: 2, recheckSize: 2, signal: stop.signal })).rejects.toMatchObject({ code: 'interrupted' });
    await session.close();
    // the written entries were their own outcomes until the rollback: they are the plan again
    expect([...plan.entries]).toEqual(planned);

    const again = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    try {
      const outcome = await again.apply(plan, { chunkSize: 2, recheckSize: 2 });
      expect(outcome.summary).toMatchObject({ created: 2, updated: 2, tasksCopied: 9, changedSincePreview: 0 });
    } finally {
      await again.close();
    }
  });

  it.each([
    ['in one slice', {}],
    ['re-checked and written two lessons at a time', { chunkSize: 2, recheckSize: 2 }],
  ])('skips, as changed since the preview, a lesson prod filled after the plan was made (%s)', async (_, sizes) => {
    const { Session, parseTargets } = await import('../../source/sync/session.js');
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    try {
      const plan = await session.plan({ students: [] });
      // someone fills lesson 502 and records lesson 1 between the preview and the confirmation
      await session.prodDb.query(`UPDATE "Lessons" SET topic = 'written meanwhile' WHERE lesson_id = 502`);
      await session.prodDb.query(
        `INSERT INTO "Lessons" (student_id, lesson_date, duration, status) VALUES (11, '2025-01-15 14:00:00', 60, 'planned')`,
      );
      const outcome = await session.apply(plan, sizes);
      const byLesson = new Map([...outcome.entries].map((e) => [e.sandboxLessonId, e]));
      expect(byLesson.get(3)).toMatchObject({ action: 'skip', reason: 'changed-since-preview' });
      expect(byLesson.get(1)).toMatchObject({ action: 'skip', reason: 'changed-since-preview' });
      expect(byLesson.get(8)).toMatchObject({ action: 'create', tasksCopied: 1 });
      expect(byLesson.get(11)).toMatchObject({ action: 'update' });
      expect(byLesson.get(12)).toMatchObject({ action: 'error', reason: 'prod-would-reject' });
      expect(outcome.summary).toMatchObject({ created: 1, updated: 1, changedSincePreview: 2 });
    } finally {
      await session.close();
    }
    const rows = await school.pair.query('prod', `SELECT topic FROM "Lessons" WHERE lesson_id = 502`);
    expect(rows).toEqual([{ topic: 'written meanwhile' }]);
    const copies = await school.pair.query('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE student_id = 11 AND lesson_date = '2025-01-15 14:00:00'`);
    expect(copies[0]!.n).toBe(1);
  });
});

describe('set-based reads', () => {
  it('plans 10 and 1,000 lessons with the same number of queries, and applies them in a few statements', async () => {
    const { sandboxSql, prodSql } = await import('../../bench/generate.js');
    const { Session, parseTargets } = await import('../../source/sync/session.js');
    const counts: Record<number, unknown> = {};
    for (const lessons of [10, 1000]) {
      await school.pair.reset({ sandbox: sandboxSql({ lessons }), prod: prodSql({ lessons }) });
      const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
      try {
        // connect and check in few round trips: sandbox start (read-only + server info), lock, unlock,
        // columns and keys, guards (row-level security); prod start, look for the lock, columns and
        // keys, guards (row-level security, CHECKs, enums and domains, triggers)
        expect(session.queryCounts()).toEqual({ sandbox: 5, prod: 4 });
        const before = session.queryCounts();
        const plan = await session.plan({ students: [] });
        const after = session.queryCounts();
        expect(plan.entries).toHaveLength(lessons);
        expect(plan.summary.created).toBe(Math.floor(lessons * 0.4));
        expect(plan.summary.skipped).toBe(Math.floor(lessons * 0.3));
        counts[lessons] = { sandbox: after.sandbox - before.sandbox, prod: after.prod - before.prod };
        const outcome = await session.apply(plan);
        expect(outcome.summary).toMatchObject({ created: plan.summary.created, updated: plan.summary.updated, errors: 0 });
        // BEGIN with the lock, 4 re-reads (their key joins between SET and RESET of nested loops),
        // 3 statements a batch of 20,000 lessons, COMMIT: no savepoint when nothing fails
        expect(session.queryCounts().prod - after.prod).toBe(11);
      } finally {
        await session.close();
      }
    }
    expect(counts[1000]).toEqual(counts[10]);
    // sandbox: the snapshot's BEGIN and two COPY; prod: four reads, nested loops off around three of them
    expect(counts[10]).toEqual({ sandbox: 3, prod: 6 });
  });
});
