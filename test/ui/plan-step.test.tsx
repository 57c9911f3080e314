import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlanEntries } from '../../source/engine/plan-entries.js';
import { summarize } from '../../source/engine/summary.js';
import type { PlanEntry } from '../../source/engine/types.js';
import { SandboxLessons } from '../../source/engine/sandbox-lessons.js';
import { TaskTable } from '../../source/engine/task-table.js';
import { FrameContext } from '../../source/wizard/components/Frame.js';
import { renderStats } from '../../source/wizard/components/PlanList.js';
import type { Planning } from '../../source/wizard/hooks/use-planning.js';
import { addCounts, emptyCounts } from '../../source/wizard/plan-view.js';
import { useSelection } from '../../source/wizard/hooks/use-selection.js';
import { PlanStep, type PlanStepProps } from '../../source/wizard/steps/PlanStep.js';
import { syntheticEntries } from '../helpers/entries.js';
import { frameOf, keys, press, renderStep, settle, waitFor, waitForText } from '../helpers/ink.js';

const ROWS = 24;

/** `entries`: the array behind the list, for a test to change before it mounts the step. */
function planningOf(count: number): Planning & { entries: PlanEntry[] } {
  const entries = syntheticEntries(count);
  const summary = summarize(entries, true);
  return {
    stage: 'done',
    entries,
    count,
    total: count,
    previewed: 0,
    counts: addCounts(emptyCounts(), entries),
    plan: { sandbox: { lessons: SandboxLessons.from([]), tasks: TaskTable.from([]) }, entries: PlanEntries.of(entries), summary, filters: { students: [] } },
    error: undefined,
    lockWait: undefined,
  };
}

/** The step with the operator's choice held above it, as the wizard holds it. */
function Chooser({ planning, dryRun, handlers }: { planning: Planning; dryRun: boolean; handlers: Omit<PlanStepProps, 'planning' | 'choice' | 'dryRun' | 'defaultReportPath' | 'defaultPlanPath'> }) {
  const choice = useSelection();
  return <PlanStep planning={planning} choice={choice} dryRun={dryRun} defaultReportPath="report.json" defaultPlanPath="plan.json" {...handlers} />;
}

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

/** Renders the step (unmounted after the test) and lets Ink subscribe to stdin. */
async function mount(planning: Planning, dryRun = false) {
  const handlers = { onContinue: vi.fn(), onBack: vi.fn(), onQuit: vi.fn(), onSaveReport: vi.fn(() => 'saved!'), onSavePlan: vi.fn(async (path: string) => `plan saved to ${path}`) };
  const app = renderStep(
    <FrameContext.Provider value={{ targets: undefined, dryRun, columns: 100, rows: ROWS }}>
      <Chooser planning={planning} dryRun={dryRun} handlers={handlers} />
    </FrameContext.Provider>,
  );
  unmount = app.unmount;
  await settle();
  return { app, ...handlers };
}

/** `/`, the text typed a key at a time, Enter: the list shows the one lesson found. */
async function search(app: Awaited<ReturnType<typeof mount>>['app'], text: string): Promise<void> {
  await press(app, '/', '🔎');
  for (const ch of text) app.stdin.write(ch);
  await waitForText(app, `🔎 / ${text}`);
  await press(app, keys.enter, '1 of 50');
}

describe('the plan step', () => {
  it('while planning follows the newest lessons planned, but shows a preview from its first', async () => {
    const live = (previewed: number) => ({ ...planningOf(200), stage: previewed ? 'reading-sandbox' : 'planning', previewed, plan: undefined }) as const;
    let { app } = await mount(live(200));
    expect(frameOf(app)).toContain('the first 200 planned ahead');
    expect(frameOf(app)).toContain('Student 0 ');
    expect(frameOf(app)).not.toContain('Student 199 ');
    unmount!();
    ({ app } = await mount(live(0)));
    expect(frameOf(app)).toContain('Planning 200/200');
    expect(frameOf(app)).toContain('Student 199 ');
    expect(frameOf(app)).not.toContain('Student 0 ');
  });

  it('draws 100,000 lessons within the terminal height, and a cursor move redraws two rows', async () => {
    const { app } = await mount(planningOf(100_000));
    const frame = frameOf(app);
    expect(frame.split('\n').length).toBeLessThanOrEqual(ROWS);
    expect(frame).toContain('Student 0 ');
    expect(frame).toContain('1/100,000');
    expect(frame).toContain('📊 100,000 lessons planned   ➕ 20,000 🔄 20,000 ✅ 20,000 ⏭️ 20,000 ❌ 20,000');
    expect(frame).not.toContain('Student 500 ');

    renderStats.rows = 0;
    await press(app, keys.down, '2/100,000');
    expect(renderStats.rows).toBe(2); // the row that lost the cursor and the one that got it

    renderStats.rows = 0;
    await press(app, keys.end, '100,000/100,000');
    expect(frameOf(app)).toContain('Student 99999 ');
    expect(renderStats.rows).toBeLessThanOrEqual(ROWS);
    expect(frameOf(app).split('\n').length).toBeLessThanOrEqual(ROWS);

    await press(app, keys.home, '1/100,000');
    await press(app, keys.pageDown, /\b(1[0-9]|2[0-9])\/100,000/);
  });

  it('filters by status, searches, and shows the details of the lesson under the cursor', async () => {
    const { app } = await mount(planningOf(50));
    let frame = await press(app, 'f', 'filter: ➕ create');
    expect(frame).toContain('10 of 50');
    expect(frame).not.toContain('filled in prod');
    frame = await press(app, 'f', 'filter: 🔄 update');
    expect(frame).toContain('fill 2 fields');

    await search(app, 'pid-0011');
    expect(frameOf(app)).toContain('Student 11 ');

    frame = await press(app, keys.enter, 'Lesson details');
    expect(frame).toContain('Fields that will be filled');
    expect(frame).toContain('topic, notes');
    expect(frame).toContain('Tasks missing in prod');
    expect(frame).toContain('#99');
    await press(app, keys.escape);
    expect(frameOf(app)).not.toContain('Lesson details');
    frame = await press(app, keys.escape, 'filter: all');
    expect(frame).not.toContain('search:');

    await search(app, 'pid-0012');
    frame = await press(app, keys.enter, 'Lesson details');
    expect(frame).toContain('filled in prod');
    expect(frame).toMatch(/Already filled in prod \(kept\)[\s│]+topic/);
    expect(frame).not.toContain('Fields that will be filled');
  });

  it('lists every key on ?', async () => {
    const { app } = await mount(planningOf(5));
    const frame = await press(app, '?', 'Keys');
    expect(frame).toContain('search by student name or platform_id');
    await press(app, 'x', 'filter: all');
  });

  it('continues on c, or in a dry run only offers the report', async () => {
    const live = await mount(planningOf(5));
    expect(frameOf(live.app)).toContain('c continue');
    live.app.stdin.write('c');
    await waitFor(() => live.onContinue.mock.calls.length > 0, 'c to continue');
    expect(live.onContinue).toHaveBeenCalledTimes(1);
    live.app.unmount();

    const dry = await mount(planningOf(5), true);
    expect(frameOf(dry.app)).not.toContain('continue');
    dry.app.stdin.write('c');
    await press(dry.app, 's', 'Save the JSON report to:');
    await press(dry.app, keys.enter, 'saved!');
    expect(dry.onSaveReport).toHaveBeenCalledWith('report.json');
    // an edit cancelled with Esc is not kept: the prompt opens on its default again
    await press(dry.app, 'p', 'Save the plan to: plan.json');
    await settle();
    await press(dry.app, 'q', 'Save the plan to: plan.jsonq');
    await settle();
    await press(dry.app, keys.escape);
    await settle();
    const reopened = await press(dry.app, 'p', 'Save the plan to: plan.json');
    expect(reopened).not.toContain('plan.jsonq');
    await settle();
    await press(dry.app, keys.enter, 'plan saved to plan.json');
    expect(dry.onSavePlan).toHaveBeenCalledWith('plan.json');
    expect(dry.onContinue).not.toHaveBeenCalled();
  });

  it('shows lessons live while they are planned, following the newest', async () => {
    const planning = planningOf(200);
    const { app } = await mount({ ...planning, stage: 'planning', count: 60, plan: undefined });
    const frame = frameOf(app);
    expect(frame).toContain('Planning 60/200');
    expect(frame).toContain('Student 59 ');
    expect(frame).not.toContain('Student 0 ');
  });

  it('shows names and messages from the databases with their control characters escaped, in the list and the details', async () => {
    const planning = planningOf(5);
    const hostile = 'Evil\u001b]0;pwned\u0007\u009b2J';
    planning.entries[0]!.studentName = hostile;
    planning.entries[4]!.studentName = hostile;
    planning.entries[4]!.message = 'ids 5\u001b[2J, 6';
    const { app } = await mount(planning);
    const raw = /\u001b\]|\u0007|\u009b/; // OSC, BEL, one-byte CSI: never sent (Ink's own colours use ESC [)
    expect(frameOf(app)).not.toMatch(raw);
    expect(frameOf(app)).toContain('Evil\\u001b]0;pwned\\u0007\\u009b2J');
    await press(app, keys.end);
    const details = await press(app, keys.enter, 'ids 5');
    expect(details).not.toMatch(raw);
    expect(details).not.toContain('\u001b[2J');
    expect(details).toContain('#ids 5\\u001b[2J and #6');
  });

  it('Space leaves the lesson under the cursor out (and back in), a toggles what the filter shows, Space on a filled lesson changes nothing', async () => {
    const { app } = await mount(planningOf(10)); // 2 creates, 2 updates among 10
    let frame = frameOf(app);
    expect(frame).toContain('to write: 4 of 4');
    expect(frame).toMatch(/● ➕ [^\n]*Student 0 /);
    frame = await press(app, ' ', 'to write: 3 of 4');
    expect(frame).toMatch(/○ ➕ [^\n]*Student 0 /);
    frame = await press(app, ' ', 'to write: 4 of 4');
    expect(frame).toMatch(/● ➕ [^\n]*Student 0 /);

    await press(app, keys.down, '2/10');
    await press(app, keys.down, '3/10'); // lesson 3: filled in prod
    frame = await press(app, ' ', 'nothing to write for this lesson');
    expect(frame).toContain('to write: 4 of 4');

    await press(app, 'f', 'filter: ➕ create');
    frame = await press(app, 'a', 'to write: 2 of 4');
    expect(frame).not.toContain('● ➕');
    await press(app, keys.escape, 'filter: all');
    frame = frameOf(app);
    expect(frame).toMatch(/● 🔄 [^\n]*Student 1 /); // updates stay chosen
    frame = await press(app, 'a', 'to write: 4 of 4'); // some were out: a takes every one back
    expect(frame).not.toContain('○');
  });

  it('takes keys typed faster than frames each from where the one before left: Space ↓ Space in one burst leaves two lessons out', async () => {
    const { app } = await mount(planningOf(10)); // lessons 1 (create) and 2 (update) first
    app.stdin.write(` ${keys.down} `);
    const frame = await waitForText(app, 'to write: 2 of 4');
    expect(frame).toMatch(/○ ➕ [^\n]*Student 0 /);
    expect(frame).toMatch(/○ 🔄 [^\n]*Student 1 /);
    expect(frame).toContain('2/10');
  });

  it('reviews a burst of answers one lesson each: n n leaves the first two creates and updates out', async () => {
    const { app } = await mount(planningOf(10));
    await press(app, 'r', 'Review 1 / 4');
    await settle();
    app.stdin.write('nn');
    const frame = await waitForText(app, 'Review 3 / 4');
    expect(frame).toContain('to write: 2 of 4');
  });
});
