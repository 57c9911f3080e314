import { describe, expect, it } from 'vitest';
import { startLatencyProxy, viaProxy } from '../bench/latency-proxy.js';
import { parseTargets, Session } from '../source/sync/session.js';
import { prodSql, sandboxSql } from '../bench/generate.js';
import { timeWriteFloorInProd } from '../bench/floor.js';
import { timeWizardPlan } from '../bench/wizard-plan.js';
import { cpuMark, cpuNote, cpuSince } from '../bench/cpu.js';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { waitFor } from './helpers/wait.js';
import { demoSchoolPerTest, onServer, serverUrl, withClient } from './helpers/databases.js';

/** Spins until this process has used `ms` of CPU (not of the clock: a loaded machine takes longer). */
function burn(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

const localServer = onServer && ['127.0.0.1', 'localhost', '::1'].includes(new URL(serverUrl!).hostname);

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

  it('count the CPU a phase costs: this process, a child it waited for, apart', () => {
    const mark = cpuMark();
    burn(300);
    const own = cpuSince(mark);
    expect(own.self).toBeGreaterThanOrEqual(0.25);
    expect(own.children).toBeLessThan(0.05);
    const before = cpuMark();
    execFileSync(process.execPath, ['-e', 'const s = process.cpuUsage(); while (process.cpuUsage(s).user < 300000);']);
    const child = cpuSince(before);
    expect(child.children).toBeGreaterThanOrEqual(0.25);
    expect(cpuNote(1.5, 0.5, 2)).toBe('CPU 1.50 s + 0.50 s PostgreSQL: ≥ 1.00 s on 2 cores');
    expect(cpuNote(1.5, undefined, 2)).toBe('CPU 1.50 s: ≥ 0.75 s on 2 cores');
  });

  it.runIf(localServer)("count the CPU of the local PostgreSQL's backends, one that ended meanwhile too", async () => {
    const mark = cpuMark();
    expect(mark.postgres).toBeDefined();
    // a session of its own that ends before the count: its time is the postmaster's children's by then
    const pid = await withClient(serverUrl!, async (client) => {
      await client.query('SELECT count(*) FROM generate_series(1, 5000000)');
      return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    });
    await waitFor(() => !existsSync(`/proc/${pid}`), 'the backend to end');
    const spent = cpuSince(mark);
    expect(spent.postgres).toBeGreaterThanOrEqual(0.1);
    expect(spent.self).toBeLessThan(spent.postgres!);
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
