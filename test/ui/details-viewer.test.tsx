/** The details of a lesson cost what is on screen, however long its values. */
import { afterEach, describe, expect, it } from 'vitest';
import { DetailsPanel } from '../../source/wizard/components/DetailsPanel.js';
import { MessagesContext } from '../../source/wizard/context.js';
import { FrameContext } from '../../source/wizard/components/Frame.js';
import { messages } from '../../source/i18n/index.js';
import { wrapToWidth, displayWidth } from '../../source/wizard/text-lines.js';
import { syntheticEntries } from '../helpers/entries.js';
import { frameOf, keys, press, renderStep, settle } from '../helpers/ink.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

/** ink-testing-library's terminal is 100 columns wide: the frame says so too */
function mount(notes: string, lengths: Record<string, number> | null = null, columns = 100, height = 20) {
  const entry = syntheticEntries(1)[0]!; // a create
  const values = {
    status: 'done' as const,
    values: { sandbox: { values: { notes }, lengths, tasks: [] }, prod: undefined, tasksInProd: new Set<string>(), copied: ['notes'], defaulted: [] },
  };
  const app = renderStep(
    <MessagesContext.Provider value={messages('en')}>
      <FrameContext.Provider value={{ targets: undefined, dryRun: false, columns, rows: height + 4 }}>
        <DetailsPanel entry={entry} height={height} values={values} />
      </FrameContext.Provider>
    </MessagesContext.Provider>,
  );
  unmount = app.unmount;
  return app;
}

describe('the details viewer', () => {
  it('opens a 1 MB value in one frame of the panel\'s size, says there is more, and jumps to its end', async () => {
    const notes = `${'Домашнее задание 🙂 '.repeat(50_000)}END-OF-NOTES`;
    const app = mount(notes, { notes: notes.length + 20_000_000 });
    await settle();
    const first = frameOf(app);
    expect(first.split('\n').length).toBeLessThanOrEqual(20);
    expect(first).toMatch(/▼ more below \(lines 1–17 of [\d,]+\)/);
    expect(first).not.toContain('END-OF-NOTES');
    for (const line of first.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(100);
    const end = await press(app, 'G', 'END-OF-NOTES');
    expect(end.replace(/[\s│]/g, '')).toContain('(thefirst65,536of21,000,012characters)'); // wrapped across two lines
    expect(end).toMatch(/▲ lines [\d,]+–[\d,]+ of [\d,]+/);
    await settle();
    // PgDn at the end stays there
    app.stdin.write(keys.pageDown);
    await settle();
    expect(frameOf(app)).toBe(end);
    const top = await press(app, 'g', 'Lesson details');
    expect(top).toBe(first);
  });

  it('wraps by display width: an emoji and a CJK character take two columns, a combining mark none', () => {
    expect(displayWidth('ab🙂漢é')).toBe(7); // e + combining acute is one column
    expect(wrapToWidth('🙂🙂🙂', 5)).toEqual(['🙂🙂', '🙂']);
    expect(wrapToWidth('漢字かな', 4)).toEqual(['漢字', 'かな']);
    expect(wrapToWidth('', 4)).toEqual(['']);
  });
});
