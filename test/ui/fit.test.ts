/** What gives way when the terminal is small: the pure decisions, before Ink draws. */
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { messages } from '../../source/i18n/index.js';
import { fitItems, fitKeyLine, fitTargetsLine, RANK } from '../../source/wizard/fit.js';
import { cursorWindow, wrapWords } from '../../source/wizard/text-lines.js';

describe('the key line', () => {
  it('is whole when it fits, and keeps how to leave and ? when it does not', () => {
    const keys = messages('en').ui.keys.planDry;
    expect(fitKeyLine(keys, 200)).toBe(keys);
    for (const width of [40, 60, 80]) {
      const line = fitKeyLine(keys, width);
      expect(stringWidth(line)).toBeLessThanOrEqual(width);
      expect(line).toContain('? keys');
      expect(line).toMatch(/q quit$/);
    }
  });

  it('shortens each hint to its keys and first word before it drops one', () => {
    expect(fitKeyLine('Enter continue to the plan · Esc edit URLs · q quit', 40)).toBe('Enter continue · Esc edit · q quit');
    expect(fitKeyLine('y keep and next · n leave out and next · b back · Esc end the review', 40)).toBe('y keep · n leave · b back · Esc end');
    // "PgUp PgDn", "Enter/Esc", "/" are keys, not the words after them
    expect(fitKeyLine('Enter/Esc close · ↑↓ next lesson · PgUp PgDn scroll · / search', 36)).toBe('Enter/Esc close · ↑↓ next · / search');
  });

  it('holds in every language, for every key line of both wizards, at 40 columns', () => {
    for (const lang of ['en', 'ru'] as const) {
      const m = messages(lang);
      for (const keys of [...Object.values(m.ui.keys), ...Object.values(m.undo.ui.keys)]) {
        const line = fitKeyLine(keys, 40);
        expect(stringWidth(line), line).toBeLessThanOrEqual(40);
        // a key line that offers a way out keeps it
        if (/(^|· )(\S+\/)?(q|Esc|Ctrl\+C)[ /]/.test(keys)) expect(line, `${keys} →`).toMatch(/(^|· )(\S+\/)?(q|Esc|Ctrl\+C)[ /]/);
      }
    }
  });
});

describe('the targets line', () => {
  it('names both databases when they fit, else prod alone: never a value under the other label', () => {
    expect(fitTargetsLine('sandbox: a@h:1/s', 'prod: b@h:2/p', 80)).toBe('sandbox: a@h:1/s  →  prod: b@h:2/p');
    expect(fitTargetsLine('sandbox: a@h:1/s', 'prod: b@h:2/p', 20)).toBe('prod: b@h:2/p');
    expect(fitTargetsLine(undefined, 'prod: demo@127.0.0.1:5432/prod', 20)).toBe('prod: demo@127.0.0.…');
  });
});

describe('fitting lines into rows', () => {
  const items = [
    { text: '✅ Connect to the sandbox (read-only session)', hang: 3, rank: RANK.line },
    { text: '   PostgreSQL 15.4 · round trip 0.4 ms' },
    { text: '❌ Connect to prod', hang: 3, rank: RANK.essential },
    { text: '   PostgreSQL 15.4 · round trip 0.3 ms' },
    { text: '· Schema of both databases', rank: RANK.line },
    { text: '❌ The prod server refused the connection: postgresql://u:***@db:5432/prod', rank: RANK.essential },
    { text: '💡 Check the host and port, and that the server is running.', rank: RANK.essential },
  ];
  const rowsOf = (width: number, height: number) => fitItems(items, width, height).flatMap((f) => f.rows);

  it('wraps between words, continuing under the hang, when there is room', () => {
    const rows = rowsOf(30, 50);
    expect(rows.slice(0, 2)).toEqual(['✅ Connect to the sandbox', '   (read-only session)']);
    expect(rows.every((row) => stringWidth(row) <= 30)).toBe(true);
  });

  it('drops the details first, then shortens, then drops the plain lines; what failed stays', () => {
    const rows = rowsOf(40, 6);
    expect(rows).toHaveLength(6);
    expect(rows.join('\n')).not.toContain('round trip');
    expect(rows).toContain('❌ Connect to prod');
    expect(rows.some((row) => row.startsWith('❌ The prod server refused'))).toBe(true);
    expect(rows.some((row) => row.startsWith('💡 Check the host'))).toBe(true);
    expect(rows.every((row) => stringWidth(row) <= 40)).toBe(true);
  });

  it('shortens a long line by its last rows, not to one row when more fit, saying it goes on', () => {
    const long = { text: `📄 Undo file /state/${'x'.repeat(100)}.json: the sync of 2026-12-07, 6 lessons`, rank: RANK.line };
    const rows = fitItems([long, { text: '✅ Connect to prod', rank: RANK.line }], 40, 4).flatMap((f) => f.rows);
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatch(/…$/);
    expect(rows[3]).toBe('✅ Connect to prod');
    expect(rows.every((row) => stringWidth(row) <= 40)).toBe(true);
  });

  it('shortens only as many lines as it must', () => {
    // no details to drop, room for all but one row: only one line, of the lowest rank, is cut
    const lines = items.filter((item) => item.rank !== undefined);
    const whole = fitItems(lines, 40, 50).flatMap((f) => f.rows).length;
    const rows = fitItems(lines, 40, whole - 1).flatMap((f) => f.rows);
    expect(rows).toHaveLength(whole - 1);
    expect(rows.filter((row) => row.endsWith('…'))).toEqual(['✅ Connect to the sandbox (read-only…']);
  });
});

describe('wrapping words', () => {
  it('breaks a word longer than a line inside it, and keeps the indent', () => {
    expect(wrapWords('   abcdefghij', 8)).toEqual(['   abcde', '   fghij']);
    expect(wrapWords('a bb ccc', 4)).toEqual(['a bb', 'ccc']);
    expect(wrapWords('', 10)).toEqual(['']);
  });
});

describe('the edited line', () => {
  const chars = [...'postgresql://user:***@host.example:5432/database'];

  it('is whole when it fits', () => {
    expect(cursorWindow(chars, chars.length, 80)).toEqual({ before: chars.join(''), under: ' ', after: '' });
  });

  it('keeps the cursor in view, at the end, at the start and in the middle, with … where text goes on', () => {
    const atEnd = cursorWindow(chars, chars.length, 20);
    expect(atEnd.before.startsWith('…')).toBe(true);
    expect(atEnd.before.endsWith('database')).toBe(true);
    const atStart = cursorWindow(chars, 0, 20);
    expect(atStart).toMatchObject({ before: '', under: 'p' });
    expect(atStart.after.endsWith('…')).toBe(true);
    for (const at of [0, 10, 25, chars.length]) {
      const view = cursorWindow(chars, at, 20);
      expect(stringWidth(view.before + view.under + view.after), `cursor at ${at}`).toBeLessThanOrEqual(20);
      expect(view.under).toBe(chars[at] ?? ' ');
    }
  });
});
