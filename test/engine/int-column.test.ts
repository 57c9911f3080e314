import { describe, expect, it } from 'vitest';
import { IntColumn } from '../../source/engine/int-column.js';

describe('IntColumn', () => {
  it('keeps every value exactly across chunks, widening a chunk when a value needs it', () => {
    const column = new IntColumn();
    const values: number[] = [];
    for (let i = 0; i < 150_000; i++) {
      // bytes first, then ids past 255 and 2^32, a negative one, one past 2^32 again
      const value = i < 70_000 ? i % 200 : i === 100_000 ? 2 ** 40 + 3 : i === 120_000 ? -5 : i === 149_999 ? 2 ** 53 - 1 : i;
      values.push(value);
      column.push(value);
    }
    column.trim();
    expect(column.length).toBe(values.length);
    for (let i = 0; i < values.length; i++) if (column.at(i) !== values[i]) expect(`${i}: ${column.at(i)}`).toBe(`${i}: ${values[i]}`);
  });

  it('reads back after a trim at any length', () => {
    for (const length of [0, 1, 65_535, 65_536, 65_537]) {
      const column = new IntColumn();
      for (let i = 0; i < length; i++) column.push(i * 7);
      column.trim();
      expect(column.length).toBe(length);
      if (length) expect(column.at(length - 1)).toBe((length - 1) * 7);
    }
  });
});
