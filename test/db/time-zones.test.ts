/**
 * SPEC §2: lesson_date is the wall-clock time each database shows in its own TimeZone.
 * Two databases of one server set to zones 13 hours apart, every mix of timestamp and
 * timestamptz: a lesson matches by its wall clock, a create writes the wall clock the
 * operator saw, and a second run finds everything in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformSchema } from '../../source/demo/platform-schema.js';
import { createPair, onServer, withClient, type DbPair } from '../helpers/databases.js';
import { runSync } from '../helpers/run.js';

const ZONES = { sandbox: 'Asia/Tokyo', prod: 'America/New_York' } as const;

function school(dateType: string, side: 'sandbox' | 'prod'): string {
  const schema = platformSchema().replace(/lesson_date\s+TIMESTAMP(\(\d\))?( WITHOUT TIME ZONE)?/i, `lesson_date ${dateType}`);
  return side === 'sandbox'
    ? `${schema}
      INSERT INTO "Students" (student_id, platform_id, name) VALUES (1, 'p1', 'Ivan');
      INSERT INTO "Tasks" (task_id, task_number, content_html) VALUES (1, 1, 'x');
      INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, topic) VALUES
        (1, 1, '2025-04-01 14:00:00', 60, 'Matches prod''s empty lesson'),
        (2, 1, '2025-04-02 09:30:00.5', 45, 'Created in prod');
      INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type) VALUES (2, 1, 'homework');`
    : `${schema}
      INSERT INTO "Students" (student_id, platform_id, name) VALUES (7, 'p1', 'Ivan');
      INSERT INTO "Tasks" (task_id, task_number, content_html) VALUES (1, 1, 'x');
      INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration) VALUES (70, 7, '2025-04-01 14:00:00', 60);`;
}

describe.runIf(onServer)('databases in different time zones', () => {
  let pair: DbPair;
  beforeAll(async () => {
    pair = await createPair();
    for (const side of ['sandbox', 'prod'] as const) {
      const database = new URL(pair.urls[side]).pathname.slice(1);
      await withClient(pair.urls[side], (c) => c.query(`ALTER DATABASE ${database} SET timezone = '${ZONES[side]}'`));
    }
  });
  afterAll(() => pair.drop());

  it.each([
    ['timestamptz', 'timestamp'],
    ['timestamp', 'timestamptz'],
    ['timestamptz', 'timestamptz'],
  ])('sandbox %s, prod %s: matched and created by the wall clock, and a second run is a no-op', async (sandboxType, prodType) => {
    await pair.reset({ sandbox: school(sandboxType, 'sandbox'), prod: school(prodType, 'prod') });
    const [zone] = await pair.query<{ zone: string }>('prod', "SELECT current_setting('TimeZone') AS zone");
    expect(zone!.zone).toBe(ZONES.prod);

    const first = await runSync(pair);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.report.summary).toMatchObject({ created: 1, updated: 1, errors: 0, tasksCopied: 1 });
    expect(first.report.lessons.find((l: any) => l.sandboxLessonId === 1)).toMatchObject({ action: 'update', prodLessonId: 70 });

    const rows = await pair.query('prod', `SELECT lesson_id, lesson_date::timestamp::text AS wall, topic FROM "Lessons" ORDER BY lesson_date`);
    expect(rows).toEqual([
      { lesson_id: 70, wall: '2025-04-01 14:00:00', topic: "Matches prod's empty lesson" },
      { lesson_id: expect.any(Number), wall: '2025-04-02 09:30:00.5', topic: 'Created in prod' },
    ]);

    const second = await runSync(pair);
    expect(second.code).toBe(0);
    expect(second.report.summary).toMatchObject({ created: 0, updated: 0, errors: 0 });
    expect(second.report.lessons.map((l: any) => l.reason)).toEqual(['filled', 'filled']);
  });
});

/**
 * Keys compare as text and values cross as text: a database whose DateStyle prints dates
 * otherwise (set on the database, as an operator's platform may have it) must neither
 * miss its matches nor have a copied date read day-for-month.
 */
describe.runIf(onServer)('databases that print dates in another style', () => {
  let pair: DbPair;
  beforeAll(async () => {
    pair = await createPair();
  });
  afterAll(() => pair.drop());

  it.each([
    ['SQL, DMY', 'ISO, MDY'],
    ['ISO, MDY', 'German'],
  ])('sandbox DateStyle %s, prod %s: matched and created by the same wall clock', async (sandboxStyle, prodStyle) => {
    await pair.reset({ sandbox: school('timestamp', 'sandbox'), prod: school('timestamp', 'prod') });
    const styles = { sandbox: sandboxStyle, prod: prodStyle };
    for (const side of ['sandbox', 'prod'] as const) {
      const database = new URL(pair.urls[side]).pathname.slice(1);
      await withClient(pair.urls[side], (c) => c.query(`ALTER DATABASE ${database} SET datestyle = '${styles[side]}'`));
    }
    const [style] = await pair.query<{ style: string }>('sandbox', "SELECT current_setting('DateStyle') AS style");
    expect(style!.style).toBe(sandboxStyle);

    const first = await runSync(pair);
    expect(first.err).toBe('');
    expect(first.report.summary).toMatchObject({ created: 1, updated: 1, errors: 0, tasksCopied: 1 });
    expect(first.report.lessons.find((l: any) => l.sandboxLessonId === 1)).toMatchObject({ action: 'update', prodLessonId: 70 });
    expect(first.report.lessons.find((l: any) => l.sandboxLessonId === 2)).toMatchObject({ lessonDate: '2025-04-02 09:30:00' });
    const rows = await pair.query('prod', `SELECT lesson_id, to_char(lesson_date, 'YYYY-MM-DD HH24:MI:SS.US') AS wall FROM "Lessons" ORDER BY lesson_date`);
    expect(rows).toEqual([
      { lesson_id: 70, wall: '2025-04-01 14:00:00.000000' },
      { lesson_id: expect.any(Number), wall: '2025-04-02 09:30:00.500000' },
    ]);
    expect((await runSync(pair)).report.summary).toMatchObject({ created: 0, updated: 0, errors: 0 });
  });
});
