/**
 * Bulk key lists reach the server as JSON, which its planner takes for 100 rows whatever
 * their length: on that guess it chose a nested loop that ran for over 12 minutes in the
 * undo capture of a 200,000-lesson apply, prod's rows locked. The statements that join keys
 * on columns with no index run with nested loops off.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../source/db/client.js';
import { readLessonStates } from '../../source/db/fingerprint.js';
import { parseTargets, Session } from '../../source/sync/session.js';
import { demoSchoolPerTest } from '../helpers/databases.js';

/** How the server would run the statement `db.stream` is given, instead of running it. */
function explaining(db: Db, plans: string[]): Db {
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key !== 'stream') return Reflect.get(target, key, receiver);
      return async (text: string, values: unknown[]) => {
        const { rows } = await target.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
        plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
      };
    },
  });
}

describe('how the tool’s sessions plan', () => {
  const school = demoSchoolPerTest();

  it('reads lessons with their LessonTasks by hash joins, never a nested loop, on tables the server has no statistics of', async () => {
    // as in that apply: many lessons the server has statistics of, and LessonTasks grown
    // past what it knows of them
    for (const side of ['sandbox', 'prod'] as const) {
      await school.pair.query(
        side,
        `INSERT INTO "Lessons" (student_id, lesson_date) SELECT s.student_id, timestamp '2020-01-01' + g * interval '1 hour'
           FROM "Students" s CROSS JOIN generate_series(1, 5000) g;
         ANALYZE "Lessons";
         INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type)
         SELECT l.lesson_id, t.task_id, 'homework' FROM "Lessons" l CROSS JOIN "Tasks" t WHERE l.lesson_id % 10 = 0`,
      );
    }
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    try {
      for (const [db, tables] of [
        [session.prodDb, session.schema.prod],
        [session.sandboxDb, session.schema.sandbox],
      ] as const) {
        const plans: string[] = [];
        await readLessonStates(explaining(db, plans), tables, [1, 2, 3], ['topic']);
        expect(plans).toHaveLength(1);
        expect(plans[0]).toMatch(/Hash/);
        expect(plans[0]).not.toMatch(/Nested Loop/);
        expect((await db.query<{ max_parallel_workers_per_gather: string }>('SHOW max_parallel_workers_per_gather')).rows[0]!.max_parallel_workers_per_gather).toBe('0');
        // for that statement only: lookups by primary key elsewhere stay index nested loops
        expect((await db.query<{ enable_nestloop: string }>('SHOW enable_nestloop')).rows[0]!.enable_nestloop).toBe('on');
      }
    } finally {
      await session.close();
    }
  });

  it('turns nested loops off once for a phase of reads, and back on after it', async () => {
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    try {
      const db = session.prodDb;
      const nestloop = async () => (await db.query<{ enable_nestloop: string }>('SHOW enable_nestloop')).rows[0]!.enable_nestloop;
      const sent = db.queries;
      const inside = await db.hashJoinsOnly(async () => {
        const outer = await nestloop();
        // a read nested in the phase, and one started alongside it: no SET or RESET of their own
        const [nested, alongside] = await Promise.all([db.hashJoinsOnly(nestloop), db.hashJoinsOnly(nestloop)]);
        return [outer, nested, alongside, await nestloop()];
      });
      expect(inside).toEqual(['off', 'off', 'off', 'off']);
      expect(db.queries - sent).toBe(2 + 4); // one SET, one RESET, the four SHOWs
      expect(await nestloop()).toBe('on');
    } finally {
      await session.close();
    }
  });
});
