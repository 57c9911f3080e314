/**
 * The last word before any write, in every operation: the prod database's name, typed. A
 * wrong name writes nothing; the field empties and the caller says so.
 */
import { Box } from 'ink';
import { useState } from 'react';
import { LineInput } from './LineInput.js';
import { Text } from './Text.js';
import { useFrame } from './Frame.js';
import { wrapWords } from '../text-lines.js';

/** Rows the prompt and its field take at `columns`. */
export function typedConfirmRows(prompt: string, columns: number): number {
  return wrapWords(prompt, columns).length + 1;
}

export interface TypedConfirmProps {
  prompt: string;
  /** what must be typed (surrounding spaces aside) */
  expected: string;
  onMatch: () => void;
  onMismatch: () => void;
}

export function TypedConfirm({ prompt, expected, onMatch, onMismatch }: TypedConfirmProps) {
  const [typed, setTyped] = useState('');
  const { columns } = useFrame();
  return (
    <>
      {wrapWords(prompt, columns).map((line, i) => (
        <Text key={i} color="yellow" wrap="truncate">
          {line}
        </Text>
      ))}
      <Box>
        <Text>› </Text>
        <LineInput
          value={typed}
          onChange={setTyped}
          focused
          onSubmit={(name) => {
            if (name.trim() === expected) return onMatch();
            setTyped('');
            onMismatch();
          }}
        />
      </Box>
    </>
  );
}
