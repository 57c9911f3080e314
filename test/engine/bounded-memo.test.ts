import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../source/engine/bounded-memo.js';

describe('a bounded memo', () => {
  it('makes a value once a key, and past its limit still gives the right value without keeping it', () => {
    const memo = new BoundedMemo<number, string>(2);
    const made: number[] = [];
    const make = (n: number) => {
      made.push(n);
      return `#${n}`;
    };
    expect([1, 2, 1, 2].map((n) => memo.get(n, make))).toEqual(['#1', '#2', '#1', '#2']);
    expect(made).toEqual([1, 2]);
    expect([3, 3, 1].map((n) => memo.get(n, make))).toEqual(['#3', '#3', '#1']);
    expect(made).toEqual([1, 2, 3, 3]);
  });
});
