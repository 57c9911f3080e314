/** SPEC §11: a plan saved by one person is what another applies, or nothing is. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoSchoolPerTest } from './helpers/databases.js';
import { runCli, runSync, tempPath } from './helpers/run.js';
import { closedPort } from './helpers/silent-server.js';
import { parseTargets, Session } from '../source/sync/session.js';
import { readPlanFile } from '../source/storage/plan-file.js';
import { FramedWriter } from '../source/storage/framed-file.js';
import { writeAtomicallyWith } from '../source/storage/files.js';

const school = demoSchoolPerTest();

const byId = (report: any) => new Map<number, any>(report.lessons.map((l: any) => [l.sandboxLessonId, l]));
const actions = (report: any) => Object.fromEntries(report.lessons.map((l: any) => [l.sandboxLessonId, l.reason ?? l.action]));

/** A dry run that saves its plan; returns the file's path. */
async function savePlan(...over: Parameters<typeof runSync>[1][]): Promise<string> {
  const path = tempPath('plan.json');
  const run = await runSync(school.pair, { dryRun: true, yes: false, savePlanPath: path, ...Object.assign({}, ...over) });
  expect(run.out).toContain(`📄 Plan saved to ${path}`);
  return path;
}

describe('save a plan, apply it later', () => {
  it('writes exactly the selection the plan saved, and the file says what it decided', async () => {
    const path = await savePlan({ selection: { only: undefined, exclude: new Set([8]) } });
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file).toMatchObject({ format: 'lesson-sync-plan', version: 1, lessonCount: 12, filters: { students: [], since: null, until: null } });
    const [sandboxDb] = await school.pair.query('sandbox', `SELECT current_database() AS name, (SELECT system_identifier::text FROM pg_control_system()) AS id`);
    expect(file.sandbox).toMatchObject({ database: sandboxDb!.name, systemIdentifier: sandboxDb!.id });
    expect(JSON.stringify(file)).not.toMatch(/secret|password/i);
    const saved = byId(file);
    expect(saved.get(8)).toMatchObject({ action: 'create', selected: false });
    expect(saved.get(1)).toMatchObject({ action: 'create', selected: true, prodLessonId: null, prodFingerprint: null });
    expect(saved.get(1).tasks).toEqual([[1, 'classwork'], [2, 'classwork'], [3, 'homework'], [4, 'homework'], [5, 'homework']]);
    expect(saved.get(3)).toMatchObject({ action: 'update', selected: true, prodLessonId: 502 });
    expect(saved.get(3).prodFingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(saved.get(2)).toMatchObject({ action: 'skip', reason: 'filled', selected: false });

    const applied = await runSync(school.pair, { applyPlanPath: path });
    expect(applied.out).toContain(`📄 Plan ${path}, saved`);
    expect(actions(applied.report)).toMatchObject({ 1: 'create', 3: 'update', 8: 'excluded', 11: 'update', 12: 'prod-would-reject' });
    const created = await school.pair.query('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE student_id = 15`);
    expect(created[0]!.n).toBe(0); // lesson 8, left out in the plan, is not in prod

    // applied once, the same plan finds every lesson it selected changed: nothing is written twice
    const before = await school.pair.checksum('prod');
    const again = await runSync(school.pair, { applyPlanPath: path });
    expect(again.report.summary).toMatchObject({ created: 0, updated: 0 });
    expect(actions(again.report)).toMatchObject({ 1: 'changed-since-preview', 3: 'changed-since-preview', 11: 'changed-since-preview' });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('leaves a lesson changed since the plan, in the sandbox or in prod, and does not write one new since', async () => {
    const path = await savePlan();
    await school.pair.query('prod', `UPDATE "Lessons" SET topic = 'written by a teacher meanwhile' WHERE lesson_id = 506`); // sandbox 11's
    await school.pair.query('sandbox', `UPDATE "Lessons" SET notes = 'edited after the review' WHERE lesson_id = 1`);
    await school.pair.query(
      'sandbox',
      `INSERT INTO "Lessons" (lesson_id, student_id, lesson_type, lesson_date, duration, status, topic) VALUES (50, 1, 'regular', '2025-02-01 10:00', 60, 'completed', 'Not reviewed')`,
    );
    const run = await runSync(school.pair, { applyPlanPath: path });
    expect(actions(run.report)).toMatchObject({ 1: 'changed-since-preview', 3: 'update', 11: 'changed-since-preview', 50: 'not-in-plan', 8: 'create' });
    expect(run.report.summary).toMatchObject({ created: 1, updated: 1 });
    expect(run.out).toContain('1 new in the sandbox since the plan: not written');
    const prod = await school.pair.query('prod', `SELECT lesson_id, topic FROM "Lessons" WHERE student_id = 11 ORDER BY lesson_date`);
    // 506 kept as the teacher wrote it, 505 untouched, 502 updated; no lesson of 15 Jan (changed) or 1 Feb (new)
    expect(prod.map((r) => [r.lesson_id, r.topic])).toEqual([[506, 'written by a teacher meanwhile'], [505, null], [502, 'Тригонометрия']]);
  });

  it('leaves an update whose prod rows change between the plan and the write (checked inside the transaction)', async () => {
    const path = await savePlan();
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    try {
      const plan = await session.planFromSaved(await readPlanFile(path));
      expect([...plan.entries].find((e) => e.sandboxLessonId === 3)).toMatchObject({ action: 'update' });
      // a task added to prod lesson 502 after the plan was checked: the re-check alone would still write it
      await session.prodDb.query(`INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type) VALUES (502, 7, 'homework')`);
      const outcome = await session.apply(plan);
      expect([...outcome.entries].find((e) => e.sandboxLessonId === 3)).toMatchObject({ action: 'skip', reason: 'changed-since-preview' });
      expect(outcome.summary).toMatchObject({ created: 2, updated: 1 });
    } finally {
      await session.close();
    }
    const lesson = await school.pair.query('prod', `SELECT topic FROM "Lessons" WHERE lesson_id = 502`);
    expect(lesson[0]!.topic).toBeNull();
  });

  it('refuses other databases than the plan\'s before reading a lesson (exit 2)', async () => {
    const path = await savePlan();
    const swapped = await runSync(school.pair, { applyPlanPath: path, sandboxUrl: school.pair.urls.prod, prodUrl: school.pair.urls.sandbox });
    expect(swapped.code).toBe(2);
    expect(swapped.err).toContain('The plan was made on another sandbox database');
    expect(swapped.out).not.toContain('Reading lessons');
  });
});

describe('a plan file that cannot be trusted is refused before any connection (exit 2)', () => {
  const cliOn = async (path: string) => {
    const port = await closedPort(); // nothing listens: a connection attempt would end in exit 3
    return runCli(['--plain', '--yes', '--sandbox-url', `postgresql://u@127.0.0.1:${port}/a`, '--prod-url', `postgresql://u@127.0.0.1:${port}/b`, '--apply-plan', path]);
  };

  it('edited, truncated, of another version, not a plan, missing', async () => {
    const path = await savePlan();
    const text = readFileSync(path, 'utf8');
    const variant = (name: string, content: string) => {
      const p = tempPath(name);
      writeFileSync(p, content);
      return p;
    };
    const edited = variant('edited.json', text.replace('"prodLessonId":502', '"prodLessonId":503'));
    const cut = variant('cut.json', text.slice(0, Math.floor(text.length / 2)));
    const newer = variant('newer.json', text.replace('"version": 1,', '"version": 2,'));
    const notPlan = variant('report.json', JSON.stringify({ version: 1, mode: 'dry-run', lessons: [] }, null, 2));
    const expectations: [string, string][] = [
      [edited, 'it was edited after it was saved'],
      [cut, 'it ends early'],
      [newer, 'it was edited after it was saved'], // the version line is covered by the checksum too
      [notPlan, 'it is not a lesson-sync plan file'],
      [tempPath('missing.json'), 'it cannot be read (ENOENT)'],
    ];
    for (const [file, why] of expectations) {
      const run = await cliOn(file);
      expect(run.code, file).toBe(2);
      expect(run.stderr).toContain(why);
      expect(run.stderr).not.toContain('    at ');
    }
  });

  it('a lesson given twice, even in a file whose checksum holds, names the line of the second', async () => {
    const file = JSON.parse(readFileSync(await savePlan(), 'utf8'));
    const { lessons, lessonCount: _count, sha256: _sha, ...header } = file;
    const path = tempPath('twice.json');
    writeAtomicallyWith(path, (fd) => {
      const writer = new FramedWriter(fd);
      writer.head(header);
      for (const lesson of [...lessons, lessons[2]]) writer.item(lesson);
      writer.end();
    });
    const lines = readFileSync(path, 'utf8').split('\n');
    const mentions = lines.flatMap((line, i) => (line.includes(`"sandboxLessonId":${lessons[2].sandboxLessonId},`) ? [i + 1] : []));
    const second = mentions[mentions.length - 1]!;
    expect(second).toBeGreaterThan(lessons.length);
    await expect(readPlanFile(path)).rejects.toMatchObject({ code: 'bad-plan-file', params: { why: 'invalid', detail: String(second) } });
  });

  it('its flags: --apply-plan carries its own filters; --save-plan goes with --dry-run, to a writable place', async () => {
    const urls = ['--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod];
    const withStudent = await runCli(['--plain', '--yes', ...urls, '--apply-plan', 'x.json', '--student', 'student_123']);
    expect(withStudent.code).toBe(2);
    expect(withStudent.stderr).toContain('--apply-plan and --student do not go together');
    const saveOnApply = await runCli(['--plain', '--yes', ...urls, '--save-plan', tempPath('p.json')]);
    expect(saveOnApply.code).toBe(2);
    expect(saveOnApply.stderr).toContain('--save-plan goes with --dry-run');
    const nowhere = await runCli(['--plain', '--dry-run', ...urls, '--save-plan', '/nonexistent-dir/p.json']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('Cannot write the plan to /nonexistent-dir/p.json: ENOENT');
    expect(nowhere.stdout).not.toContain('Connecting');
  });
});

describe('set-based, whatever the number of lessons', () => {
  it('saves and applies a plan of 10 and of 1,000 lessons with the same queries', async () => {
    const { sandboxSql, prodSql } = await import('../bench/generate.js');
    const counts: Record<number, unknown> = {};
    for (const lessons of [10, 1000]) {
      await school.pair.reset({ sandbox: sandboxSql({ lessons }), prod: prodSql({ lessons }) });
      const path = tempPath('plan.json');
      const targets = parseTargets(school.pair.urls.sandbox, school.pair.urls.prod);
      const first = await Session.open(targets);
      let saving;
      try {
        const plan = await first.plan({ students: [] });
        const before = first.queryCounts();
        await first.savePlan(path, plan);
        saving = { sandbox: first.queryCounts().sandbox - before.sandbox, prod: first.queryCounts().prod - before.prod };
      } finally {
        await first.close();
      }
      const second = await Session.open(targets);
      try {
        const opened = second.queryCounts();
        const plan = await second.planFromSaved(await readPlanFile(path));
        const planned = second.queryCounts();
        expect(plan.summary).toMatchObject({ created: Math.floor(lessons * 0.4), updated: Math.floor(lessons * 0.3), notInPlan: 0, changedSincePreview: 0 });
        const outcome = await second.apply(plan);
        expect(outcome.summary).toMatchObject({ created: plan.summary.created, updated: plan.summary.updated, errors: 0 });
        counts[lessons] = {
          saving,
          planning: { sandbox: planned.sandbox - opened.sandbox, prod: planned.prod - opened.prod },
          applying: second.queryCounts().prod - planned.prod,
        };
      } finally {
        await second.close();
      }
    }
    expect(counts[1000]).toEqual(counts[10]);
    // saving: one fingerprint query a side; planning: the snapshot, fingerprints, two reads / fingerprints and four reads;
    // applying: the sync's nine statements and one fingerprint re-check
    // every fingerprint read and prod's key joins between SET and RESET of nested loops; the
    // apply's re-check and its capture of the updates share one SET and one RESET
    expect(counts[10]).toEqual({ saving: { sandbox: 3, prod: 3 }, planning: { sandbox: 6, prod: 9 }, applying: 12 });
  });
});
