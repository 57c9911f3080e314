import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformSchema } from '../../source/demo/platform-schema.js';
import { createPair, type DbPair } from '../helpers/databases.js';
import { runCli, runSync } from '../helpers/run.js';
import { parseTargets, Session } from '../../source/sync/session.js';

let pair: DbPair;
beforeAll(async () => {
  pair = await createPair();
});
afterAll(async () => {
  await pair.drop();
});

const driftSandbox = `
CREATE TABLE "Students" (student_id SERIAL PRIMARY KEY, name VARCHAR(200) NOT NULL, platform_id VARCHAR(100));
CREATE TABLE "Tasks" (task_id SERIAL PRIMARY KEY, content_html TEXT);
CREATE TABLE "Lessons" (
  lesson_id SERIAL PRIMARY KEY, topic VARCHAR(300), student_id INTEGER NOT NULL REFERENCES "Students",
  duration INTEGER, lesson_date TIMESTAMPTZ NOT NULL, notes TEXT, homework TEXT, homework_status VARCHAR(50),
  homework_result_percent INTEGER, homework_result_notes TEXT, materials JSON, tags TEXT[], score NUMERIC(6,3),
  legacy_flag BOOLEAN, course_module_id INTEGER, created_at TIMESTAMP, room CHAR(5), flags BIT(5), code CHAR(3)[]);
CREATE TABLE "LessonTasks" (
  lesson_task_id SERIAL PRIMARY KEY, lesson_id INTEGER NOT NULL REFERENCES "Lessons", task_id INTEGER NOT NULL,
  assignment_type VARCHAR(20), difficulty_level INTEGER, submission_correct BOOLEAN);
INSERT INTO "Students" VALUES (1, 'Ivan', 'p1');
INSERT INTO "Tasks" VALUES (1, 'a'), (2, 'b');
INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, topic, materials, tags, score, legacy_flag, course_module_id, created_at, room, flags, code) VALUES
  (1, 1, '2025-02-01 10:00:00.123456+03', 60, 'JSON lesson', '[1, "two", {"three": [3]}]', '{a,"b c",NULL}', 12.5, true, 7, '2025-02-01 09:00:00.5', 'abc', B'10101', '{ab,xyz}'),
  (2, 1, '2025-02-02 12:00:00+00', 45, 'Matched across zones', '{"k": null}', NULL, NULL, false, 7, NULL, NULL, NULL, NULL);
INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type, difficulty_level, submission_correct) VALUES
  (1, 1, 'homework', 3, false), (2, 2, 'classwork', NULL, true);
`;

const driftProd = `
CREATE TABLE course_modules (id SERIAL PRIMARY KEY, title TEXT);
INSERT INTO course_modules VALUES (7, 'Prod module 7: another module than the sandbox one');
CREATE TABLE students (platform_id VARCHAR(100), student_id SERIAL PRIMARY KEY, name VARCHAR(200) NOT NULL);
CREATE TABLE tasks (task_id SERIAL PRIMARY KEY, content_html TEXT);
CREATE TABLE lessons (
  lesson_id SERIAL PRIMARY KEY, student_id INTEGER NOT NULL REFERENCES students, lesson_date TIMESTAMPTZ NOT NULL,
  duration INTEGER, homework_result_notes TEXT, homework_result_percent INTEGER, homework TEXT, notes TEXT,
  topic VARCHAR(300), materials JSONB, tags TEXT[], score NUMERIC(8,3), created_at TIMESTAMP,
  course_module_id INTEGER REFERENCES course_modules(id), source VARCHAR(30) NOT NULL DEFAULT 'prod-default',
  published_at TIMESTAMP, room CHAR(5), flags BIT(5), code CHAR(3)[]);
CREATE TABLE lessontasks (
  lesson_task_id SERIAL PRIMARY KEY, lesson_id INTEGER NOT NULL REFERENCES lessons, task_id INTEGER NOT NULL REFERENCES tasks,
  assignment_type VARCHAR(20), status VARCHAR(20) NOT NULL DEFAULT 'new', difficulty_level INTEGER, submission_correct BOOLEAN);
INSERT INTO students VALUES ('p1', 10, 'Ivan');
INSERT INTO tasks VALUES (1, 'a'), (2, 'b');
-- the same instant as sandbox lesson 2, written in another zone
INSERT INTO lessons (lesson_id, student_id, lesson_date, duration) VALUES (50, 10, '2025-02-02 15:00:00+03', 45);
`;

describe('schema drift', () => {
  it('copies across other table names, column orders, timestamptz, json and arrays, and leaves unmapped foreign keys', async () => {
    await pair.reset({ sandbox: driftSandbox, prod: driftProd });
    const run = await runSync(pair);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('"lessons".course_module_id is a foreign key to "course_modules": not copied');
    expect(run.out).toMatch(/only in the sandbox's "lessons", not copied: .*homework_status.*legacy_flag/);
    expect(run.out).toMatch(/only in prod's "lessons", left to prod's defaults: .*source.*published_at/);
    expect(run.out).toMatch(/only in prod's "lessontasks", left to prod's defaults: status/);
    // numeric(6,3) into numeric(8,3): every value fits, no check and no warning
    expect(run.out).not.toContain('does not fit');
    const byId = new Map<number, any>(run.report.lessons.map((l: any) => [l.sandboxLessonId, l]));
    expect(byId.get(1)).toMatchObject({ action: 'create', tasksCopied: 1 });
    expect(byId.get(2)).toMatchObject({ action: 'update', prodLessonId: 50, tasksCopied: 1 });

    const [created] = await pair.query(
      'prod',
      `SELECT lesson_date = '2025-02-01 07:00:00.123456+00'::timestamptz AS same_instant, materials,
              jsonb_typeof(materials) AS kind, tags, score::text, course_module_id, source, created_at::text,
              room, flags::text, code::text
         FROM lessons WHERE lesson_id = $1`,
      [byId.get(1).prodLessonId],
    );
    expect(created).toEqual({
      same_instant: true,
      materials: [1, 'two', { three: [3] }],
      kind: 'array',
      tags: ['a', 'b c', null],
      score: '12.500',
      course_module_id: null,
      source: 'prod-default',
      created_at: '2025-02-01 09:00:00.5',
      room: 'abc  ',
      flags: '10101',
      code: '{"ab ",xyz}',
    });
    const [updated] = await pair.query('prod', `SELECT topic, materials, course_module_id FROM lessons WHERE lesson_id = 50`);
    expect(updated).toEqual({ topic: 'Matched across zones', materials: null, course_module_id: null });
    const tasks = await pair.query('prod', `SELECT task_id, status, difficulty_level, submission_correct FROM lessontasks ORDER BY task_id`);
    expect(tasks).toEqual([
      { task_id: 1, status: 'new', difficulty_level: 3, submission_correct: false },
      { task_id: 2, status: 'new', difficulty_level: null, submission_correct: true },
    ]);
  });

  it('never cuts or rounds a value to fit a narrower prod column: that lesson is an error, the others go in (SPEC §2)', async () => {
    const sandboxTypes = platformSchema()
      .replace('topic                   VARCHAR(300)', 'topic                   TEXT')
      .replace('homework_result_percent INTEGER', 'homework_result_percent NUMERIC(7,3)')
      .replace('assignment_type    VARCHAR(20)', 'assignment_type    VARCHAR(40)');
    const prodTypes = platformSchema()
      .replace('lesson_date             TIMESTAMP NOT NULL', 'lesson_date             TIMESTAMP(0) NOT NULL')
      .replace('homework_result_percent INTEGER', 'homework_result_percent NUMERIC(5,2)');
    const long = (c: string, n: number) => c.repeat(n);
    await pair.reset({
      sandbox: `${sandboxTypes}
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (1, 'p1', 'Ivan');
        INSERT INTO "Tasks" (task_id, task_number, content_html) VALUES (1, 1, 'a'), (2, 2, 'b');
        INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, topic, homework_result_percent) VALUES
          (1, 1, '2025-03-01 10:00', 60, '${long('x', 301)}', NULL),
          (2, 1, '2025-03-02 10:00', 60, '${long('y', 350)}', NULL),
          (3, 1, '2025-03-03 10:00', 60, 'a task too long for prod', NULL),
          (4, 1, '2025-03-04 10:00:00.6', 60, 'a time finer than prod keeps', NULL),
          (5, 1, '2025-03-05 10:00', 60, 'more decimals than prod keeps', 12.345),
          (6, 1, '2025-03-06 10:00', 60, 'a number too big for prod', 1234.5),
          (7, 1, '2025-03-07 10:00:00.000', 60, '${long('z', 300)}', 12.340);
        INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type) VALUES
          (3, 1, 'homework'), (3, 2, '${long('h', 21)}'), (7, 1, 'homework'), (7, 2, '${long('c', 20)}');`,
      prod: `${prodTypes}
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (10, 'p1', 'Ivan');
        INSERT INTO "Tasks" (task_id, task_number, content_html) VALUES (1, 1, 'a'), (2, 2, 'b');
        INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration) VALUES
          (50, 10, '2025-03-02 10:00', 60), (51, 10, '2025-03-05 10:00', 60);`,
    });
    const before = await pair.checksum('prod');
    const run = await runSync(pair);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`⚠️ prod "Lessons".lesson_date is timestamp(0) without time zone, the sandbox's timestamp without time zone: a lesson with a value that does not fit is not written`);
    expect(run.out).toContain(`⚠️ prod "Lessons".topic is character varying(300), the sandbox's text`);
    expect(run.out).toContain(`⚠️ prod "Lessons".homework_result_percent is numeric(5,2), the sandbox's numeric(7,3)`);
    expect(run.out).toContain(`⚠️ prod "LessonTasks".assignment_type is character varying(20), the sandbox's character varying(40)`);
    const byId = new Map<number, any>(run.report.lessons.map((l: any) => [l.sandboxLessonId, l]));
    // found in the plan, read-only: prod would cut, round or refuse them (SPEC §2.9)
    for (const id of [1, 2, 3, 4, 5, 6]) expect(byId.get(id)).toMatchObject({ action: 'error', reason: 'prod-would-reject', tasksCopied: 0 });
    expect(byId.get(1).message).toBe(`"Lessons".topic: a text of 301 characters would be written as a text of 300 characters (prod's character varying(300))`);
    expect(byId.get(2).message).toContain(`"Lessons".topic: a text of 350 characters would be written as`);
    expect(byId.get(3).message).toBe(`"LessonTasks".assignment_type: ${long('h', 21)} would be written as ${long('h', 20)} (prod's character varying(20))`);
    expect(byId.get(4).message).toBe(`"Lessons".lesson_date: 2025-03-04 10:00:00.6 would be written as 2025-03-04 10:00:01 (prod's timestamp(0) without time zone)`);
    expect(byId.get(5).message).toBe(`"Lessons".homework_result_percent: 12.345 would be written as 12.35 (prod's numeric(5,2))`);
    expect(byId.get(6).message).toBe(`"Lessons".homework_result_percent: 1234.500 is too big for prod's numeric(5,2)`);
    expect(byId.get(7)).toMatchObject({ action: 'create', tasksCopied: 2 });
    const lessons = await pair.query('prod', `SELECT lesson_id, length(topic) AS topic, homework_result_percent::text AS percent FROM "Lessons" ORDER BY lesson_date`);
    expect(lessons).toEqual([
      { lesson_id: 50, topic: null, percent: null },
      { lesson_id: 51, topic: null, percent: null },
      { lesson_id: byId.get(7).prodLessonId, topic: 300, percent: '12.34' },
    ]);
    const tasks = await pair.query('prod', `SELECT lesson_id, assignment_type FROM "LessonTasks" ORDER BY task_id`);
    expect(tasks).toEqual([
      { lesson_id: byId.get(7).prodLessonId, assignment_type: 'homework' },
      { lesson_id: byId.get(7).prodLessonId, assignment_type: long('c', 20) },
    ]);
    // the same again: the same errors, no lesson written twice
    const afterFirst = await pair.checksum('prod');
    expect(afterFirst).not.toBe(before);
    const again = await runSync(pair);
    expect(again.report.summary).toMatchObject({ created: 0, updated: 0, errors: 6 });
    expect(await pair.checksum('prod')).toBe(afterFirst);
  });

  it('matches durations by their value when the two sides declare them as different numbers (integer, numeric(4,1))', async () => {
    await pair.reset({
      sandbox: `${platformSchema()}
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (1, 'p1', 'Ivan');
        INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, topic) VALUES
          (1, 1, '2025-03-01 10:00', 60, 'created'), (2, 1, '2025-03-02 10:00', 45, 'fills prod''s'), (3, 1, '2025-03-03 10:00', 45, 'not 45.5');`,
      prod: `${platformSchema().replace('duration                INTEGER', 'duration                NUMERIC(4,1)')}
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (10, 'p1', 'Ivan');
        INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration) VALUES
          (50, 10, '2025-03-02 10:00', 45.0), (51, 10, '2025-03-03 10:00', 45.5);`,
    });
    const run = await runSync(pair);
    expect(run.err).toBe('');
    const byId = new Map<number, any>(run.report.lessons.map((l: any) => [l.sandboxLessonId, l]));
    expect(byId.get(1)).toMatchObject({ action: 'create', duration: 60 });
    expect(byId.get(2)).toMatchObject({ action: 'update', prodLessonId: 50 });
    expect(byId.get(3)).toMatchObject({ action: 'create' });
    const again = await runSync(pair);
    expect(again.report.summary).toMatchObject({ created: 0, updated: 0, errors: 0 });
    const lessons = await pair.query('prod', `SELECT lesson_date::text AS date, duration::text, topic FROM "Lessons" ORDER BY lesson_date, duration`);
    expect(lessons).toEqual([
      { date: '2025-03-01 10:00:00', duration: '60.0', topic: 'created' },
      { date: '2025-03-02 10:00:00', duration: '45.0', topic: "fills prod's" },
      { date: '2025-03-03 10:00:00', duration: '45.0', topic: 'not 45.5' },
      { date: '2025-03-03 10:00:00', duration: '45.5', topic: null },
    ]);
  });

  it('tells each failed lesson once as it fails, also when a later rejection makes the apply start again carefully', async () => {
    // what no schema shows, so only the write finds it: a trigger of prod's that refuses two lessons
    const withTopics = platformSchema().replace('topic                   VARCHAR(300)', 'topic                   TEXT');
    await pair.reset({
      sandbox: `${withTopics}
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (1, 'p1', 'Ivan');
        INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, topic, homework_result_percent) VALUES
          (1, 1, '2025-03-03 10:00', 60, '${'x'.repeat(301)}', NULL),
          (2, 1, '2025-03-02 10:00', 60, 'a percent prod refuses', 150),
          (3, 1, '2025-03-01 10:00', 60, 'fine', 90);`,
      prod: `${withTopics}
        CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
          IF length(NEW.topic) > 300 OR NEW.homework_result_percent > 100 THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON "Lessons" FOR EACH ROW EXECUTE FUNCTION refuse();
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (10, 'p1', 'Ivan');`,
    });
    const session = await Session.open(parseTargets(pair.urls.sandbox, pair.urls.prod));
    try {
      const failed: number[] = [];
      session.subscribe((event) => event.type === 'lesson-failed' && failed.push(event.entry.sandboxLessonId));
      const outcome = await session.apply(await session.plan({ students: [] }));
      expect(outcome.summary).toMatchObject({ created: 1, errors: 2 });
      expect(failed.sort()).toEqual([1, 2]);
    } finally {
      await session.close();
    }
  });

  it('names every missing table and column, a NOT NULL column prod cannot fill, and a lesson_date of another kind (exit 3)', async () => {
    await pair.reset({
      sandbox: platformSchema().replace(/CREATE TABLE "LessonTasks"[\s\S]*$/, ''),
      prod: platformSchema().replace('    duration                INTEGER,\n', '').replace('status                  VARCHAR(50),', 'room TEXT NOT NULL, status VARCHAR(50),'),
    });
    const before = await pair.checksum('prod');
    const run = await runSync(pair);
    expect(run.code).toBe(3);
    expect(run.err).toContain('sandbox: table "LessonTasks" not found');
    expect(run.err).toContain('prod: column "Lessons".duration is missing');
    expect(run.out).not.toContain('📚');
    expect(await pair.checksum('prod')).toBe(before);

    await pair.reset({ sandbox: platformSchema(), prod: platformSchema().replace('status                  VARCHAR(50),', 'room TEXT NOT NULL, status VARCHAR(50),') });
    const notNull = await runSync(pair);
    expect(notNull.code).toBe(3);
    expect(notNull.err).toContain('prod: "Lessons".room is NOT NULL without a default');

    // a date holds no time: the lessons of a day could not be told apart, a create would drop its time
    await pair.reset({
      sandbox: `${platformSchema()}
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (1, 'p1', 'Ivan');
        INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration) VALUES (1, 1, '2025-03-01 10:00', 60);`,
      prod: `${platformSchema().replace('lesson_date             TIMESTAMP NOT NULL', 'lesson_date             DATE NOT NULL')}
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (10, 'p1', 'Ivan');`,
    });
    const dated = await pair.checksum('prod');
    const date = await runSync(pair);
    expect(date.code).toBe(3);
    expect(date.err).toContain(
      `prod: "Lessons".lesson_date is date, the sandbox's timestamp without time zone: lessons are matched by their date and time, which the two cannot both hold`,
    );
    expect(date.err).not.toContain('Unexpected');
    expect(await pair.checksum('prod')).toBe(dated);
  });
});

describe('time zones', () => {
  it('matches and copies lesson_date unchanged whatever TZ the process runs in', async () => {
    const seed = platformSchema();
    await pair.reset({
      sandbox: `${seed}
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (1, 'p1', 'Ivan');
        INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, topic) VALUES
          (1, 1, '2025-03-09 02:30:00.123456', 60, 'In the New York DST gap'),
          (2, 1, '2025-11-02 01:30:00', 60, 'In the New York DST overlap');`,
      prod: `${seed}
        INSERT INTO "Students" (student_id, platform_id, name) VALUES (7, 'p1', 'Ivan');
        INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration) VALUES (70, 7, '2025-11-02 01:30:00', 60);`,
    });
    const report = `${process.env.TMPDIR ?? '/tmp'}/lsync-tz-${process.pid}.json`;
    const run = await runCli(
      ['--plain', '--yes', '--sandbox-url', pair.urls.sandbox, '--prod-url', pair.urls.prod, '--report', report],
      { TZ: 'America/New_York' },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2025-03-09 02:30:00');
    const rows = await pair.query('prod', `SELECT lesson_id, lesson_date::text AS date, topic FROM "Lessons" ORDER BY lesson_date`);
    expect(rows).toEqual([
      { lesson_id: expect.any(Number), date: '2025-03-09 02:30:00.123456', topic: 'In the New York DST gap' },
      { lesson_id: 70, date: '2025-11-02 01:30:00', topic: 'In the New York DST overlap' },
    ]);
  });
});
