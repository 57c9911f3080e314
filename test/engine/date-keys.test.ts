import { describe, expect, it } from 'vitest';
import { DateKeys, decodeDateKey, displayOf, encodeDateKey } from '../../source/engine/date-keys.js';
import { hashStart } from '../../source/engine/hash-groups.js';

/** Texts as PostgreSQL prints dates and timestamps, and texts it may print otherwise. */
const ISO = [
  '2025-01-15',
  '0099-12-31',
  '2025-01-15 00:00:00',
  '2025-01-15 14:00:00',
  '2025-01-15 24:00:00',
  '2025-01-15 14:00:00.5',
  '2025-01-15 14:00:00.05',
  '2025-01-15 14:00:00.000625',
  '2025-01-15 14:00:00.999999',
  '9999-12-31 23:59:59.123456',
];
const OTHER = [
  '',
  'infinity',
  '-infinity',
  '2025-01-15 BC',
  '12025-01-15',
  '2025-01-15 14:00:00.50', // a fraction the server would print without its trailing zero
  '2025-01-15 14:00:00.',
  '2025-01-15T14:00:00',
  '2025-01-15 14:00:00+03',
  '15.01.2025 14:00:00',
  '0000-00-00',
  '2025-0a-15',
];

describe('lesson_date keys as numbers', () => {
  it('encodes the ISO texts and gives each back the same; other texts are not encoded', () => {
    for (const text of ISO) {
      const encoded = encodeDateKey(text);
      expect(encoded, text).toBeDefined();
      expect(decodeDateKey(...encoded!)).toBe(text);
    }
    for (const text of OTHER) expect(encodeDateKey(text), text).toBeUndefined();
  });

  it('gives each key back the same however often, its day and time of day shared with other keys', () => {
    const days = ['2025-01-15', '2025-01-16', '1999-12-31'];
    const times = ['', ' 00:00:00', ' 14:00:00', ' 09:30:05', ' 14:00:00.5', ' 24:00:00', ' 99:99:99'];
    const texts = days.flatMap((day) => times.map((time) => day + time));
    for (let round = 0; round < 2; round++) {
      for (const text of [...texts].reverse()) expect(decodeDateKey(...encodeDateKey(text)!)).toBe(text);
    }
  });

  it('shows each key as its text shows (a date at midnight, a time without its fraction), any text as it is', () => {
    const keys = new DateKeys();
    const texts = [...ISO, ...OTHER, '2025-01-15 14:00:00.5', '2025-01-16 14:00:00'];
    for (const text of texts) keys.push(text);
    texts.forEach((text, i) => expect(keys.displayAt(i), text).toBe(displayOf(text)));
    expect(keys.displayAt(0)).toBe('2025-01-15 00:00:00');
    expect(keys.displayAt(texts.indexOf('9999-12-31 23:59:59.123456'))).toBe('9999-12-31 23:59:59');
  });

  it('tells a date from midnight of that day, and every fraction apart', () => {
    const codes = ISO.map((text) => encodeDateKey(text)!.join('/'));
    expect(new Set(codes).size).toBe(ISO.length);
  });

  it('keeps any text, compares and hashes keys across columns exactly as their texts', () => {
    const texts = [...ISO, ...OTHER];
    const a = new DateKeys();
    const b = new DateKeys();
    for (const text of texts) a.push(text);
    for (const text of [...texts].reverse()) b.push(text);
    a.trim();
    b.trim();
    expect(texts.map((_, i) => a.at(i))).toEqual(texts);
    for (let i = 0; i < texts.length; i++) {
      for (let j = 0; j < texts.length; j++) {
        const k = texts.length - 1 - j; // where texts[j] is in b
        expect(a.same(i, b, k), `${texts[i]} / ${texts[j]}`).toBe(texts[i] === texts[j]);
        if (texts[i] === texts[j]) expect(a.mix(hashStart(7), i)).toBe(b.mix(hashStart(7), k));
      }
    }
    expect(new Set(texts.map((_, i) => a.mix(hashStart(7), i))).size).toBe(texts.length);
  });

  it('writes chosen keys as a JSON array of their texts, text kept as text (quotes, non-ASCII)', () => {
    const texts = [...ISO, ...OTHER, 'quoted "x" \\ ünïcödé', '2025-01-15'];
    const keys = new DateKeys();
    for (const text of texts) keys.push(text);
    const chosen = [3, 0, texts.length - 2, 12, texts.length - 1, 7];
    expect(JSON.parse(keys.json(chosen))).toEqual(chosen.map((i) => texts[i]));
    expect(keys.json([])).toBe('[]');
    const many = new DateKeys();
    for (let i = 0; i < 3; i++) many.push('x'.repeat(200));
    expect(JSON.parse(many.json([0, 1, 2]))).toEqual(['x'.repeat(200), 'x'.repeat(200), 'x'.repeat(200)]);
  });
});
