/**
 * SPEC §12: where undo files go, that no two runs (or two outputs of one run) share one,
 * that they are found again (`undo --list`, `undo last`, the wizard's pick), that an undo
 * marks its file, and the index a slow undo lacks, made only on the operator's yes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDbUrl } from '../source/common/db-url.js';
import { runUndoPlain } from '../source/plain/undo.js';
import { readUndoFile } from '../source/storage/undo-file.js';
import { UndoApp } from '../source/wizard/undo/UndoApp.js';
import { prodSql, sandboxSql } from '../bench/generate.js';
import { createPair, demoSchoolPerTest, onServer, withClient } from './helpers/databases.js';
import { keys, press, settle, waitFor, waitForText } from './helpers/ink.js';
import { runCli, runSync, startCli, testConfig } from './helpers/run.js';

const school = demoSchoolPerTest();
const fresh = (name: string) => mkdtempSync(join(tmpdir(), `lsync-${name}-`));
const urls = () => ['--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod];
const undoFilesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('lesson-sync-undo-')) : []);
const mounted: { unmount(): void }[] = [];
afterEach(() => mounted.splice(0).forEach((app) => app.unmount()));

/** A sync in-process whose undo file goes to `stateDir` under its default name; returns its path. */
async function syncInto(stateDir: string, over: Parameters<typeof runSync>[1] = {}): Promise<string> {
  const run = await runSync(school.pair, { undoPath: undefined, stateDir, ...over });
  expect(run.err).toBe('');
  return run.report.undoFile as string;
}

describe('where undo files go', () => {
  // ten processes at once: the embedded server takes one connection at a time
  it.runIf(onServer)('ten applies started together, in one directory and one state directory, each leave an undo file of its own', async () => {
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 20 }), prod: prodSql({ lessons: 20 }) });
    const cwd = fresh('cwd');
    const state = join(fresh('state'), 'xdg');
    // the ten lessons the pair would write, one a run: each run has something to undo
    const runs = await Promise.all(
      [1, 2, 3, 4, 5, 6, 10, 11, 12, 13].map((id) => runCli(['--plain', '--yes', '--lesson', String(id), ...urls()], { XDG_STATE_HOME: state }, cwd)),
    );
    expect(runs.map((r) => r.stderr)).toEqual(Array(10).fill(''));
    expect(runs.map((r) => r.code)).toEqual(Array(10).fill(0));
    const dir = join(state, 'lesson-sync');
    const files = undoFilesIn(dir);
    expect(new Set(files).size).toBe(10);
    expect(readdirSync(cwd)).toEqual([]); // nothing left where the command ran
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const file of files) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    for (const run of runs) expect(run.stdout).toMatch(new RegExp(`↩️ Undo file: ${dir}/lesson-sync-undo-`));
  });

  it('stops before connecting when the state directory cannot be written: exit 2, the path and why, prod unchanged', async () => {
    const before = await school.pair.checksum('prod');
    const blocked = join(fresh('blocked'), 'a-file');
    writeFileSync(blocked, 'not a directory');
    const run = await runCli(['--plain', '--yes', ...urls()], { XDG_STATE_HOME: blocked });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Cannot write the undo file ${blocked}/lesson-sync: ENOTDIR`);
    expect(run.stdout).not.toContain('Connecting');
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('refuses two outputs of one run on one file, also through a link or "..": exit 2 before connecting, nothing written', async () => {
    const before = await school.pair.checksum('prod');
    const dir = fresh('outputs');
    mkdirSync(join(dir, 'sub'));
    const file = join(dir, 'out.json');
    symlinkSync(file, join(dir, 'link.json'));
    for (const [args, first, second] of [
      [['--yes', '--report', file, '--undo-file', file], '--report', '--undo-file'],
      [['--dry-run', '--report', file, '--save-plan', file], '--report', '--save-plan'],
      [['--yes', '--report', join(dir, 'link.json'), '--undo-file', file], '--report', '--undo-file'],
      [['--dry-run', '--report', join(dir, 'sub', '..', 'out.json'), '--save-plan', file], '--report', '--save-plan'],
    ] as const) {
      const run = await runCli(['--plain', ...args, ...urls()]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${first} and ${second} name the same file`);
      expect(run.stdout).not.toContain('Connecting');
      expect(existsSync(file)).toBe(false);
    }
    expect(await school.pair.checksum('prod')).toBe(before);
  });
});

describe('finding them again', () => {
  it('lists each sync newest first: committed, undone; an undo marks its file', async () => {
    const state = fresh('list');
    const dir = join(state, 'lesson-sync');
    const first = await syncInto(dir);
    const out: string[] = [];
    expect(await runUndoPlain(testConfig(school.pair, { stateDir: dir }), first, { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    const second = await syncInto(dir);
    expect(await readUndoFile(first)).toMatchObject({ committed: true, whole: true }); // marked, and still whole
    const list = await runCli(['undo', '--list'], { XDG_STATE_HOME: state });
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines[0]).toBe(`↩️ Syncs with an undo file in ${dir}, newest first:`);
    const prodName = (await readUndoFile(second)).header.prod.database;
    expect(lines[1]).toMatch(new RegExp(` ${prodName}  ➕ 2 🔄 2  committed$`));
    expect(lines[2]).toBe(`     ${second}`);
    expect(lines[3]).toMatch(/➕ 2 🔄 2 {2}committed · undone$/);
    expect(lines[4]).toBe(`     ${first}`);
  });

  it.runIf(onServer)('shows a sync killed before its COMMIT as not committed', async () => {
    const state = fresh('killed');
    const dir = join(state, 'lesson-sync');
    await withClient(school.pair.urls.prod, async (holder) => {
      await holder.query(`BEGIN; UPDATE "Lessons" SET status = status WHERE lesson_id = 506`);
      const cli = startCli(['--plain', '--yes', ...urls()], { XDG_STATE_HOME: state });
      await waitFor(() => undoFilesIn(dir).length > 0, 'the undo file to be begun');
      await waitFor(
        async () => (await school.pair.query('prod', `SELECT 1 FROM pg_stat_activity WHERE application_name = 'lesson-sync' AND datname = current_database() AND wait_event_type = 'Lock'`)).length > 0,
        'the apply to wait on the row',
      );
      cli.child.kill('SIGKILL');
      await cli.exited;
      await holder.query('ROLLBACK');
    });
    const list = await runCli(['undo', '--list'], { XDG_STATE_HOME: state });
    expect(list.stdout.split('\n')[1]).toMatch(/not committed: nothing to undo$/);
  });

  it.runIf(onServer)("undo last takes the newest committed sync of that prod, not another database's", async () => {
    const other = await createPair();
    try {
      await other.reset({ sandbox: (await import('../source/demo/school.js')).sandboxSchool, prod: (await import('../source/demo/school.js')).prodSchool });
      const state = fresh('last');
      const dir = join(state, 'lesson-sync');
      const mine = await syncInto(dir);
      // newer, but another prod's
      const theirs = await runSync(other, { undoPath: undefined, stateDir: dir });
      expect(theirs.report.undoFile).toBeTruthy();
      const otherBefore = await other.checksum('prod');
      const run = await runCli(['undo', 'last', '--plain', '--yes', '--prod-url', school.pair.urls.prod], { XDG_STATE_HOME: state });
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`📄 Undo file ${mine}`);
      expect(run.code).toBe(0);
      expect(await other.checksum('prod')).toBe(otherBefore);
      const list = await runCli(['undo', '--list', '--prod-url', school.pair.urls.prod], { XDG_STATE_HOME: state });
      expect(list.stdout).toContain('committed · undone');
      expect(list.stdout).not.toContain(theirs.report.undoFile);
    } finally {
      await other.drop();
    }
  });

  it('in the wizard, `undo` without a file offers this prod\'s syncs, newest first, and opens the one picked', async () => {
    const dir = join(fresh('pick'), 'lesson-sync');
    const older = await syncInto(dir, { filters: { students: ['student_123'] } });
    await syncInto(dir); // the newer: what the first left (lesson 8)
    const exit: { code?: number } = {};
    const config = testConfig(school.pair, { yes: false, stateDir: dir });
    const app = render(<UndoApp config={config} prod={parseDbUrl(config.prodUrl!, 'prod')} file={undefined} onExit={(code) => (exit.code = code)} />);
    mounted.push(app);
    const frame = await waitForText(app, 'Which sync of');
    const rows = frame.split('\n').filter((line) => /committed/.test(line));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^❯ /); // the newest first, under the cursor
    await settle();
    await press(app, keys.down);
    await settle();
    const opened = await press(app, keys.enter, 'Undo file');
    expect(opened.replace(/\s+/g, '')).toContain(`📄Undofile${older}`);
    await waitForText(app, 'Enter continue to the plan');
    await settle();
    app.stdin.write('q');
    await waitFor(() => exit.code !== undefined, 'the wizard to end');
  });
});

describe('the index a slow undo lacks', () => {
  const indexes = () => school.pair.query<{ name: string }>('prod', `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'LessonTasks' AND indexdef LIKE '%(lesson_id)%'`);

  async function bigSync(): Promise<string> {
    // 2,000 created lessons: a removal the foreign-key check makes slow without the index
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 5000, tasksPerLesson: 1 }), prod: prodSql({ lessons: 5000 }) });
    return syncInto(join(fresh('big'), 'lesson-sync'));
  }

  it('is offered and never made without a yes; --create-index makes it first, CONCURRENTLY', async () => {
    const path = await bigSync();
    const out: string[] = [];
    const dry = await runUndoPlain(testConfig(school.pair, { dryRun: true, yes: false }), path, { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(dry).toBe(0);
    expect(out.join('\n')).toMatch(/lesson_id has no index: PostgreSQL checks each of the 2,000 removed lessons/);
    expect(out.join('\n')).toContain('💡 --create-index makes it first');
    expect(await indexes()).toEqual([]);

    out.length = 0;
    const code = await runUndoPlain(testConfig(school.pair, { createIndex: true }), path, { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(out.join('\n')).toContain('🔧 Creating the index on "public"."LessonTasks" (lesson_id), CONCURRENTLY');
    expect(out.join('\n')).toMatch(/✅ Index created in [\d.]+ s/);
    expect(code).toBe(0);
    expect(await indexes()).toHaveLength(1);
  });

  it('in the wizard: n leaves prod without it, y makes it before the confirm', async () => {
    const path = await bigSync();
    const file = await readUndoFile(path);
    const start = () => {
      const config = testConfig(school.pair, { yes: false });
      const exit: { code?: number } = {};
      const app = render(<UndoApp config={config} prod={parseDbUrl(config.prodUrl!, 'prod')} file={file} onExit={(code) => (exit.code = code)} />);
      mounted.push(app);
      return { app, exit };
    };
    for (const answer of ['n', 'y'] as const) {
      const { app, exit } = start();
      await waitForText(app, 'Enter continue to the plan');
      await settle();
      await press(app, keys.enter, '2/5 Plan');
      await settle();
      await press(app, 'c', 'Create the index first?');
      await settle();
      await press(app, answer, 'Type the prod database name');
      // quits from the plan: its session closed before prod is looked at (the embedded server takes one connection)
      await settle();
      await press(app, keys.escape, '2/5 Plan');
      await settle();
      app.stdin.write('q');
      await waitFor(() => exit.code !== undefined, 'the wizard to end');
      expect(await indexes()).toHaveLength(answer === 'y' ? 1 : 0);
    }
  });
});
