import { Text } from './Text.js';
import { useKeys } from '../hooks/use-keys.js';
import { useRef } from 'react';

export interface LineInputProps {
  value: string;
  onChange: (value: string) => void;
  /** gets the submitted value (a paste may end in a newline) */
  onSubmit?: (value: string) => void;
  focused: boolean;
  placeholder?: string;
  /** how the value is shown (the URL field hides its password) */
  display?: (value: string) => string;
}

/** A one-line input: type or paste, Backspace, Ctrl+U clears, Enter submits. */
export function LineInput({ value, onChange, onSubmit, focused, placeholder, display = (v) => v }: LineInputProps) {
  // Keys can arrive faster than React redraws: edit the latest value, not the last rendered one.
  const live = useRef(value);
  const rendered = useRef(value);
  if (rendered.current !== value) rendered.current = live.current = value;
  const set = (next: string) => {
    live.current = next;
    onChange(next);
  };
  useKeys(
    (input, key) => {
      const value = live.current;
      if (key.return) onSubmit?.(value);
      else if (key.backspace || key.delete) set(value.slice(0, -1));
      else if (key.ctrl && input === 'u') set('');
      else if (!key.ctrl && !key.meta && !key.tab && !key.escape && !key.upArrow && !key.downArrow && input) {
        const [line = '', ...rest] = input.split(/\r\n|\r|\n/);
        const next = value + line;
        set(next);
        if (rest.length) onSubmit?.(next);
      }
    },
    { isActive: focused },
  );
  const shown = display(value);
  return (
    <Text wrap="truncate-start">
      {shown ? <Text>{shown}</Text> : <Text dimColor>{placeholder ?? ''}</Text>}
      {focused ? <Text inverse> </Text> : null}
    </Text>
  );
}
