/** SPEC §12: every apply leaves an undo file, and `lesson-sync undo FILE` takes the sync back, row for row. */
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoSchoolPerTest, onServer, withClient } from './helpers/databases.js';
import { runCli, runSync, startCli, tempPath, testConfig } from './helpers/run.js';
import { waitFor } from './helpers/wait.js';
import { runUndoPlain } from '../source/plain/undo.js';
import { parseTargets, Session } from '../source/sync/session.js';
import { readUndoFile } from '../source/storage/undo-file.js';
import { parseDbUrl } from '../source/common/db-url.js';
import { UndoSession } from '../source/undo/session.js';
import { connectDb } from '../source/db/client.js';
import { readLessonStates } from '../source/db/fingerprint.js';
import { checkUndoSchema, introspect } from '../source/db/schema.js';
import { FramedWriter } from '../source/storage/framed-file.js';
import type { Config } from '../source/core/config.js';

const school = demoSchoolPerTest();

/** The undo command in-process, as the CLI's plain mode runs it, with a report. */
async function undo(path: string, over: Partial<Config> = {}) {
  const reportPath = tempPath('undo-report.json');
  const out: string[] = [];
  const err: string[] = [];
  const code = await runUndoPlain(testConfig(school.pair, { reportPath, ...over }), path, { out: (l) => out.push(l), err: (l) => err.push(l) });
  const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : null;
  return { code, out: out.join('\n'), err: err.join('\n'), report };
}

/** A sync of the whole demo school; returns its undo file. */
async function sync(): Promise<string> {
  const undoPath = tempPath('undo.json');
  const run = await runSync(school.pair, { undoPath });
  expect(run.report.summary).toMatchObject({ created: 2, updated: 2 });
  expect(run.out).toContain(`↩️ Undo file: ${undoPath}`);
  expect(run.report.undoFile).toBe(undoPath);
  return undoPath;
}

const reasons = (report: any) => Object.fromEntries(report.lessons.map((l: any) => [l.sandboxLessonId, l.reason ?? l.action]));

describe('the undo file', () => {
  it('records what the apply created and overwrote, and is marked committed', async () => {
    const path = await sync();
    const file = await readUndoFile(path);
    expect(file).toMatchObject({ committed: true, whole: true });
    const [prodDb] = await school.pair.query('prod', `SELECT current_database() AS name`);
    expect(file.header.prod.database).toBe(prodDb!.name);
    expect(file.header.columns).toEqual(['topic', 'notes', 'homework', 'homework_result_percent', 'homework_result_notes', 'homework_status', 'updated_at']);
    const byId = new Map(file.lessons.map((l) => [l.sandboxLessonId, l]));
    expect(byId.get(1)).toMatchObject({ kind: 'created', before: null });
    expect(byId.get(1)!.tasks).toHaveLength(5);
    // lesson 502 had whitespace in homework and 'not_assigned': the undo puts exactly that back
    expect(byId.get(3)).toMatchObject({ kind: 'updated', prodLessonId: 502, before: [null, null, '  ', null, null, 'not_assigned', null] });
    expect(byId.get(3)!.written!.slice(0, 3)).toEqual(['Тригонометрия', 'Формулы приведения', 'Вариант 7']);
    expect(byId.get(3)!.tasks).toHaveLength(2); // 7 and 8; 999 is not in prod
    expect(readFileSync(path, 'utf8')).not.toMatch(/secret/);
  });

  it('cannot be written: the apply rolls back, nothing reaches prod (exit 2)', async () => {
    const before = await school.pair.checksum('prod');
    const run = await runSync(school.pair, { undoPath: '/nonexistent-dir/undo.json' });
    expect(run.code).toBe(2);
    expect(run.err).toContain('Cannot write the undo file /nonexistent-dir/undo.json: ENOENT. Nothing was written to prod.');
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('is never written over, even when it appears between the checks and the apply', async () => {
    const path = tempPath('appeared.json');
    writeFileSync(path, 'another run’s undo file');
    const before = await school.pair.checksum('prod');
    const run = await runSync(school.pair, { undoPath: path });
    expect(run.code).toBe(2);
    expect(run.err).toContain('already exists');
    expect(readFileSync(path, 'utf8')).toBe('another run’s undo file');
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('is never written over: an existing file is refused before any connection', async () => {
    const path = tempPath('taken.json');
    writeFileSync(path, 'an earlier sync’s way back');
    const run = await runCli(['--plain', '--yes', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod, '--undo-file', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('already exists');
    expect(run.stdout).not.toContain('Connecting');
    expect(readFileSync(path, 'utf8')).toBe('an earlier sync’s way back');
  });
});

describe('lesson-sync undo', () => {
  it('takes a sync back row for row; a second undo does nothing', async () => {
    const before = await school.pair.checksum('prod');
    const path = await sync();
    expect(await school.pair.checksum('prod')).not.toBe(before);

    const dry = await undo(path, { dryRun: true, yes: false });
    expect(dry.code).toBe(0);
    expect(dry.report.summary).toMatchObject({ removed: 2, restored: 2, tasksRemoved: 9 });
    expect(dry.out).toContain('↩️  Restore as before the sync: topic, notes, homework, homework_status, updated_at');

    const first = await undo(path);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.report.summary).toMatchObject({ lessons: 4, removed: 2, restored: 2, tasksRemoved: 9, kept: 0 });
    expect(await school.pair.checksum('prod')).toBe(before);

    const second = await undo(path);
    expect(second.err).toBe("");
    expect(second.code).toBe(0);
    expect(second.report.summary).toMatchObject({ removed: 0, restored: 0, alreadyUndone: 4 });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('keeps, and says so, a lesson a teacher edited since and a created lesson that gained a task', async () => {
    const path = await sync();
    const file = await readUndoFile(path);
    const created = file.lessons.find((l) => l.sandboxLessonId === 8)!.prodLessonId;
    await school.pair.query('prod', `UPDATE "Lessons" SET notes = 'a teacher added this' WHERE lesson_id = 506`); // sandbox 11's
    await school.pair.query('prod', `INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type) VALUES ($1, 3, 'homework')`, [created]);
    const run = await undo(path);
    expect(run.code).toBe(1);
    expect(reasons(run.report)).toEqual({ 1: 'remove', 3: 'restore', 8: 'other-tasks', 11: 'changed-since' });
    expect(run.out).toContain('⏭️ Has LessonTasks the sync did not write: kept as it is');
    expect(run.out).toContain('⏭️ Changed since the sync: kept as it is');
    const kept = await school.pair.query('prod', `SELECT lesson_id, notes FROM "Lessons" WHERE lesson_id IN ($1, 506) ORDER BY lesson_id`, [created]);
    expect(kept.map((r) => r.notes)).toEqual(['a teacher added this', 'Задачи на сплавы']);
    const restored = await school.pair.query('prod', `SELECT topic, homework, homework_status FROM "Lessons" WHERE lesson_id = 502`);
    expect(restored).toEqual([{ topic: null, homework: '  ', homework_status: 'not_assigned' }]);
  });

  it('keeps a lesson whose row was written since, even with the same values, and one whose added LessonTask was', async () => {
    const path = await sync();
    const file = await readUndoFile(path);
    expect(file.header.version).toBe(2);
    const created = file.lessons.find((l) => l.sandboxLessonId === 8)!.prodLessonId;
    const addedTo502 = file.lessons.find((l) => l.prodLessonId === 502)!.tasks[0]!;
    // the same values written again: still a write since the sync, which its row versions tell
    await school.pair.query('prod', `UPDATE "Lessons" SET notes = notes WHERE lesson_id = $1`, [created]);
    await school.pair.query('prod', `UPDATE "LessonTasks" SET notes = notes WHERE lesson_task_id = $1`, [addedTo502]);
    const run = await undo(path);
    expect(run.code).toBe(1);
    expect(reasons(run.report)).toEqual({ 1: 'remove', 3: 'changed-since', 8: 'changed-since', 11: 'restore' });
    expect(await school.pair.query('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE lesson_id = $1`, [created])).toEqual([{ n: 1 }]);
    expect(await school.pair.query('prod', `SELECT count(*)::int AS n FROM "LessonTasks" WHERE lesson_task_id = $1`, [addedTo502])).toEqual([{ n: 1 }]);
  });

  it('still undoes a sync from an undo file of version 1 (lessons told by their contents)', async () => {
    const before = await school.pair.checksum('prod');
    const path = await sync();
    const file = await readUndoFile(path);
    // the same file as the version before wrote it: each lesson's fingerprint of its contents as the sync left them
    const db = await connectDb(parseDbUrl(school.pair.urls.prod, 'prod'), 'prod');
    const tables = checkUndoSchema(await introspect(db), file.header.columns);
    const now = await readLessonStates(db, tables, file.lessons.map((l) => l.prodLessonId));
    await db.close();
    const old = tempPath('undo-v1.json');
    const fd = openSync(old, 'wx');
    const writer = new FramedWriter(fd);
    writer.head({ ...file.header, version: 1 });
    for (const { versions: _, ...lesson } of file.lessons) writer.item({ ...lesson, fingerprint: now.get(lesson.prodLessonId)!.fingerprint });
    writer.end({ committed: true });
    closeSync(fd);

    const run = await undo(old);
    expect(run.code).toBe(0);
    expect(run.report.summary).toMatchObject({ removed: 2, restored: 2, kept: 0 });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('refuses another database than the file\'s, reading and writing nothing (exit 2)', async () => {
    const path = await sync();
    const sandboxBefore = await school.pair.checksum('sandbox');
    const run = await undo(path, { prodUrl: school.pair.urls.sandbox });
    expect(run.code).toBe(2);
    expect(run.err).toContain('The undo file is of another prod database');
    expect(await school.pair.checksum('sandbox')).toBe(sandboxBefore);
  });

  it('refuses a file cut short or edited, before any connection (exit 2)', async () => {
    const path = await sync();
    const text = readFileSync(path, 'utf8');
    const edited = tempPath('edited.json');
    writeFileSync(edited, text.replace('"kind":"created"', '"kind":"updated"'));
    const run = await runCli(['undo', edited, '--plain', '--yes', '--prod-url', 'postgresql://u@127.0.0.1:1/x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not an undo file lesson-sync can use');
    const misuse = await runCli(['undo', path, '--plain', '--yes', '--student', 'x', '--prod-url', school.pair.urls.prod]);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('--student does not go with undo');
    const unknown = await runCli(['redo', path]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "redo"');
  });

  it('warns before removing many lessons when "LessonTasks".lesson_id has no index', async () => {
    const { sandboxSql, prodSql } = await import('../bench/generate.js');
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 5000 }), prod: prodSql({ lessons: 5000 }) });
    const path = tempPath('undo.json');
    const run = await runSync(school.pair, { undoPath: path });
    expect(run.report.summary.created).toBe(2000);
    const warning = '"public"."LessonTasks".lesson_id has no index';
    expect((await undo(path, { dryRun: true, yes: false })).out).toContain(warning);
    await school.pair.query('prod', `CREATE INDEX ON "LessonTasks" (lesson_id)`);
    expect((await undo(path, { dryRun: true, yes: false })).out).not.toContain(warning);
  });

  it('sends the same queries for 10 and for 1,000 lessons, and round-trips prod', async () => {
    const { sandboxSql, prodSql } = await import('../bench/generate.js');
    const counts: Record<number, number> = {};
    for (const lessons of [10, 1000]) {
      await school.pair.reset({ sandbox: sandboxSql({ lessons }), prod: prodSql({ lessons }) });
      const before = await school.pair.checksum('prod');
      const path = tempPath('undo.json');
      const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
      try {
        const outcome = await session.apply(await session.plan({ students: [] }), { undo: { path, renamable: false } });
        expect(outcome.undoPath).toBe(path);
      } finally {
        await session.close();
      }
      const undoing = await UndoSession.open(parseDbUrl(school.pair.urls.prod, 'prod'), await readUndoFile(path));
      try {
        const opened = undoing.queries();
        const done = await undoing.apply(await undoing.plan());
        expect(done.filter((e) => e.action === 'keep')).toHaveLength(0);
        counts[lessons] = undoing.queries() - opened;
      } finally {
        await undoing.close();
      }
      expect(await school.pair.checksum('prod')).toBe(before);
    }
    expect(counts[1000]).toBe(counts[10]);
    // plan: one read; apply: BEGIN with the lock, the locked re-read, two DELETEs, one UPDATE,
    // COMMIT; each read between SET and RESET of nested loops
    expect(counts[10]).toBe(11);
  });
});

describe.runIf(onServer)('an undo that meets a lock', () => {
  it('says who holds it, and gives up after --lock-timeout with nothing written (exit 3)', async () => {
    const path = await sync();
    const after = await school.pair.checksum('prod');
    await withClient(school.pair.urls.prod, async (holder) => {
      await holder.query(`SET application_name = 'teacher-console'; BEGIN; UPDATE "Lessons" SET status = status WHERE lesson_id = 502`);
      const run = await undo(path, { lockTimeout: 3 });
      await holder.query('ROLLBACK');
      expect(run.code).toBe(3);
      expect(run.out).toContain('⏳');
      expect(run.err).toContain('teacher-console');
    });
    expect(await school.pair.checksum('prod')).toBe(after);
  });
});

describe.runIf(onServer)('an undo whose plan meets a migration\'s table lock', () => {
  it('tells the wait once a holder (throttled, not a line a second), then gives up at --lock-timeout: exit 3, nothing written', async () => {
    const path = await sync();
    const after = await school.pair.checksum('prod');
    await withClient(school.pair.urls.prod, async (holder) => {
      await holder.query(`SET application_name = 'migration'; BEGIN; LOCK TABLE "Lessons" IN ACCESS EXCLUSIVE MODE`);
      const run = await undo(path, { lockTimeout: 4 });
      await holder.query('ROLLBACK');
      expect(run.code).toBe(3);
      expect(run.out.match(/⏳ Waiting \d+ s for table "Lessons" in prod, held by pid \d+ \(\S+, migration/g)).toHaveLength(1);
      expect(run.err).toContain('❌ Gave up after 4 s waiting for table "Lessons" in prod');
    });
    expect(await school.pair.checksum('prod')).toBe(after);
  });
});

describe.runIf(onServer)('an apply killed before COMMIT', () => {
  it('leaves an undo file that undoes nothing', async () => {
    const before = await school.pair.checksum('prod');
    const path = tempPath('undo.json');
    await withClient(school.pair.urls.prod, async (holder) => {
      // lesson 506's row held: the apply has begun its undo file and waits there
      await holder.query(`BEGIN; UPDATE "Lessons" SET status = status WHERE lesson_id = 506`);
      const cli = startCli(['--plain', '--yes', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod, '--undo-file', path]);
      await waitFor(async () => (await school.pair.query('prod', `SELECT 1 FROM pg_stat_activity WHERE application_name = 'lesson-sync' AND datname = current_database() AND wait_event_type = 'Lock'`)).length > 0, 'the apply to wait on the row');
      expect(existsSync(path)).toBe(true);
      cli.child.kill('SIGKILL');
      await cli.exited;
      await holder.query('COMMIT');
    });
    await waitFor(async () => (await school.pair.query('prod', `SELECT 1 FROM pg_stat_activity WHERE application_name = 'lesson-sync' AND datname = current_database()`)).length === 0, 'the killed backend to end');
    expect(await school.pair.checksum('prod')).toBe(before);
    const run = await undo(path);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('never committed');
    expect(run.report).toMatchObject({ syncCommitted: false, summary: { lessons: 0 } });
    expect(await school.pair.checksum('prod')).toBe(before);
  });
});
