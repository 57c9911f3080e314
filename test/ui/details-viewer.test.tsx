/** The details of a lesson cost what is on screen, however long its values. */
import { afterEach, describe, expect, it } from 'vitest';
import { DetailsPanel } from '../../source/wizard/components/DetailsPanel.js';
import { MessagesContext } from '../../source/wizard/context.js';
import { FrameContext } from '../../source/wizard/components/Frame.js';
import { messages } from '../../source/i18n/index.js';
import { wrapToWidth, displayWidth } from '../../source/wizard/text-lines.js';
import { syntheticEntries } from '../helpers/entries.js';
import { valueLines } from '../../source/wizard/format.js';
import { frameOf, keys, press, renderStep, settle, waitForText } from '../helpers/ink.js';

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

describe('keys faster than frames', () => {
  it('scrolls a page for each PgDn of a burst (a held key), and stays at the end', async () => {
    const notes = Array.from({ length: 400 }, (_, i) => `line ${i + 1}`).join('\n');
    const app = mount(notes);
    await settle();
    app.stdin.write(keys.pageDown.repeat(5));
    // 17 lines a page, 16 a step (one stays in view): after five, line 81 is the first
    const frame = await waitForText(app, /lines 81–97 of/);
    expect(frame).toMatch(/▼ more below \(lines 81–97 of \d+\)/);
    app.stdin.write(keys.pageDown.repeat(200));
    await waitForText(app, 'line 400');
  });
});

describe('a value of many lines', () => {
  it('keeps its line breaks as lines under the column, escapes tabs and other controls', async () => {
    const notes = 'Задание 1:\tрешить 🙂\r\nЗадание 2: \u001b[31mкрасный\nЗадание 3';
    const app = mount(notes);
    await settle();
    const frame = frameOf(app);
    const rows = frame.split('\n').map((row) => row.replace(/^│ /, '').replace(/\s*│$/, ''));
    const first = rows.findIndex((row) => row.startsWith('  notes = '));
    expect(rows.slice(first, first + 3)).toEqual([
      '  notes = Задание 1:\\tрешить 🙂',
      '          Задание 2: \\u001b[31mкрасный',
      '          Задание 3',
    ]);
    expect(frame).not.toContain('\u001b[31m');
  });

  it('in an update, shows prod now and then what the sandbox writes, each under its own mark', () => {
    const entry = syntheticEntries(2)[1]!; // an update of topic and notes
    const row = (values: Record<string, string | null>) => ({ values, lengths: null, tasks: [] });
    const lines = valueLines(
      entry,
      { sandbox: row({ topic: 'Дроби', notes: 'строка 1\nстрока 2' }), prod: row({ topic: '', notes: null }), tasksInProd: new Set(), copied: [], defaulted: [] },
      messages('en'),
    );
    expect(lines).toEqual(['Prod now → what the sandbox writes', '  topic: "" → Дроби', '  notes: ∅', '    → строка 1', '      строка 2']);
  });
});
