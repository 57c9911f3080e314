/**
 * The edges of SPEC §3 on a real server: a network that goes silent, locks held by
 * another session, a prod that refuses the whole run, signals. Each fault is made for
 * real: a TCP proxy that stops forwarding or resets, a second session holding a lock,
 * a database set read-only, the CLI sent a signal.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WATCHDOG, Watchdog, type WatchdogTiming } from '../../source/db/watchdog.js';
import { connectDb, type Db } from '../../source/db/client.js';
import { parseDbUrl } from '../../source/common/db-url.js';
import { ConnectError, type LockWait } from '../../source/common/errors.js';
import { parseTargets, Session } from '../../source/sync/session.js';
import { demoSchoolPerTest, onServer, withClient } from '../helpers/databases.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startCli, tempPath } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

/** short bounds, so a test notices in seconds what the product notices within a minute */
const QUICK: WatchdogTiming = { startAfterMs: 200, pollMs: 200, answerWithinMs: 1500, staleAfterMs: 1500 };

describe.runIf(onServer)('faults on a real server', () => {
  const school = demoSchoolPerTest();
  let proxy: FaultProxy | undefined;
  const sessions: Session[] = [];
  // closed even when a test fails: an open sandbox snapshot would block the next reset
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await proxy?.close();
    proxy = undefined;
  });

  const prodName = () => new URL(school.pair.urls.prod).pathname.slice(1);
  /**
   * lesson-sync's prod backends, as the server sees them now: asked from a session of its
   * own, since pg_stat_activity stays as it was for the rest of a transaction (the holder's).
   */
  const appBackends = (where = 'true') =>
    school.pair.query<{ pid: number }>(
      'prod',
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'lesson-sync' AND datname = $1 AND ${where}`,
      [prodName()],
    );
  const waitingOnLock = () => waitFor(async () => (await appBackends(`wait_event_type = 'Lock'`)).length > 0, 'lesson-sync to wait on the lock');
  const noBackendsLeft = () => waitFor(async () => (await appBackends()).length === 0, 'the cut backends to end');
  /** holds lesson 506's row: apply's UPDATE waits there, after its INSERTs went in */
  const holdRow = (holder: pg.Client) => holder.query(`BEGIN; UPDATE "Lessons" SET status = status WHERE lesson_id = 506`);

  async function openThroughProxy(): Promise<Session> {
    const prod = new URL(school.pair.urls.prod);
    proxy = await startFaultProxy(prod.hostname, Number(prod.port || 5432));
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, proxy.url(school.pair.urls.prod)), undefined, { watchdogTiming: QUICK });
    sessions.push(session);
    return session;
  }

  /** prod as it was, and a session planned through the proxy */
  async function planThroughProxy() {
    const before = await school.pair.checksum('prod');
    const session = await openThroughProxy();
    return { before, session, plan: await session.plan({ students: [] }) };
  }

  it('notices a prod that goes silent mid-statement (the watcher cannot reach it either): exit 3, nothing committed', async () => {
    const { before, session, plan } = await planThroughProxy();
    await withClient(school.pair.urls.prod, async (holder) => {
      await holdRow(holder);
      const waits: LockWait[] = [];
      session.subscribe((e) => e.type === 'lock-wait' && waits.push(e.wait));
      const applying = session.apply(plan).catch((e: unknown) => e);
      await waitingOnLock();
      await waitFor(() => waits.length > 0, 'the lock wait to be reported');
      const [holderPid] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows.map((r) => r.pid);
      expect(waits.at(-1)).toMatchObject({ target: { kind: 'row' }, holders: [{ pid: holderPid }] });

      proxy!.silenceAll();
      const started = Date.now();
      const error = await applying;
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe('unresponsive');
      expect((error as ConnectError).exitCode).toBe(3);
      expect(Date.now() - started).toBeLessThan(QUICK.pollMs + QUICK.answerWithinMs + 3000);
      await holder.query('ROLLBACK');
      await proxy!.close(); // the network comes back as closed sockets: the server ends the backend
      proxy = undefined;
      await noBackendsLeft();
    });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('notices a statement that never reached prod (the watcher gets through and sees the backend idle)', async () => {
    const { before, session, plan } = await planThroughProxy();
    proxy!.silenceOpen(); // apply's own connection is cut off; the watcher's new one passes
    const started = Date.now();
    const error = await session.apply(plan).catch((e: unknown) => e);
    expect((error as ConnectError).code).toBe('unresponsive');
    expect((error as ConnectError).detail).toContain('no statement from us');
    expect(Date.now() - started).toBeLessThan(QUICK.startAfterMs + QUICK.staleAfterMs + 3000);
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('reports a reset connection as lost (exit 3), and prod keeps nothing of the apply', async () => {
    const { before, session, plan } = await planThroughProxy();
    await withClient(school.pair.urls.prod, async (holder) => {
      await holdRow(holder);
      const applying = session.apply(plan).catch((e: unknown) => e);
      await waitingOnLock();
      proxy!.reset();
      const error = await applying;
      expect((error as ConnectError).code).toBe('lost');
      await holder.query('ROLLBACK');
      await noBackendsLeft();
    });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('leaves a long wait on a healthy server alone, through a slow network, and completes after the lock is released', async () => {
    const session = await openThroughProxy();
    proxy!.delay(50);
    const plan = await session.plan({ students: [] });
    await withClient(school.pair.urls.prod, async (holder) => {
      await holder.query(`SET application_name = 'the-lock-holder'`);
      await holder.query(`BEGIN; LOCK TABLE "Lessons" IN SHARE MODE`);
      const waits: LockWait[] = [];
      session.subscribe((e) => e.type === 'lock-wait' && waits.push(e.wait));
      const applying = session.apply(plan);
      // several times the watchdog's stale bound: waiting on a lock is not silence
      await new Promise((resolve) => setTimeout(resolve, 3 * QUICK.staleAfterMs));
      expect(waits.at(-1)).toMatchObject({ target: { kind: 'table', name: '"Lessons"' }, holders: [{ application: 'the-lock-holder' }] });
      expect(waits.at(-1)!.waitedMs).toBeGreaterThan(2 * QUICK.staleAfterMs);
      await holder.query('COMMIT');
      const outcome = await applying;
      expect(outcome.summary).toMatchObject({ created: 2, updated: 2 });
    });
  });

  it('gives up on a held table lock at --lock-timeout: says what and who, exit 3, nothing written', async () => {
    const before = await school.pair.checksum('prod');
    await withClient(school.pair.urls.prod, async (holder) => {
      await holder.query(`SET application_name = 'the-lock-holder'`);
      await holder.query(`BEGIN; LOCK TABLE "Lessons" IN SHARE MODE`);
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const run = startCli(['--plain', '--yes', '--lock-timeout', '3', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
      expect(await run.exited).toBe(3);
      expect(run.output.stdout).toMatch(new RegExp(`⏳ Waiting \\d+ s for table "Lessons" in prod, held by pid ${holderPid} \\(\\S+, the-lock-holder`));
      expect(run.output.stderr).toContain(`Gave up after 3 s waiting for table "Lessons" in prod, held by pid ${holderPid}`);
      expect(run.output.stderr).toContain('nothing was written to prod');
      await holder.query('ROLLBACK');
    });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it.each([
    ['read-only', (db: string) => `ALTER DATABASE ${db} SET default_transaction_read_only = on`, 'Prod is read-only', `ALTER DATABASE %db RESET default_transaction_read_only`],
    ['privilege', () => `REVOKE INSERT ON "LessonTasks" FROM CURRENT_USER`, 'The prod user may not write there', `GRANT INSERT ON "LessonTasks" TO CURRENT_USER`],
  ])('ends a run prod refuses as a whole (%s) once: one line, exit 3, nothing written', async (_, refuse, says, undo) => {
    await school.pair.query('prod', refuse(prodName()));
    const before = await school.pair.checksum('prod');
    try {
      const run = startCli(['--plain', '--yes', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
      expect(await run.exited).toBe(3);
      expect(run.output.stderr.split('\n').filter((l) => l.startsWith('❌'))).toEqual([expect.stringContaining(says)]);
      expect(run.output.stdout + run.output.stderr).not.toContain('Write failed');
    } finally {
      await school.pair.query('prod', undo.replace('%db', prodName()));
    }
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('rolls back on %s during apply, says so, writes the report, and exits %i', async (signal, code) => {
    const before = await school.pair.checksum('prod');
    const report = tempPath('report.json');
    await withClient(school.pair.urls.prod, async (holder) => {
      await holdRow(holder);
      const run = startCli(['--plain', '--yes', '--report', report, '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
      await waitingOnLock();
      run.child.kill(signal);
      expect(await run.exited).toBe(code);
      expect(run.output.stderr).toContain(`Stopped by ${signal}: the transaction was rolled back, prod is as it was before.`);
      await holder.query('ROLLBACK');
    });
    expect(await school.pair.checksum('prod')).toBe(before);
    const written = JSON.parse(readFileSync(report, 'utf8'));
    expect(written).toMatchObject({ mode: 'apply', interrupted: signal, committed: false });
    expect(written.lessons).toHaveLength(12);
  });

  it('stops cleanly when its reader closes stdout during apply: rolled back, no trace', async () => {
    const before = await school.pair.checksum('prod');
    await withClient(school.pair.urls.prod, async (holder) => {
      await holdRow(holder);
      const run = startCli(['--plain', '--yes', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
      await waitingOnLock();
      run.child.stdout.destroy(); // the next line it prints (the lock wait) meets a closed pipe
      expect(await run.exited).toBe(141);
      // stderr may still reach the operator: one line, no stack trace
      expect(run.output.stderr).toBe('❌ Stopped by SIGPIPE: the transaction was rolled back, prod is as it was before.\n');
      await holder.query('ROLLBACK');
    });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('reports the sandbox lost in the middle of its COPY read as lost, and the session closes', async () => {
    const { sandboxSql, prodSql } = await import('../../bench/generate.js');
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 5000 }), prod: prodSql({ lessons: 5000 }) });
    const sandbox = new URL(school.pair.urls.sandbox);
    proxy = await startFaultProxy(sandbox.hostname, Number(sandbox.port || 5432));
    const session = await Session.open(parseTargets(proxy.url(school.pair.urls.sandbox), school.pair.urls.prod));
    sessions.push(session);
    // the network fails once the first rows of the read have come: the rest never will
    const copyRows = session.sandboxDb.copyRows.bind(session.sandboxDb);
    let rows = 0;
    session.sandboxDb.copyRows = (sql, onRow) =>
      copyRows(sql, (row) => {
        if (rows++ === 0) proxy!.reset();
        onRow(row);
      });
    const error = await session.plan({ students: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe('lost');
    expect((error as ConnectError).side).toBe('sandbox');
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(5000);
  });

  it('closes a watching connection that connects only after the run it watched ended', async () => {
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    sessions.push(session);
    let asked = false;
    let release!: () => void;
    const slowNetwork = new Promise<void>((resolve) => (release = resolve));
    let late: Db | undefined;
    const watchdog = new Watchdog(
      session.prodDb,
      async () => {
        asked = true;
        await slowNetwork;
        return (late = await connectDb(parseDbUrl(school.pair.urls.prod, 'prod'), 'prod'));
      },
      () => {},
      QUICK,
    );
    const statement = session.prodDb.query('SELECT pg_sleep(0.8)');
    await waitFor(() => asked, 'the watchdog to open its connection');
    await statement;
    watchdog.stop(); // the run is over; its watcher connects just after
    release();
    await waitFor(() => late !== undefined, 'the late watcher to connect');
    // left open, it would keep the CLI's process alive after apply
    await waitFor(async () => (await appBackends()).every((b) => b.pid === session.prodDb.pid), 'the late watcher to be closed');
  });

  it('keeps the default bounds within SPEC §3: a dead prod is noticed within 60 s', () => {
    const { startAfterMs, pollMs, answerWithinMs, staleAfterMs } = DEFAULT_WATCHDOG;
    expect(startAfterMs + pollMs + Math.max(answerWithinMs, staleAfterMs + pollMs)).toBeLessThanOrEqual(60_000);
  });
});
