/**
 * SPEC §2.9: what prod's schema would reject is found in the plan, read-only, and the apply
 * then does exactly what the plan said. Each rule a real prod may have: a CHECK on a lesson's
 * field and on a LessonTask's, a NOT NULL the sandbox leaves empty, a text too long, a number
 * too precise or too big, an integer out of range, an enum, a domain with a CHECK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformSchema } from '../../source/demo/platform-schema.js';
import { prodSchool, sandboxSchool } from '../../source/demo/school.js';
import { parseTargets, Session } from '../../source/sync/session.js';
import { createPair, type DbPair } from '../helpers/databases.js';
import { runSync } from '../helpers/run.js';

let pair: DbPair;
beforeAll(async () => {
  pair = await createPair();
});
afterAll(async () => {
  await pair.drop();
});

const sandbox = `${platformSchema()}
ALTER TABLE "Lessons" ADD COLUMN room TEXT, ADD COLUMN score NUMERIC(8,3), ADD COLUMN seats BIGINT, ADD COLUMN kind TEXT, ADD COLUMN rating INTEGER, ADD COLUMN code TEXT;
INSERT INTO "Tasks" (task_id, task_number, content_html) VALUES (1, 1, 'a'), (2, 2, 'b');
INSERT INTO "Students" (student_id, platform_id, name) VALUES (1, 'p1', 'Ivan');
INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, status, topic, homework_result_percent, room, score, seats, kind, rating) VALUES
  (1, 1, '2025-03-01 10:00', 60, 'done', 'fits', 90, 'R1', 12.5, 10, 'exam', 5),
  (2, 1, '2025-03-02 10:00', 60, 'done', 'long room', NULL, 'Room 101-B', NULL, NULL, NULL, NULL),
  (3, 1, '2025-03-03 10:00', 60, 'done', 'precise', NULL, NULL, 123.456, NULL, NULL, NULL),
  (4, 1, '2025-03-04 10:00', 60, 'done', 'too big', NULL, NULL, 12345.6, NULL, NULL, NULL),
  (5, 1, '2025-03-05 10:00', 60, 'done', 'many seats', NULL, NULL, NULL, 3000000000, NULL, NULL),
  (6, 1, '2025-03-06 10:00', 60, 'done', 'odd kind', NULL, NULL, NULL, NULL, 'lecture', NULL),
  (7, 1, '2025-03-07 10:00', 60, 'done', 'bad rating', NULL, NULL, NULL, NULL, NULL, -1),
  (8, 1, '2025-03-08 10:00', 60, NULL, 'no status', NULL, NULL, NULL, NULL, NULL, NULL),
  (9, 1, '2025-03-09 10:00', 60, 'done', 'over 100', 120, NULL, NULL, NULL, NULL, NULL),
  (10, 1, '2025-03-10 10:00', 60, 'done', 'quiz task', NULL, NULL, NULL, NULL, NULL, NULL),
  (11, 1, '2025-03-11 10:00', 60, 'done', NULL, 150, NULL, NULL, NULL, NULL, NULL),
  (12, 1, '2025-03-12 10:00', 60, 'done', 'fills prod', 80, NULL, NULL, NULL, NULL, NULL),
  (13, 1, '2025-03-13 10:00', 60, 'done', 'a code that is no number', NULL, NULL, NULL, NULL, NULL, NULL);
UPDATE "Lessons" SET code = CASE lesson_id WHEN 13 THEN 'x12' ELSE '7' END;
INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type) VALUES (1, 1, 'homework'), (10, 1, 'homework'), (10, 2, 'quiz'), (12, 2, 'classwork');
`;

const prod = `${platformSchema({ prodChecks: true })}
CREATE TYPE lesson_kind AS ENUM ('regular', 'exam');
CREATE DOMAIN positive_int AS INTEGER CHECK (VALUE > 0);
ALTER TABLE "Lessons" ADD COLUMN room VARCHAR(5), ADD COLUMN score NUMERIC(5,2), ADD COLUMN seats INTEGER, ADD COLUMN kind lesson_kind, ADD COLUMN rating positive_int, ADD COLUMN code INTEGER;
ALTER TABLE "LessonTasks" ADD CONSTRAINT known_assignment CHECK (assignment_type IN ('homework', 'classwork', 'exam'));
INSERT INTO "Tasks" (task_id, task_number, content_html) VALUES (1, 1, 'a'), (2, 2, 'b');
INSERT INTO "Students" (student_id, platform_id, name) VALUES (11, 'p1', 'Ivan');
INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, status) VALUES (511, 11, '2025-03-11 10:00', 60, 'planned'), (512, 11, '2025-03-12 10:00', 60, 'planned');
ALTER TABLE "Lessons" ALTER COLUMN status SET NOT NULL;
SELECT setval(pg_get_serial_sequence('"Lessons"', 'lesson_id'), 1000);
`;

const byId = (report: any) => Object.fromEntries(report.lessons.map((l: any) => [l.sandboxLessonId, l]));

describe('the preview of what prod would reject', () => {
  it('names the rule and the value of each, and the apply then does exactly what the plan said', async () => {
    await pair.reset({ sandbox, prod });
    const before = await pair.checksum('prod');
    const dry = await runSync(pair, { dryRun: true });
    expect(dry.err).toBe('');
    expect(await pair.checksum('prod')).toBe(before);
    const planned = byId(dry.report);
    const rejected = (id: number, message: string) => expect(planned[id]).toMatchObject({ action: 'error', reason: 'prod-would-reject', message });
    expect(planned[1]).toMatchObject({ action: 'create', reason: null });
    rejected(2, '"Lessons".room: Room 101-B would be written as Room  (prod\'s character varying(5))');
    rejected(3, '"Lessons".score: 123.456 would be written as 123.46 (prod\'s numeric(5,2))');
    rejected(4, '"Lessons".score: 12345.600 is too big for prod\'s numeric(5,2)');
    rejected(5, '"Lessons".seats: 3000000000 is out of range for prod\'s integer');
    rejected(6, '"Lessons".kind: lecture is not a value of prod\'s enum lesson_kind (regular, exam)');
    rejected(7, '"Lessons".rating: -1 breaks CHECK "positive_int_check" (VALUE > 0) of prod\'s domain positive_int');
    rejected(8, '"Lessons".status is NOT NULL in prod, and the sandbox has no value');
    rejected(9, 'CHECK "Lessons_homework_result_percent_check" ((homework_result_percent >= 0) AND (homework_result_percent <= 100)): 120');
    rejected(10, 'CHECK "known_assignment" ((assignment_type)::text = ANY ((ARRAY[\'homework\'::character varying, \'classwork\'::character varying, \'exam\'::character varying])::text[])): quiz');
    rejected(11, 'CHECK "Lessons_homework_result_percent_check" ((homework_result_percent >= 0) AND (homework_result_percent <= 100)): 150');
    expect(planned[12]).toMatchObject({ action: 'update', prodLessonId: 512 });
    // no rule foresaw it, and it stops prod's query: found by halving the batch, in prod's words
    rejected(13, 'invalid input syntax for type numeric: "x12"');
    expect(dry.report.summary).toMatchObject({ created: 1, updated: 1, errors: 11 });
    expect(dry.out).toContain('❌ Prod would reject it, not written: "Lessons".score: 12345.600 is too big');

    const applied = await runSync(pair);
    expect(applied.err).toBe('');
    expect(applied.report.summary).toMatchObject({ created: 1, updated: 1, errors: 11 });
    const outcome = byId(applied.report);
    for (const id of Object.keys(planned)) {
      expect([outcome[id].action, outcome[id].reason, outcome[id].message]).toEqual([planned[id].action, planned[id].reason, planned[id].message]);
    }
    const [written] = await pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE lesson_id > 1000`);
    expect(written!.n).toBe(1);
  });

  it("matches the demo's plan to its apply: the CHECK lesson is an error in the plan, not at the write", async () => {
    await pair.reset({ sandbox: sandboxSchool, prod: prodSchool });
    const dry = await runSync(pair, { dryRun: true });
    expect(byId(dry.report)[12]).toMatchObject({
      action: 'error',
      reason: 'prod-would-reject',
      message: 'CHECK "Lessons_homework_result_percent_check" ((homework_result_percent >= 0) AND (homework_result_percent <= 100)): 120',
    });
    const applied = await runSync(pair);
    const counts = (r: any) => ({ created: r.summary.created, updated: r.summary.updated, errors: r.summary.errors });
    expect(counts(applied.report)).toEqual(counts(dry.report));
    expect(counts(dry.report)).toEqual({ created: 2, updated: 2, errors: 3 });
  });

  it('sends no query to predict when prod checks nothing the sync writes', async () => {
    const plainProd = prodSchool.replace(platformSchema({ prodChecks: true }), platformSchema());
    const planQueries = async () => {
      const session = await Session.open(parseTargets(pair.urls.sandbox, pair.urls.prod));
      try {
        const before = session.queryCounts();
        await session.plan({ students: [] });
        const after = session.queryCounts();
        return { sandbox: after.sandbox - before.sandbox, prod: after.prod - before.prod };
      } finally {
        await session.close();
      }
    };
    await pair.reset({ sandbox: sandboxSchool, prod: plainProd });
    // the snapshot's BEGIN and two COPY; four reads in prod, nested loops off around three
    expect(await planQueries()).toEqual({ sandbox: 3, prod: 6 });
    await pair.reset({ sandbox: sandboxSchool, prod: prodSchool });
    // with prod's CHECK: the values it reads (one query) and prod's verdict (one)
    expect(await planQueries()).toEqual({ sandbox: 4, prod: 7 });
  });
});
