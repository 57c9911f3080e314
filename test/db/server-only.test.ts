/**
 * What only a real server can show: several connections at once, a lock, and a
 * connection killed in the middle of apply. CI sets TEST_DATABASE_URL, so these run there.
 */
import { describe, expect, it } from 'vitest';
import { connectDb } from '../../source/db/client.js';
import { isSameDatabase } from '../../source/db/identity.js';
import { parseDbUrl } from '../../source/common/db-url.js';
import { ConnectError } from '../../source/common/errors.js';
import { parseTargets, Session } from '../../source/sync/session.js';
import { demoSchoolPerTest, onServer, withClient } from '../helpers/databases.js';
import { runSync, startCli } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

describe.runIf(onServer)('on a real PostgreSQL server', () => {
  const school = demoSchoolPerTest();

  const open = () => Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
  const lessonKeys = () =>
    school.pair.query<{ n: number; copies: number }>(
      'prod',
      `SELECT count(*)::int AS n, max(c)::int AS copies FROM (
         SELECT count(*) AS c FROM "Lessons" GROUP BY student_id, lesson_date, duration) k`,
    );

  it('asks the servers whether two connections reach one database', async () => {
    const a = await connectDb(parseDbUrl(school.pair.urls.prod, 'sandbox'), 'sandbox');
    const b = await connectDb(parseDbUrl(school.pair.urls.prod, 'prod'), 'prod');
    const c = await connectDb(parseDbUrl(school.pair.urls.sandbox, 'prod'), 'prod');
    try {
      expect(await isSameDatabase(a, b)).toBe(true);
      expect(await isSameDatabase(a, c)).toBe(false);
      expect(await isSameDatabase(c, a)).toBe(false);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('keeps the sandbox session read-only', async () => {
    const session = await open();
    try {
      await expect(session.sandboxDb.query(`UPDATE "Lessons" SET topic = 'x'`)).rejects.toThrow(/read-only/);
    } finally {
      await session.close();
    }
  });

  it('never creates a lesson twice when two runs apply at once', async () => {
    const [first, second] = await Promise.all([open(), open()]);
    try {
      const [planA, planB] = await Promise.all([first.plan({ students: [] }), second.plan({ students: [] })]);
      expect(planA.summary.created).toBe(2);
      expect(planB.summary.created).toBe(2);
      const waited: string[] = [];
      first.subscribe((e) => e.type === 'lock-wait' && waited.push('a'));
      second.subscribe((e) => e.type === 'lock-wait' && waited.push('b'));
      const [a, b] = await Promise.all([first.apply(planA), second.apply(planB)]);
      expect(waited.length).toBeGreaterThanOrEqual(1); // the second run waited for the first
      expect(a.summary.created + b.summary.created).toBe(2);
      expect(a.summary.changedSincePreview + b.summary.changedSincePreview).toBe(4);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
    const [keys] = await lessonKeys();
    expect(keys!.copies).toBe(2); // only the two lessons prod already had twice (503, 504)
    const tasks = await school.pair.query<{ n: number }>(
      'prod',
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM "LessonTasks" GROUP BY lesson_id, task_id, assignment_type HAVING count(*) > 1) d`,
    );
    expect(tasks[0]!.n).toBe(0);
  });

  it('waits for another run that holds the lock, then goes on', async () => {
    await withClient(school.pair.urls.prod, async (holder) => {
      await holder.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('lesson-sync')::int8)`);
      const session = await open();
      try {
        const plan = await session.plan({ students: [] });
        let waiting!: () => void;
        const waited = new Promise<void>((resolve) => (waiting = resolve));
        session.subscribe((e) => e.type === 'lock-wait' && waiting());
        const applying = session.apply(plan);
        await waited;
        await holder.query('COMMIT');
        const outcome = await applying;
        expect(outcome.summary.created).toBe(2);
      } finally {
        await session.close();
      }
    });
  });

  it('leaves prod as it was when the connection dies mid-apply, and a re-run completes', async () => {
    const before = await school.pair.checksum('prod');
    const prodName = new URL(school.pair.urls.prod).pathname.slice(1);
    const session = await open();
    try {
      const plan = await session.plan({ students: [] });
      await withClient(school.pair.urls.prod, async (holder) => {
        // A row lock makes apply stop at its UPDATE, after its INSERTs went in: then its backend is killed.
        await holder.query(`BEGIN; UPDATE "Lessons" SET status = status WHERE lesson_id = 506`);
        const applying = session.apply(plan).catch((e: unknown) => e);
        let killed = false;
        for (let i = 0; i < 200 && !killed; i++) {
          const { rows } = await holder.query(
            `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
              WHERE application_name = 'lesson-sync' AND datname = $1 AND wait_event_type = 'Lock'`,
            [prodName],
          );
          killed = rows.length > 0;
          if (!killed) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(killed).toBe(true);
        const error = await applying;
        expect(error).toBeInstanceOf(ConnectError);
        expect((error as ConnectError).code).toBe('lost');
        await holder.query('ROLLBACK');
      });
    } finally {
      await session.close();
    }
    expect(await school.pair.checksum('prod')).toBe(before);

    const rerun = await runSync(school.pair);
    expect(rerun.report.summary).toMatchObject({ created: 2, updated: 2, errors: 3, tasksCopied: 9 });
  });

  it('rolls back and exits 130 when the operator presses Ctrl+C during apply', async () => {
    const before = await school.pair.checksum('prod');
    await withClient(school.pair.urls.prod, async (holder) => {
      await holder.query(`BEGIN; UPDATE "Lessons" SET status = status WHERE lesson_id = 506`);
      const run = startCli(['--plain', '--yes', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
      await waitFor(
        async () =>
          (await school.pair.query('prod', `SELECT 1 FROM pg_stat_activity WHERE application_name = 'lesson-sync' AND datname = current_database() AND wait_event_type = 'Lock'`)).length > 0,
        'apply to wait on the row lock',
      );
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(run.output.stderr).toContain('rolled back, prod is as it was before');
      await holder.query('ROLLBACK');
    });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('reads sslmode as libpq does: require encrypts without verifying, verify-full verifies', async () => {
    const ssl = (await school.pair.query<{ ssl: string }>('prod', 'SHOW ssl'))[0]!.ssl;
    const withMode = (mode: string) => {
      const u = new URL(school.pair.urls.prod);
      u.searchParams.set('sslmode', mode);
      return parseDbUrl(u.toString(), 'prod');
    };
    if (ssl === 'on') {
      const db = await connectDb(withMode('require'), 'prod');
      try {
        const { rows } = await db.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
        expect(rows[0]!.ssl).toBe(true);
      } finally {
        await db.close();
      }
      const error = await connectDb(withMode('verify-full'), 'prod').catch((e: unknown) => e);
      expect((error as ConnectError).code).toBe('certificate'); // the server's certificate is self-signed
    } else {
      const error = await connectDb(withMode('require'), 'prod').catch((e: unknown) => e);
      expect((error as ConnectError).code).toBe('ssl-unsupported');
    }
    const plain = await connectDb(withMode('disable'), 'prod');
    const { rows } = await plain.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(rows[0]!.ssl).toBe(false);
    await plain.close();
  });

  it('copies what the plan saw, even when the sandbox changes before apply', async () => {
    const session = await open();
    try {
      const plan = await session.plan({ students: [] });
      await school.pair.query('sandbox', `UPDATE "Lessons" SET lesson_type = 'edited later', topic = 'edited later' WHERE lesson_id = 1`);
      await school.pair.query('sandbox', `DELETE FROM "LessonTasks" WHERE lesson_id = 1 AND task_id = 1`);
      const outcome = await session.apply(plan);
      const created = [...outcome.entries].find((e) => e.sandboxLessonId === 1)!;
      expect(created.tasksCopied).toBe(5);
      const rows = await school.pair.query('prod', `SELECT lesson_type, topic FROM "Lessons" WHERE lesson_id = $1`, [created.prodLessonId]);
      expect(rows).toEqual([{ lesson_type: 'regular', topic: 'Квадратные уравнения' }]);
    } finally {
      await session.close();
    }
  });
});
