/**
 * The last word before any write, in every operation: the prod database's name, typed. A
 * wrong name writes nothing; the field empties and the caller says so.
 */
import { Box } from 'ink';
import { useState } from 'react';
import { LineInput } from './LineInput.js';
import { Text } from './Text.js';

export interface TypedConfirmProps {
  prompt: string;
  /** what must be typed (surrounding spaces aside) */
  expected: string;
  onMatch: () => void;
  onMismatch: () => void;
}

export function TypedConfirm({ prompt, expected, onMatch, onMismatch }: TypedConfirmProps) {
  const [typed, setTyped] = useState('');
  return (
    <>
      <Text color="yellow">{prompt}</Text>
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
