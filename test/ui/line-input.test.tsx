/** The wizard's one-line input edits as a shell's line does, wherever the cursor is. */
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { LineInput } from '../../source/wizard/components/LineInput.js';
import { maskUrlInput } from '../../source/wizard/steps/UrlStep.js';
import { frameOf, renderStep, settle, waitFor } from '../helpers/ink.js';

const k = {
  left: '\u001B[D',
  right: '\u001B[C',
  home: '\u001B[H',
  end: '\u001B[F',
  backspace: '\u007F',
  delete: '\u001B[3~',
  ctrlA: '\u0001',
  ctrlE: '\u0005',
  ctrlW: '\u0017',
  ctrlU: '\u0015',
  ctrlK: '\u000B',
};

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function Field({ initial, display, submitted }: { initial: string; display?: (v: string) => string; submitted: string[] }) {
  const [value, setValue] = useState(initial);
  return <LineInput value={value} onChange={setValue} focused display={display} onSubmit={(v) => submitted.push(v)} />;
}

/** The frame with the cursor shown as | before the character under it. */
async function typed(keys: string[], initial = '', display?: (v: string) => string) {
  const submitted: string[] = [];
  const app = renderStep(<Field initial={initial} display={display} submitted={submitted} />);
  unmount = app.unmount;
  await settle();
  for (const key of keys) {
    app.stdin.write(key);
    await settle();
  }
  app.stdin.write('\r');
  // a paste is typed a character at a time, each after the one before is drawn
  await waitFor(() => submitted.length > 0, 'the line to be submitted');
  return { frame: frameOf(app), value: submitted.at(-1) };
}

describe('the line input', () => {
  it('moves with ←/→, Home/End and Ctrl+A/Ctrl+E, and inserts where the cursor is', async () => {
    expect((await typed([k.left, k.left, 'X'], 'abcd')).value).toBe('abXcd');
    expect((await typed([k.home, '>', k.end, '<'], 'abcd')).value).toBe('>abcd<');
    expect((await typed([k.ctrlA, '[', k.ctrlE, ']'], 'ab')).value).toBe('[ab]');
    expect((await typed([k.home, k.right, '-'], 'ab')).value).toBe('a-b');
  });

  it('tells Backspace (before the cursor) from Delete (at it)', async () => {
    expect((await typed([k.left, k.backspace], 'abcd')).value).toBe('abd');
    expect((await typed([k.left, k.left, k.delete], 'abcd')).value).toBe('abd');
    expect((await typed([k.home, k.backspace], 'ab')).value).toBe('ab');
    expect((await typed([k.delete], 'ab')).value).toBe('ab');
  });

  it('kills a word with Ctrl+W, to the start with Ctrl+U, to the end with Ctrl+K; pastes at the cursor', async () => {
    expect((await typed([k.ctrlW], 'postgresql://u@host db')).value).toBe('postgresql://u@host ');
    expect((await typed([k.left, k.left, k.ctrlU], 'abcd')).value).toBe('cd');
    expect((await typed([k.home, k.right, k.ctrlK], 'abcd')).value).toBe('a');
    expect((await typed([k.left, 'pasted text'], 'ab')).value).toBe('apasted textb');
    expect((await typed(['ü🙂', k.left, 'x'], '')).value).toBe('üx🙂'); // an emoji is one step
  });

  it('keeps a password masked wherever the cursor is', async () => {
    const url = 'postgresql://bob:hunter2@db/x';
    const { frame, value } = await typed([k.home, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, k.right, 'Z'], url, maskUrlInput);
    expect(value).toBe('postgresql://bob:hZunter2@db/x');
    expect(frame).not.toMatch(/hunter|Zunter/);
    expect(frame).toContain('postgresql://bob:***@db/x');
  });


  it('takes a long paste as one edit, and letters typed ahead one by one', async () => {
    const changes: string[] = [];
    function Counted() {
      const [value, setValue] = useState('ab');
      return (
        <LineInput
          value={value}
          focused
          onChange={(next) => {
            changes.push(next);
            setValue(next);
          }}
        />
      );
    }
    const app = renderStep(<Counted />);
    unmount = app.unmount;
    await settle();
    const pasted = 'postgresql://user:secret@db.example.com:5432/lessons?sslmode=require';
    app.stdin.write(pasted);
    await waitFor(() => changes.length > 0, 'the paste');
    await settle();
    expect(changes).toEqual([`ab${pasted}`]);
    app.stdin.write('xyz');
    await waitFor(() => changes.length === 4, 'three letters, a change each');
    expect(changes.at(-1)).toBe(`ab${pasted}xyz`);
  });
});
