/** Drive an Ink tree as a person would: write a key, wait for the frame it causes. */
import { render } from 'ink-testing-library';
import { createElement, type ReactElement } from 'react';
import { KeyRouter } from '../../source/wizard/hooks/use-keys.js';
import { waitFor } from './wait.js';

type Rendered = ReturnType<typeof render>;

/** Renders one wizard step as the wizard does: under the key router. */
export function renderStep(step: ReactElement): Rendered {
  return render(createElement(KeyRouter, null, step));
}

export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  ctrlC: '\u0003',
  ctrlU: '\u0015',
};

export { waitFor };

export function frameOf(app: Rendered): string {
  return app.lastFrame() ?? '';
}

export async function waitForText(app: Rendered, text: string | RegExp, timeoutMs?: number): Promise<string> {
  const has = () => (typeof text === 'string' ? frameOf(app).includes(text) : text.test(frameOf(app)));
  await waitFor(has, `"${String(text)}" in:\n${frameOf(app)}`, timeoutMs);
  return frameOf(app);
}

/** Writes a key and waits until the frame shows `until` (or merely changes). */
export async function press(app: Rendered, key: string, until?: string | RegExp): Promise<string> {
  const before = frameOf(app);
  app.stdin.write(key);
  if (until !== undefined) return waitForText(app, until);
  await waitFor(() => frameOf(app) !== before, `a new frame after ${JSON.stringify(key)}:\n${before}`);
  return frameOf(app);
}

/**
 * Lets React finish the commit whose frame a test just saw: its passive effects (where
 * Ink's useInput, and so ink-select-input, subscribe to keys) were queued on React's
 * scheduler before that frame was written, so a turn queued now runs after them. Not a
 * sleep: it waits for exactly that work, however slow the machine.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** The terminal is resized to `size`: the stream says so, as a terminal's does (SIGWINCH). */
export function resize(app: Rendered, size: TerminalSize): void {
  Object.defineProperty(app.stdout, 'columns', { configurable: true, get: () => size.columns });
  Object.defineProperty(app.stdout, 'rows', { configurable: true, get: () => size.rows });
  app.stdout.emit('resize');
}
