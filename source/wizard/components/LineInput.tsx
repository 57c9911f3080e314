import { Text } from './Text.js';
import { useKeys } from '../hooks/use-keys.js';
import { useRef, useState } from 'react';
import { cursorWindow } from '../text-lines.js';

export interface LineInputProps {
  value: string;
  onChange: (value: string) => void;
  /** gets the submitted value (a paste may end in a newline) */
  onSubmit?: (value: string) => void;
  focused: boolean;
  placeholder?: string;
  /** how the value is shown (the URL field hides its password); the cursor shows where display(text before it) ends */
  display?: (value: string) => string;
  /**
   * the columns it may take on its line: a longer value shows the part around the cursor.
   * Without it the value is shown whole, wrapped over as many lines as it needs.
   */
  width?: number;
}

/** Where a word before `at` begins (Ctrl+W): spaces, then the word. */
function wordStart(chars: readonly string[], at: number): number {
  let i = at;
  while (i > 0 && /\s/.test(chars[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(chars[i - 1]!)) i--;
  return i;
}

/**
 * A one-line input that edits as a shell's line does: ←/→, Home/End, Ctrl+A/Ctrl+E move;
 * Backspace and Delete at the cursor; Ctrl+W the word before it, Ctrl+U all before it,
 * Ctrl+K all after it; typed or pasted text goes in at the cursor; Enter submits.
 */
export function LineInput({ value, onChange, onSubmit, focused, placeholder, display = (v) => v, width }: LineInputProps) {
  // Keys can arrive faster than React redraws: edit the latest value, not the last rendered one.
  const live = useRef(value);
  const rendered = useRef(value);
  /** in characters (code points), not UTF-16 units: an emoji is one step */
  const cursor = useRef([...value].length);
  const [, redraw] = useState(0);
  if (rendered.current !== value) {
    // changed from outside (cleared, prefilled): the cursor goes to its end
    if (live.current !== value) cursor.current = [...value].length;
    rendered.current = live.current = value;
  }
  const set = (chars: string[], at: number) => {
    cursor.current = at;
    const next = chars.join('');
    live.current = next;
    if (next === rendered.current) redraw((n) => n + 1);
    else onChange(next);
  };
  const move = (at: number) => {
    cursor.current = Math.max(0, Math.min(at, [...live.current].length));
    redraw((n) => n + 1);
  };
  useKeys(
    (input, key) => {
      const chars = [...live.current];
      const at = Math.min(cursor.current, chars.length);
      if (key.return) onSubmit?.(live.current);
      else if (key.leftArrow) move(at - 1);
      else if (key.rightArrow) move(at + 1);
      else if (key.home || (key.ctrl && input === 'a')) move(0);
      else if (key.end || (key.ctrl && input === 'e')) move(chars.length);
      else if (key.backspace) at > 0 && set([...chars.slice(0, at - 1), ...chars.slice(at)], at - 1);
      else if (key.delete) at < chars.length && set([...chars.slice(0, at), ...chars.slice(at + 1)], at);
      else if (key.ctrl && input === 'w') set([...chars.slice(0, wordStart(chars, at)), ...chars.slice(at)], wordStart(chars, at));
      else if (key.ctrl && input === 'u') set(chars.slice(at), 0);
      else if (key.ctrl && input === 'k') set(chars.slice(0, at), at);
      else if (!key.ctrl && !key.meta && !key.tab && !key.escape && !key.upArrow && !key.downArrow && !key.pageUp && !key.pageDown && input) {
        const [line = '', ...rest] = input.split(/\r\n|\r|\n/);
        const typed = [...line];
        const next = [...chars.slice(0, at), ...typed, ...chars.slice(at)];
        set(next, at + typed.length);
        if (rest.length) onSubmit?.(next.join(''));
      }
    },
    { isActive: focused },
  );
  const shown = [...display(value)];
  if (!shown.length && !focused) return <Text dimColor>{placeholder ?? ''}</Text>;
  // where the cursor shows: after the shown form of the text before it (inside a masked
  // password, at the mask's end: the mask never says how long it is)
  const at = Math.min([...display([...value].slice(0, cursor.current).join(''))].length, shown.length);
  const view = width === undefined ? { before: shown.slice(0, at).join(''), under: shown[at] ?? ' ', after: shown.slice(at + 1).join('') } : cursorWindow(shown, at, width);
  return (
    <Text wrap="wrap">
      {shown.length ? <Text>{view.before}</Text> : <Text dimColor>{placeholder ?? ''}</Text>}
      {focused ? <Text inverse>{view.under}</Text> : <Text>{view.under.trim()}</Text>}
      {shown.length ? <Text>{view.after}</Text> : null}
    </Text>
  );
}
