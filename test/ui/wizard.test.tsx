/** The whole wizard, driven key by key against real databases. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../source/core/config.js';
import { testConfig } from '../helpers/run.js';
import { readPlanFile, type SavedPlan } from '../../source/storage/plan-file.js';
import type { InterruptSignal } from '../../source/common/errors.js';
import { parseDbUrl } from '../../source/common/db-url.js';
import { App } from '../../source/wizard/App.js';
import type { Preview } from '../../source/sync/session.js';
import { demoSchoolPerTest, onServer, withClient } from '../helpers/databases.js';
import { frameOf, keys, press, settle, waitFor, waitForText } from '../helpers/ink.js';
import { closedPort } from '../helpers/silent-server.js';

const school = demoSchoolPerTest();

const reportDir = mkdtempSync(join(tmpdir(), 'lsync-wizard-'));

// unmounted even when a test fails: an open wizard keeps its sandbox snapshot, which
// would block the next test's reset
const mounted: { unmount(): void }[] = [];
afterEach(() => mounted.splice(0).forEach((app) => app.unmount()));

function start(over: Partial<Config> = {}, savedPlan?: SavedPlan, preview?: Preview) {
  const config = testConfig(school.pair, { yes: false, ...over });
  const exit: { code?: number; lines: string[] } = { lines: [] };
  let sendSignal: ((signal: InterruptSignal) => void) | undefined;
  const app = render(
    <App
      config={config}
      savedPlan={savedPlan}
      preview={preview}
      reportDir={reportDir}
      onExit={(code, lines) => {
        exit.code = code;
        exit.lines = lines;
      }}
      onSignal={(handler) => {
        sendSignal = handler;
        return () => (sendSignal = undefined);
      }}
    />,
  );
  mounted.push(app);
  const exited = () => waitFor(() => exit.code !== undefined, 'the wizard to exit');
  /** what the process's signal handler does when the process gets one */
  const signal = (name: InterruptSignal) => sendSignal!(name);
  return { app, exit, exited, signal };
}

async function toPlan(app: ReturnType<typeof start>['app']) {
  await settle();
  await press(app, keys.enter, 'Enter continue to the plan');
  await press(app, keys.enter, '12 lessons planned');
  await settle();
}

/** From the plan: c, then Apply, up to the prompt for the prod database name. */
async function toNamePrompt(app: ReturnType<typeof start>['app']) {
  await press(app, 'c', 'Confirm the write');
  await settle();
  await press(app, keys.enter, 'Type the prod database name');
  await settle();
}

/** From the confirm step: Apply, the prod database's name, the summary (returned), then q. */
async function applyAndQuit(app: ReturnType<typeof start>['app'], exited: () => Promise<void>): Promise<string> {
  await settle();
  await press(app, keys.enter, 'Type the prod database name');
  await settle();
  app.stdin.write(parseDbUrl(school.pair.urls.prod, 'prod').database);
  const summary = await press(app, keys.enter, '6/6 Summary');
  await settle();
  app.stdin.write('q');
  await exited();
  return summary;
}

describe('the wizard', () => {
  it('saves the plan from the confirm step, and on quitting a dry run given --save-plan', async () => {
    const first = start({ savePlanPath: join(reportDir, 'from-confirm.json') });
    await toPlan(first.app);
    await press(first.app, 'c', 'Save the plan for later (--apply-plan) and quit');
    await settle();
    await press(first.app, keys.down, '❯ Save report and quit');
    await settle(); // the list's key handler follows its new state after this commit
    await press(first.app, keys.down, '❯ Save the plan for later');
    await settle();
    first.app.stdin.write(keys.enter);
    await first.exited();
    expect(first.exit.code).toBe(0);
    expect(first.exit.lines.join('\n')).toContain(`📄 Plan saved to ${join(reportDir, 'from-confirm.json')}`);
    expect((await readPlanFile(join(reportDir, 'from-confirm.json'))).lessons.size).toBe(12);
    first.app.unmount();

    const dry = start({ dryRun: true, savePlanPath: join(reportDir, 'on-quit.json') });
    await toPlan(dry.app);
    dry.app.stdin.write('q');
    await dry.exited();
    expect(dry.exit.lines.join('\n')).toContain('📄 Plan saved to');
    const saved = await readPlanFile(join(reportDir, 'on-quit.json'));
    expect([...saved.lessons.values()].filter((l) => l.selected).map((l) => l.sandboxLessonId)).toEqual([1, 3, 8, 11]);
  });

  it('shows a plan made on other databases as the error it is, and q ends with exit 2', async () => {
    const planPath = join(reportDir, 'swapped-plan.json');
    const review = start({ dryRun: true, savePlanPath: planPath });
    await toPlan(review.app);
    review.app.stdin.write('q');
    await review.exited();
    review.app.unmount();
    const { app, exit, exited } = start({ sandboxUrl: school.pair.urls.prod, prodUrl: school.pair.urls.sandbox }, await readPlanFile(planPath));
    await settle();
    await press(app, keys.enter, 'Enter continue to the plan');
    const frame = await press(app, keys.enter, 'The plan was made on another sandbox database');
    expect(frame).toContain('Esc edit URLs · q quit');
    await settle();
    app.stdin.write('q');
    await exited();
    expect(exit.code).toBe(2);
    expect(exit.lines.join('\n')).toContain('The plan was made on another sandbox database');
  });

  it('saves the plan of a dry run (p), and another wizard opens on it and applies exactly it', async () => {
    const planPath = join(reportDir, 'reviewed-plan.json');
    const review = start({ dryRun: true });
    await toPlan(review.app);
    review.app.stdin.write('p');
    await waitForText(review.app, 'Save the plan to:');
    review.app.stdin.write('\u0015'); // Ctrl+U clears the default path
    await waitFor(() => !frameOf(review.app).includes('lesson-sync-plan-'), 'the default path cleared');
    review.app.stdin.write(planPath);
    await press(review.app, keys.enter, '📄 Plan saved to');
    review.app.stdin.write('q');
    await review.exited();
    review.app.unmount();

    // meanwhile a teacher fills prod lesson 506 (sandbox lesson 11's) and a sandbox lesson is added
    await school.pair.query('prod', `UPDATE "Lessons" SET topic = 'by a teacher' WHERE lesson_id = 506`);
    await school.pair.query('sandbox', `INSERT INTO "Lessons" (lesson_id, student_id, lesson_type, lesson_date, duration, status, topic) VALUES (50, 1, 'regular', '2025-02-01 10:00', 60, 'completed', 'Not reviewed')`);

    const { app, exit, exited } = start({}, await readPlanFile(planPath));
    await settle();
    await press(app, keys.enter, 'Enter continue to the plan');
    let frame = await press(app, keys.enter, '13 lessons planned');
    expect(frame).toContain(`📄 Plan ${planPath}, saved`);
    expect(frame).toContain('skip: not in the plan');
    expect(frame).toContain('skip: changed meanwhile');
    await settle();
    await press(app, 'c', 'Confirm the write');
    frame = await applyAndQuit(app, exited);
    expect(frame).toContain('Changed since the preview: 1');
    expect(frame).toContain('1 new in the sandbox since the plan: not written');
    expect(exit.code).toBe(1); // lesson 12 fails prod's CHECK, as in every apply of the school
    const prod = await school.pair.query('prod', `SELECT lesson_id, topic FROM "Lessons" WHERE student_id = 11 ORDER BY lesson_date`);
    expect(prod.map((r) => r.topic)).toEqual(['by a teacher', null, 'Тригонометрия', 'Квадратные уравнения']);
  });

  it('walks from the URLs to the summary and writes what the plan showed', async () => {
    const { app, exit, exited } = start();
    await settle();
    expect(frameOf(app)).toContain('1/6 Databases');
    let frame = await press(app, keys.enter, 'Enter continue to the plan');
    expect(frame).toContain('✅ Schema of both databases');
    frame = await press(app, keys.enter, '12 lessons planned');
    expect(frame).toContain('➕ 2 🔄 2 ✅ 1 ⏭️ 4 ❌ 3');
    await settle();
    await toNamePrompt(app);
    app.stdin.write(parseDbUrl(school.pair.urls.prod, 'prod').database);
    frame = await press(app, keys.enter, '6/6 Summary');
    expect(frame).toContain('✅ Synced: 4');
    // lesson 12 was an error of the plan (prod's CHECK): the apply wrote what the plan showed
    expect(frame).toContain('Exit code 1.');
    await settle();
    frame = await press(app, 's', 'Report saved to');
    const saved = readdirSync(reportDir).filter((f) => f.startsWith('lesson-sync-report-'));
    expect(saved).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(reportDir, saved[0]!), 'utf8'));
    expect(report).toMatchObject({ mode: 'apply', summary: { created: 2, updated: 2, errors: 3 } });
    await settle();
    app.stdin.write(keys.enter);
    await exited();
    expect(exit.code).toBe(1);
    expect(exit.lines.join('\n')).toContain('📊 Sync summary:');

    const rows = await school.pair.query('prod', `SELECT topic FROM "Lessons" WHERE lesson_id = 502`);
    expect(rows).toEqual([{ topic: 'Тригонометрия' }]);
    const created = await school.pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE lesson_id > 1000`);
    expect(created[0]!.n).toBe(2);
  });

  it('shows the first lessons planned ahead while the rest is read, then the plan as a whole', async () => {
    const { app } = start({ dryRun: true }, undefined, { lessons: 4, whenAtLeast: 0 });
    await settle();
    await press(app, keys.enter, 'Enter continue to the plan');
    const frame = await press(app, keys.enter, '12 lessons planned');
    const ahead = app.frames.filter((f) => f.includes('the first 4 planned ahead'));
    expect(ahead.length).toBeGreaterThan(0);
    // the newest four of the demo school, a create, a filled one, an update and a skip, while prod is read
    expect(ahead.at(-1)).toContain('➕ 1 🔄 1 ✅ 1 ⏭️ 1 ❌ 0');
    expect(ahead.at(-1)).toMatch(/2025-01-15 14:00 60 min +create \+5 tasks[^]*2025-01-12 11:00 45 min +skip: no such student/);
    // counted once: the plan's slices hold the preview's lessons again
    expect(frame).toContain('➕ 2 🔄 2 ✅ 1 ⏭️ 4 ❌ 3');
    expect(frame).not.toContain('planned ahead');
  });

  it('in a dry run never offers to write, and leaves prod as it was', async () => {
    const before = await school.pair.checksum('prod');
    const { app, exit, exited } = start({ dryRun: true });
    await toPlan(app);
    expect(frameOf(app)).toContain('DRY RUN');
    expect(frameOf(app)).not.toContain('continue');
    app.stdin.write('c');
    // keys are read in order: once ? shows the help, c was read, and did not leave the plan
    await press(app, '?', 'Keys');
    expect(frameOf(app)).toContain('3/6 Plan');
    const list = await press(app, keys.escape); // any key closes the help
    expect(list).not.toContain('Keys');
    app.stdin.write('q');
    await exited();
    expect(exit.code).toBe(1);
    expect(exit.lines.join('\n')).toContain('Dry run: nothing was written to prod.');
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('shows a failed connection with its hint, goes back to edit the URL, and retries', async () => {
    const port = await closedPort();
    const { app, exit, exited } = start({ sandboxUrl: `postgresql://u:p@127.0.0.1:${port}/s?sslmode=disable` });
    await settle();
    let frame = await press(app, keys.enter, 'refused the connection');
    expect(frame).toContain('💡');
    expect(frame).toContain('r retry');
    frame = await press(app, 'e', '1/6 Databases');
    await settle();
    await press(app, keys.ctrlU, /› Sandbox URL[^\n]*\n\s+postgresql:\/\/user:password/);
    app.stdin.write(school.pair.urls.sandbox);
    await settle();
    frame = await press(app, keys.enter, 'Enter continue to the plan');
    expect(frame).toContain('✅ Connect to the sandbox');
    app.stdin.write('q');
    await exited();
    expect(exit.code).toBe(0);
  });

  describe('cancelled at any step, leaves prod unchanged', () => {
    let before: string;
    beforeEach(async () => {
      before = await school.pair.checksum('prod');
    });
    const unchanged = async () => expect(await school.pair.checksum('prod')).toBe(before);

    it('Ctrl+C on the URLs', async () => {
      const { app, exit, exited } = start();
      await settle();
      app.stdin.write(keys.ctrlC);
      await exited();
      expect(exit.code).toBe(130);
      expect(exit.lines.join('\n')).toContain('nothing was written');
      await unchanged();
    });

    it('Ctrl+C on the checks', async () => {
      const { app, exit, exited } = start();
      await settle();
      await press(app, keys.enter, 'Enter continue to the plan');
      app.stdin.write(keys.ctrlC);
      await exited();
      expect(exit.code).toBe(130);
      await unchanged();
    });

    it('q on the plan', async () => {
      const { app, exit, exited } = start();
      await toPlan(app);
      app.stdin.write('q');
      await exited();
      expect(exit.code).toBe(0);
      expect(exit.lines).toEqual(['👋 Quit without writing: prod is unchanged.']);
      await unchanged();
    });

    it('SIGHUP on the plan: ends at once with 129, nothing written', async () => {
      const { app, exit, exited, signal } = start();
      await toPlan(app);
      signal('SIGHUP');
      await exited();
      expect(exit.code).toBe(129);
      expect(exit.lines).toEqual(['❌ Stopped by SIGHUP: nothing was written to prod.']);
      await unchanged();
    });

    it('a wrong name, then Quit, on the confirmation', async () => {
      const { app, exit, exited } = start();
      await toPlan(app);
      await toNamePrompt(app);
      app.stdin.write('not-the-name');
      await press(app, keys.enter, 'The name did not match');
      await settle();
      await press(app, keys.escape, '3/6 Plan');
      await settle();
      await press(app, 'c', 'Confirm the write');
      await settle();
      await press(app, keys.up, '❯ Quit');
      await settle();
      app.stdin.write(keys.enter);
      await exited();
      expect(exit.code).toBe(0);
      await unchanged();
    });
  });

  it.runIf(onServer)('Ctrl+C during apply asks, then rolls back: prod unchanged', async () => {
    const before = await school.pair.checksum('prod');
    await withClient(school.pair.urls.prod, async (holder) => {
      // holds a row the apply must update, so the apply is still running when the operator aborts
      await holder.query(`BEGIN; UPDATE "Lessons" SET status = status WHERE lesson_id = 506`);
      const { app, exit, exited } = start();
      await toPlan(app);
      await toNamePrompt(app);
      app.stdin.write(parseDbUrl(school.pair.urls.prod, 'prod').database);
      await press(app, keys.enter, '5/6 Apply');
      await settle();
      await press(app, keys.ctrlC, 'Abort? The transaction is rolled back');
      await settle();
      await press(app, 'y', 'the transaction was rolled back, prod is as it was before');
      expect(frameOf(app)).toContain('Exit code 130.');
      await settle();
      app.stdin.write('q');
      await exited();
      expect(exit.code).toBe(130);
      await holder.query('ROLLBACK');
    });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it.runIf(onServer)('shows a lock wait live during apply; SIGTERM then rolls back without asking, writes the report, exits 143', async () => {
    const before = await school.pair.checksum('prod');
    const reportPath = join(mkdtempSync(join(tmpdir(), 'lsync-wizard-term-')), 'report.json');
    await withClient(school.pair.urls.prod, async (holder) => {
      await holder.query(`SET application_name = 'teacher-console'`);
      await holder.query(`BEGIN; UPDATE "Lessons" SET status = status WHERE lesson_id = 506`);
      const { app, exit, exited, signal } = start({ reportPath });
      await toPlan(app);
      await toNamePrompt(app);
      app.stdin.write(parseDbUrl(school.pair.urls.prod, 'prod').database);
      await press(app, keys.enter, '5/6 Apply');
      const frame = await waitForText(app, /⏳ Waiting \d+ s for rows in prod that another transaction is changing\n\s+held by pid \d+ \(\S+, teacher-console/);
      expect(frame.replace(/\s+/g, ' ')).toContain('gives up after 120 s'); // wrapped where the names make it
      signal('SIGTERM');
      await exited();
      expect(exit.code).toBe(143);
      expect(exit.lines[0]).toBe('❌ Stopped by SIGTERM: the transaction was rolled back, prod is as it was before.');
      expect(JSON.parse(readFileSync(reportPath, 'utf8'))).toMatchObject({ mode: 'apply', interrupted: 'SIGTERM', committed: false });
      await holder.query('ROLLBACK');
    });
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('leaves a lesson out with Space: confirm counts it, apply writes the others, the report says excluded', async () => {
    const reportPath = join(mkdtempSync(join(tmpdir(), 'lsync-wizard-choice-')), 'report.json');
    const { app, exit, exited } = start({ reportPath });
    await toPlan(app);
    let frame = await press(app, ' ', 'to write: 3 of 4'); // the first row: sandbox lesson 1, a create
    expect(frame).toMatch(/○ ➕ 2025-01-15 14:00/);
    await press(app, 'c', 'Confirm the write');
    expect(frameOf(app)).toContain('➕ create 1 of 2 · 🔄 update 2 of 2');
    expect(frameOf(app)).toContain('1 left out by you');
    frame = await applyAndQuit(app, exited);
    expect(frame).toContain('Left out by you: 1');
    expect(exit.code).toBe(1);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    expect(report.lessons.find((l: any) => l.sandboxLessonId === 1)).toMatchObject({ action: 'skip', reason: 'excluded' });
    expect(report.summary).toMatchObject({ created: 1, updated: 2, excluded: 1 });
    const [left] = await school.pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE lesson_date = '2025-01-15 14:00:00'`);
    expect(left!.n).toBe(0);
  });

  it('reviews lesson by lesson: keeps two, leaves one out, ends early; prod gets exactly the kept ones', async () => {
    const reportPath = join(mkdtempSync(join(tmpdir(), 'lsync-wizard-review-')), 'report.json');
    const { app, exit, exited } = start({ reportPath });
    await toPlan(app);
    let frame = await press(app, 'r', 'Review 1 / 4 · ● will be written');
    expect(frame).toContain('Sandbox lesson #1 '); // the create of 2025-01-15
    frame = await press(app, 'y', 'Review 2 / 4');
    expect(frame).toContain('Sandbox lesson #3 ');
    frame = await press(app, 'n', 'Review 3 / 4');
    frame = await press(app, 'b', 'Review 2 / 4 · ○ left out');
    frame = await press(app, 'n', 'Review 3 / 4');
    expect(frame).toContain('Sandbox lesson #8 ');
    frame = await press(app, 'y', 'Review 4 / 4');
    frame = await press(app, keys.escape); // the review ends; the rest stay as they are
    expect(frame).not.toContain('Review');
    expect(frame).toContain('to write: 3 of 4');
    await press(app, 'c', 'Confirm the write');
    expect(frameOf(app)).toContain('➕ create 2 of 2 · 🔄 update 1 of 2');
    await applyAndQuit(app, exited);
    expect(exit.code).toBe(1);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    expect(report.lessons.find((l: any) => l.sandboxLessonId === 3)).toMatchObject({ action: 'skip', reason: 'excluded' });
    expect(report.summary).toMatchObject({ created: 2, updated: 1, excluded: 1 });
    const [untouched] = await school.pair.query<{ topic: string | null }>('prod', `SELECT topic FROM "Lessons" WHERE lesson_id = 502`);
    expect(untouched!.topic).toBeNull();
  });

  it('shows the values of a lesson when its details open: prod now → sandbox, and where prod stands on each task', async () => {
    const { app } = start({ dryRun: true });
    await toPlan(app);
    await press(app, keys.down, '2/12');
    await press(app, keys.down, '3/12'); // sandbox lesson 3 → prod lesson 502, an update
    const top = await press(app, keys.enter, 'topic: ∅ → Тригонометрия');
    const scrolled = await press(app, keys.pageDown, '#999 homework · not in prod Tasks (skipped)'); // long details scroll
    expect(top + scrolled).toContain('homework_status: not_assigned → assigned');
    expect(scrolled).toContain('#6 classwork · already on the prod lesson');
    let frame = scrolled;
    frame = await press(app, keys.up, 'topic: Логарифмы (записано в проде) | Логарифмы'); // lesson 2: filled, kept
    expect(frame).toContain('Prod | sandbox');
    frame = await press(app, keys.up, 'Columns the create inserts'); // lesson 1: a create
    expect(frame).toContain('Sandbox lesson #1');
    expect(frame).toContain('lesson_date = 2025-01-15'); // its own values, never the lesson before's
    expect(frame).not.toContain('Логарифмы');
  });
});
