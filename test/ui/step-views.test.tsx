/** The checks, apply and summary steps on their own: what each draws, state by state. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summarize } from '../../source/engine/summary.js';
import { parseTargets, Session } from '../../source/sync/session.js';
import { FrameContext } from '../../source/wizard/components/Frame.js';
import type { ApplyResult } from '../../source/wizard/hooks/use-apply.js';
import { ApplyStep } from '../../source/wizard/steps/ApplyStep.js';
import { ChecksStep } from '../../source/wizard/steps/ChecksStep.js';
import { SummaryStep } from '../../source/wizard/steps/SummaryStep.js';
import { demoSchoolPerTest, REFUSED_AT_THE_WRITE } from '../helpers/databases.js';
import { syntheticEntries } from '../helpers/entries.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { frameOf, keys, press, renderStep, settle, waitFor, waitForText } from '../helpers/ink.js';
import { closedPort } from '../helpers/silent-server.js';
import type { ReactElement } from 'react';

const school = demoSchoolPerTest();
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

/** A step as the wizard shows it, at 100×24 (ink-testing-library's width), with no targets in the header. */
function mount(step: ReactElement) {
  const app = renderStep(<FrameContext.Provider value={{ targets: undefined, dryRun: false, columns: 100, rows: 24 }}>{step}</FrameContext.Provider>);
  cleanup.push(() => app.unmount());
  return app;
}

/** The frame without trailing blanks, line by line. */
const lines = (frame: string) => frame.split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();

describe('the checks step', () => {
  it('ticks off each check, then continues with the open session', async () => {
    const opened: Session[] = [];
    const onContinue = vi.fn();
    const app = mount(
      <ChecksStep
        targets={parseTargets(school.pair.urls.sandbox, school.pair.urls.prod)}
        onOpened={(s) => opened.push(s)}
        onContinue={onContinue}
        onBack={vi.fn()}
        onQuit={vi.fn()}
      />,
    );
    cleanup.push(() => Promise.all(opened.map((s) => s.close())));
    const frame = await waitForText(app, 'Enter continue to the plan');
    expect(frame).toMatch(/✅ Connect to the sandbox \(read-only session\)\n\s+PostgreSQL \S+.* · round trip [\d.]+ ms/);
    expect(frame).toContain('✅ Sandbox and prod are different databases');
    expect(frame).toContain('✅ Schema of both databases\n   every required table and column is there');
    expect(opened).toHaveLength(1);
    await settle();
    app.stdin.write(keys.enter);
    await waitFor(() => onContinue.mock.calls.length === 1, 'Enter to continue');
  });

  it('shows a failure with its hint, leaves the later checks pending, retries on r once the server is there, edits on e', async () => {
    const port = await closedPort();
    const prod = new URL(school.pair.urls.prod);
    const unreachable = new URL(school.pair.urls.prod);
    unreachable.port = String(port);
    const opened: Session[] = [];
    const onBack = vi.fn();
    const app = mount(
      <ChecksStep
        targets={parseTargets(school.pair.urls.sandbox, unreachable.toString())}
        onOpened={(s) => opened.push(s)}
        onContinue={vi.fn()}
        onBack={onBack}
        onQuit={vi.fn()}
      />,
    );
    cleanup.push(() => Promise.all(opened.map((s) => s.close())));
    const frame = await waitForText(app, 'r retry');
    expect(frame).toContain('❌ Connect to prod');
    expect(frame).toContain('· Sandbox and prod are different databases');
    expect(frame).toContain('· Schema of both databases');
    expect(frame).toMatch(new RegExp(`❌ The prod server refused the connection:\\s+postgres(ql)?://\\S+@127\\.0\\.0\\.1:${port}/`));
    expect(frame).toContain('💡 Check the host and port');

    // the server comes up on that port: r tries again, and this time every check passes
    const proxy = await startFaultProxy(prod.hostname, Number(prod.port || 5432), port);
    cleanup.push(() => proxy.close());
    await settle();
    await press(app, 'r', 'Enter continue to the plan');
    expect(opened).toHaveLength(1);
    await settle();
    app.stdin.write(keys.escape);
    await waitFor(() => onBack.mock.calls.length === 1, 'Esc to go back to the URLs');
  });
});

describe('the apply step', () => {
  it('writes in one transaction, shows the progress and the lessons prod refuses, and hands the outcome over', async () => {
    await school.pair.query('prod', REFUSED_AT_THE_WRITE);
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    cleanup.push(() => session.close());
    const plan = await session.plan({ students: [] });
    let result: ApplyResult | undefined;
    const app = mount(<ApplyStep session={session} plan={plan} stopSignal={undefined} onDone={(r) => (result = r)} />);
    await waitFor(() => result !== undefined, 'apply to end');
    expect(result!.kind).toBe('done');
    const outcome = result as Extract<ApplyResult, { kind: 'done' }>;
    expect(summarize(outcome.entries)).toMatchObject({ created: 2, updated: 2, errors: 3 });
    const frame = await waitForText(app, '100%');
    expect(frame).toMatch(/5\/5 lessons · [\d.]+ s · [\d,]+ lessons\/s/);
    expect(frame).toContain('Errors so far:');
    expect(frame).toContain('2025-01-06 10:00:00 Петр Петров: ❌ Write failed, lesson left out: no bonus points: 120');
  });
});

describe('the summary step', () => {
  it('draws the seed summary, what changed meanwhile and what failed, and the exit code', async () => {
    const entries = syntheticEntries(5);
    entries[1] = { ...entries[1]!, action: 'skip', reason: 'changed-since-preview' };
    const summary = summarize(entries);
    const onSave = vi.fn();
    const app = mount(<SummaryStep summary={summary} entries={entries} problem={undefined} reportLine={undefined} exitCode={1} onSave={onSave} onExit={vi.fn()} />);
    await settle();
    expect(lines(frameOf(app))).toBe(
      [
        'lesson-sync · 6/6 Summary',
        '',
        '============================================================',
        '📊 Sync summary:',
        '  ✅ Synced: 1',
        '  ⏭️  Skipped: 3',
        '  ❌ Errors: 1',
        '     ➕ created: 1 · 🔄 updated: 0',
        '     📎 tasks copied: 0 · ⚠️ tasks missing in prod: 0',
        '  ⏭️  Changed since the preview: 1',
        '============================================================',
        '',
        'Changed since the preview (left as they are):',
        '  2025-01-02 10:00 Student 1 (pid-0001): skip: changed meanwhile',
        '',
        'Errors:',
        '  2025-01-05 10:00 Student 4 (pid-0004): error: 2+ prod lessons',
        'Exit code 1.',
        ...Array(5).fill(''), // the frame keeps the terminal's height: the keys stay on its last line
        's save report · Enter/q exit',
      ].join('\n'),
    );
    app.stdin.write('s');
    await waitFor(() => onSave.mock.calls.length === 1, 's to save');
  });

  it('shows only the problem when nothing was committed', async () => {
    const app = mount(
      <SummaryStep summary={undefined} entries={[]} problem={['Nothing was committed.', '❌ Stopped']} reportLine={undefined} exitCode={3} onSave={undefined} onExit={vi.fn()} />,
    );
    await settle();
    expect(frameOf(app)).toContain('Nothing was committed.\n❌ Stopped');
    expect(frameOf(app)).toContain('Exit code 3.');
    expect(frameOf(app)).not.toContain('s save report');
  });
});
