/**
 * SPEC §3, "nothing waits forever, in any phase": the plan's reads and an undo's, on either
 * side, bounded and told as the apply's writes are. Each fault is real: a second session
 * holds a table lock (a migration), a proxy stops forwarding the sandbox's answer.
 */
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { WatchdogTiming } from '../../source/db/watchdog.js';
import { ConnectError, type LockWait } from '../../source/common/errors.js';
import { parseTargets, Session } from '../../source/sync/session.js';
import { demoSchoolPerTest, onServer, withClient, type Side } from '../helpers/databases.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { runCli, startCli, tempPath } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

const QUICK: WatchdogTiming = { startAfterMs: 200, pollMs: 200, answerWithinMs: 1500, staleAfterMs: 1500 };

describe.runIf(onServer)('bounded reads on a real server', () => {
  const school = demoSchoolPerTest();
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  /** a migration's lock on that side's "Lessons", held by a session named so the wait can name it */
  const lockLessons = async (holder: pg.Client) => {
    await holder.query(`SET application_name = 'migration'`);
    await holder.query(`BEGIN; LOCK TABLE "Lessons" IN ACCESS EXCLUSIVE MODE`);
  };

  for (const side of ['prod', 'sandbox'] as const satisfies readonly Side[]) {
    it(`a dry run whose read meets a table lock in ${side} tells it within 5 s and ends at --lock-timeout, exit 3`, async () => {
      const before = await school.pair.checksum('prod');
      await withClient(school.pair.urls[side], async (holder) => {
        await lockLessons(holder);
        const started = Date.now();
        const run = startCli(['--plain', '--dry-run', '--lock-timeout', '6', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
        const where = side === 'prod' ? 'in prod' : 'in the sandbox';
        await waitFor(() => run.output.stdout.includes(`⏳ Waiting`), 'the wait to be told', 5000);
        expect(Date.now() - started).toBeLessThan(5000);
        expect(run.output.stdout).toMatch(new RegExp(`⏳ Waiting \\d+ s for table "Lessons" ${where}, held by pid \\d+ \\(\\S+, migration`));
        expect(await run.exited).toBe(3);
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(run.output.stderr).toContain(`❌ Gave up after 6 s waiting for table "Lessons" ${where}`);
        // told once while the holder stays the same (a line every 10 s at most)
        expect(run.output.stdout.match(/⏳/g)).toHaveLength(1);
        await holder.query('ROLLBACK');
      });
      expect(await school.pair.checksum('prod')).toBe(before);
    });
  }

  it('a saved plan applied while prod is locked ends at --lock-timeout before writing, exit 3', async () => {
    const plan = tempPath('plan.json');
    const saved = await runCli(['--plain', '--dry-run', '--save-plan', plan, '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
    expect(saved.code).toBe(1); // the demo's errors
    const before = await school.pair.checksum('prod');
    await withClient(school.pair.urls.prod, async (holder) => {
      await lockLessons(holder);
      const run = await runCli(['--plain', '--yes', '--apply-plan', plan, '--lock-timeout', '3', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/⏳ Waiting \d+ s for table "Lessons" in prod/);
      expect(run.stderr).toContain('❌ Gave up after 3 s');
      await holder.query('ROLLBACK');
    });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('a sandbox that goes silent in the middle of its read is cut and named: ConnectError, sandbox side', async () => {
    const { sandboxSql, prodSql } = await import('../../bench/generate.js');
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 20_000 }), prod: prodSql({ lessons: 20_000 }) });
    const sandbox = new URL(school.pair.urls.sandbox);
    proxy = await startFaultProxy(sandbox.hostname, Number(sandbox.port || 5432));
    const session = await Session.open(parseTargets(proxy.url(school.pair.urls.sandbox), school.pair.urls.prod), undefined, { watchdogTiming: QUICK });
    try {
      // the answer stops once its first rows came; the watcher's own connection still passes
      const copyRows = session.sandboxDb.copyRows.bind(session.sandboxDb);
      let rows = 0;
      session.sandboxDb.copyRows = (sql, onRow) =>
        copyRows(sql, (row) => {
          if (rows++ === 0) proxy!.silenceOpen();
          onRow(row);
        });
      const started = Date.now();
      const error = await session.plan({ students: [] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect(error).toMatchObject({ code: 'unresponsive', side: 'sandbox' });
      // QUICK's bounds: noticed in seconds (the product's default bounds are within 60 s)
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await session.close();
    }
  });

  it('tells a lock wait of the plan as a session event, with the side and the holder', async () => {
    await withClient(school.pair.urls.sandbox, async (holder) => {
      await lockLessons(holder);
      const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod), undefined, { watchdogTiming: QUICK, lockTimeoutSeconds: 30 });
      try {
        const waits: LockWait[] = [];
        session.subscribe((event) => event.type === 'lock-wait' && waits.push(event.wait));
        const planning = session.plan({ students: [] });
        await waitFor(() => waits.length > 0, 'the lock wait');
        const [holderPid] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows.map((r) => r.pid);
        expect(waits[0]).toMatchObject({ side: 'sandbox', target: { kind: 'table', name: '"Lessons"' }, holders: [{ pid: holderPid, application: 'migration' }], limitSeconds: 30 });
        await holder.query('ROLLBACK');
        const plan = await planning;
        expect(plan.entries.length).toBeGreaterThan(0);
      } finally {
        await session.close();
      }
    });
  });
});
