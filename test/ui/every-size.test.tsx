/**
 * Every step of both wizards from 40×10 to 250×80, wide and short, narrow and tall, reached
 * the way a person reaches it and resized there: no line wider than the terminal, nothing
 * cut from the left, the step's title on the first line and a key line that says how to
 * leave on the last.
 */
import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReactNode } from 'react';
import { parseDbUrl } from '../../source/common/db-url.js';
import type { Config } from '../../source/core/config.js';
import { messages, type Lang } from '../../source/i18n/index.js';
import { readUndoFile } from '../../source/storage/undo-file.js';
import { parseTargets, Session } from '../../source/sync/session.js';
import { App } from '../../source/wizard/App.js';
import { FrameContext } from '../../source/wizard/components/Frame.js';
import { MessagesContext } from '../../source/wizard/context.js';
import { useTerminalSize } from '../../source/wizard/hooks/use-terminal-size.js';
import { ApplyStep } from '../../source/wizard/steps/ApplyStep.js';
import { maskUrlInput } from '../../source/wizard/steps/UrlStep.js';
import { UndoApp } from '../../source/wizard/undo/UndoApp.js';
import { demoSchoolPerTest, onServer, withClient } from '../helpers/databases.js';
import { frameOf, keys, press, renderStep, resize, settle, waitFor, waitForText, type TerminalSize } from '../helpers/ink.js';
import { runSync, tempPath, testConfig } from '../helpers/run.js';
import { closedPort } from '../helpers/silent-server.js';

const school = demoSchoolPerTest();
const mounted: { unmount(): void }[] = [];
afterEach(() => mounted.splice(0).forEach((app) => app.unmount()));

const SIZES: readonly TerminalSize[] = [
  { columns: 40, rows: 10 },
  { columns: 80, rows: 24 },
  { columns: 200, rows: 60 },
  { columns: 250, rows: 80 },
  // wide and short, narrow and tall
  { columns: 160, rows: 12 },
  { columns: 44, rows: 50 },
];
/** where the walk goes on between the sizes */
const WALKING: TerminalSize = { columns: 100, rows: 30 };
/** a hint that leaves or explains: q, Esc (alone or with another key), ?, Ctrl+C */
const LEAVES = /(^|· )(\S+\/)?(q|Esc|\?|Ctrl\+C)(\/\S+)?( |$)/;

type Rendered = ReturnType<typeof render>;

/**
 * Resizes to each size and checks the frame drawn there; `shows`: what must stay on screen
 * at every size (a failure, the panel's title), `whole`: what may wrap but not lose a
 * character (a URL). Back at WALKING size after.
 */
async function atEverySize(app: Rendered, title: string, shows: readonly string[] = [], whole: readonly string[] = []): Promise<void> {
  for (const size of SIZES) {
    resize(app, size);
    const at = `${size.columns}×${size.rows}`;
    await waitFor(() => {
      const lines = frameOf(app).split('\n');
      return lines.length === size.rows && lines[0]!.includes(title);
    }, `${at}: a frame of ${size.rows} lines under the title "${title}":\n${frameOf(app)}`);
    const frame = frameOf(app);
    const lines = frame.split('\n');
    for (const line of lines) {
      expect(stringWidth(line), `${at}, wider than the terminal: ${line}`).toBeLessThanOrEqual(size.columns);
      expect(line, `${at}, cut from the left`).not.toMatch(/^\s*…/);
    }
    expect(lines.at(-1), `${at}, the key line:\n${frame}`).toMatch(LEAVES);
    for (const text of shows) expect(frame, `${at}: "${text}" in\n${frame}`).toContain(text);
    // what may wrap but must be there whole: the rows joined again, blanks aside
    const joined = frame.replace(/\s+/g, '');
    for (const text of whole) expect(joined, `${at}: all of "${text}" in\n${frame}`).toContain(text.replace(/\s+/g, ''));
  }
  resize(app, WALKING);
  await waitFor(() => frameOf(app).split('\n').length === WALKING.rows, 'the walking size again');
  await settle();
}

function startWizard(lang: Lang) {
  const exit: { code?: number } = {};
  const config = testConfig(school.pair, { yes: false, lang });
  const app = render(<App config={config} reportDir={tempPath('reports')} onExit={(code) => (exit.code = code)} />);
  mounted.push(app);
  return { app, exit, m: messages(lang) };
}

describe('the sync wizard at every size', () => {
  for (const lang of ['en', 'ru'] as const) {
    it(`fits every step, panel and prompt (${lang})`, async () => {
      const { app, exit, m } = startWizard(lang);
      const step = (n: number) => m.ui.stepOf(n, 6, m.ui.steps[n - 1]!);
      await settle();
      await atEverySize(app, step(1), [m.ui.urlLabels.prod], [maskUrlInput(school.pair.urls.sandbox), maskUrlInput(school.pair.urls.prod)]);

      await press(app, keys.enter, m.ui.keys.checksOk);
      await atEverySize(app, step(2), [`${m.marks.ok} ${m.ui.checks.sandbox.split(' ')[0]}`]);

      await press(app, keys.enter, m.ui.stages.done(12));
      await settle();
      await atEverySize(app, step(3), [m.ui.stages.done(12).slice(0, 20)]);

      await press(app, '?', m.ui.help.title);
      await atEverySize(app, step(3), [m.ui.help.title]);
      await press(app, '?', m.ui.keys.plan);
      await settle();

      await press(app, keys.enter, m.ui.details.title);
      // a short terminal gives the panel the counters' rows and the border's: the lesson's action is in view
      await atEverySize(app, step(3), [m.ui.details.title, `${m.marks.create} ${m.ui.actions.create(5)}`]);
      await press(app, keys.escape, m.ui.keys.plan);
      await settle();

      await press(app, 'r', m.ui.review(1, 4, true));
      await atEverySize(app, step(3), [m.ui.review(1, 4, true).slice(0, 20)]);
      await press(app, keys.escape, m.ui.keys.plan);
      await settle();

      await press(app, '/', '🔎');
      await settle();
      app.stdin.write('Иван');
      await waitForText(app, '🔎 / Иван');
      await atEverySize(app, step(3), ['🔎 / Иван']);
      await press(app, keys.escape, m.ui.keys.plan);
      await settle();

      await press(app, 'c', m.ui.confirm.title);
      const prodUrl = parseDbUrl(school.pair.urls.prod, 'prod');
      const prod = prodUrl.database;
      // the step's title says Confirm: the panel's own title may give way, where the write goes may not
      const where = m.ui.confirm.where(prod, `${prodUrl.host}:${prodUrl.port}`);
      await atEverySize(app, step(4), [m.ui.confirm.apply], [where]);
      await settle();
      await press(app, keys.enter, m.ui.confirm.typeName(prod));
      await atEverySize(app, step(4), ['›', m.ui.confirm.typeName(prod).slice(0, 16)], [where]);
      await settle();
      app.stdin.write(prod);
      await press(app, keys.enter, step(6));
      // the counts and where the undo file went stay whole; the rules and the breakdown give way first
      await atEverySize(app, step(6), [m.synced(4).trim(), m.errors(3).trim(), 'undo.json']);
      await settle();
      app.stdin.write('q');
      await waitFor(() => exit.code !== undefined, 'the wizard to exit');
      expect(exit.code).toBe(1);
    });
  }

  it('keeps what failed on screen, the server details and the other checks giving way first', async () => {
    const unreachable = new URL(school.pair.urls.prod);
    unreachable.port = String(await closedPort());
    const config = testConfig(school.pair, { yes: false, prodUrl: unreachable.toString() });
    const m = messages('en');
    const app = render(<App config={config} onExit={() => {}} />);
    mounted.push(app);
    await settle();
    await press(app, keys.enter, m.ui.keys.checksFailed);
    await atEverySize(app, m.ui.stepOf(2, 6, m.ui.steps[1]!), [
      `${m.marks.error} ${m.ui.checks.prod}`,
      '❌ The prod server refused',
      '💡 Check the host',
    ]);
    // at 40×10 the sandbox's server line gave way; no server line is left under prod's name
    resize(app, SIZES[0]!);
    await waitFor(() => frameOf(app).split('\n').length === 10, 'the small frame');
    expect(frameOf(app)).not.toContain('round trip');
  });
});

/** A step on its own, sized as the terminal is, as the wizard sizes it. */
function Sized({ children }: { children: ReactNode }) {
  const size = useTerminalSize();
  return (
    <MessagesContext.Provider value={messages('en')}>
      <FrameContext.Provider value={{ targets: { sandbox: 'demo@127.0.0.1:5432/sandbox', prod: 'demo@127.0.0.1:5432/prod' }, dryRun: false, ...size }}>{children}</FrameContext.Provider>
    </MessagesContext.Provider>
  );
}

describe('the apply step at every size', () => {
  it('fits its progress and the keys to abort', async () => {
    const m = messages('en');
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    try {
      const plan = await session.plan({ students: [] });
      let done = false;
      const app = renderStep(
        <Sized>
          <ApplyStep session={session} plan={plan} stopSignal={undefined} onDone={() => (done = true)} />
        </Sized>,
      );
      mounted.push(app);
      await waitFor(() => done, 'the apply to end');
      await atEverySize(app, m.ui.stepOf(5, 6, m.ui.steps[4]!), ['100%']);
    } finally {
      await session.close();
    }
  });
});

describe('a lock wait and the abort question at every size', () => {
  it.runIf(onServer)('keep what is waited for, the holder and the question on screen', async () => {
    const { app, exit, m } = startWizard('en');
    const step = (n: number) => m.ui.stepOf(n, 6, m.ui.steps[n - 1]!);
    await withClient(school.pair.urls.prod, async (holder) => {
      await holder.query(`SET application_name = 'teacher-console'`);
      await holder.query(`BEGIN; UPDATE "Lessons" SET status = status WHERE lesson_id = 506`);
      await settle();
      await press(app, keys.enter, m.ui.keys.checksOk);
      await press(app, keys.enter, m.ui.stages.done(12));
      await settle();
      await press(app, 'c', m.ui.confirm.title);
      await settle();
      const prod = parseDbUrl(school.pair.urls.prod, 'prod').database;
      await press(app, keys.enter, m.ui.confirm.typeName(prod));
      await settle();
      app.stdin.write(prod);
      await press(app, keys.enter, step(5));
      await waitForText(app, 'teacher-console');
      await atEverySize(app, step(5), ['⏳ Waiting'], ['rows in prod that another transaction is changing', 'teacher-console']);
      await press(app, keys.ctrlC, m.ui.apply.abortQuestion.slice(0, 10));
      // the question may be cut at 40×10; its answers are on the key line
      await atEverySize(app, step(5), ['Abort?', 'y abort'], ['teacher-console']);
      await settle();
      app.stdin.write('y');
      await waitFor(() => exit.code !== undefined || frameOf(app).includes(step(6)), 'the rollback');
      await holder.query('ROLLBACK');
    });
  });
});

describe('the undo wizard at every size', () => {
  async function startUndo(config: Config, path: string) {
    const exit: { code?: number } = {};
    const app = render(<UndoApp config={config} prod={parseDbUrl(config.prodUrl!, 'prod')} file={await readUndoFile(path)} onExit={(code) => (exit.code = code)} />);
    mounted.push(app);
    return { app, exit };
  }

  it('fits its checks, plan, details, confirm and summary', async () => {
    const m = messages('en');
    const u = m.undo.ui;
    const step = (n: number) => m.ui.stepOf(n, 5, u.steps[n - 1]!);
    const path = tempPath('undo.json');
    await runSync(school.pair, { undoPath: path });
    const { app, exit } = await startUndo(testConfig(school.pair, { yes: false }), path);
    await waitForText(app, u.keys.checksOk);
    await atEverySize(app, step(1), [`${m.marks.ok} ${u.checks.schema}`]);
    await settle();
    await press(app, keys.enter, step(2));
    await atEverySize(app, step(2), ['➖']);
    await settle();
    await press(app, keys.enter, u.keys.details);
    await atEverySize(app, step(2), ['#']);
    await press(app, keys.escape, u.keys.plan);
    await settle();
    await press(app, 'c', u.confirmTitle);
    await atEverySize(app, step(3), [u.confirmTitle]);
    await settle();
    app.stdin.write(parseDbUrl(school.pair.urls.prod, 'prod').database);
    await press(app, keys.enter, step(5));
    await atEverySize(app, step(5), []);
    await settle();
    app.stdin.write('q');
    await waitFor(() => exit.code !== undefined, 'the undo wizard to exit');
    expect(exit.code).toBe(0);
  });
});
