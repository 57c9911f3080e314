import { describe, expect, it } from 'vitest';
import { startLatencyProxy, viaProxy } from '../source/bench/latency-proxy.js';
import { parseTargets, Session } from '../source/session.js';
import { prodSql, sandboxSql } from '../source/bench/generate.js';
import { timeWriteFloorInProd } from '../source/bench/floor.js';
import { timeWizardPlan } from '../source/bench/wizard-plan.js';
import { demoSchoolPerTest, onServer, withClient } from './helpers/databases.js';

const school = demoSchoolPerTest();

describe('the benchmark tools', () => {
  it('plan the same through the latency proxy as directly, with the round trips delayed', async () => {
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 50 }), prod: prodSql({ lessons: 50 }) });
    const proxies = await Promise.all(
      (['sandbox', 'prod'] as const).map((side) => {
        const url = new URL(school.pair.urls[side]);
        return startLatencyProxy(url.hostname, Number(url.port || 5432), 30);
      }),
    );
    try {
      const slow = parseTargets(viaProxy(school.pair.urls.sandbox, proxies[0]!.port), viaProxy(school.pair.urls.prod, proxies[1]!.port));
      const session = await Session.open(slow);
      try {
        expect(session.servers.prod.rttMs).toBeGreaterThanOrEqual(55); // 30 ms each way
        const plan = await session.plan({ students: [] });
        expect(plan.summary).toMatchObject({ lessons: 50, created: 20, updated: 15, skipped: 15, errors: 0, tasksCopied: 175 });
      } finally {
        await session.close();
      }
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
  });

  it("time the wizard's plan step: its first rows, from the step's start and from the planner's", async () => {
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 50 }), prod: prodSql({ lessons: 50 }) });
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    try {
      const timed = await timeWizardPlan(session, { students: [] });
      expect(timed.frames).toBeGreaterThan(0);
      expect(timed.firstRowsSeconds).toBeGreaterThan(0);
      // the planner starts once both sides are read: its first rows come sooner after it
      expect(timed.afterReadingSeconds).toBeGreaterThanOrEqual(0);
      expect(timed.afterReadingSeconds).toBeLessThan(timed.firstRowsSeconds);
    } finally {
      await session.close();
    }
  });

  // COPY FROM STDIN does not pass pglite-socket: the floors need a server
  it.runIf(onServer)('time the write floor in prod itself and leave prod as it was, its sequences too', async () => {
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 50 }), prod: prodSql({ lessons: 50 }) });
    const state = () =>
      withClient(school.pair.urls.prod, async (client) => {
        const { rows } = await client.query(`SELECT (SELECT count(*) FROM "Lessons") AS lessons, (SELECT count(*) FROM "LessonTasks") AS tasks,
                                                    (SELECT last_value FROM "Lessons_lesson_id_seq") AS lesson_seq,
                                                    (SELECT last_value FROM "LessonTasks_lesson_task_id_seq") AS task_seq`);
        return rows[0] as Record<string, string>;
      });
    const before = await state();
    const floor = await timeWriteFloorInProd(school.pair.urls.sandbox, school.pair.urls.prod, [1, 2, 3, 4]);
    // four lessons and their five LessonTasks each went in, then were rolled back
    expect(floor.rows).toBe(4 + 4 * 5);
    expect(floor.seconds).toBeGreaterThan(0);
    expect(await state()).toEqual(before);
  });
});
