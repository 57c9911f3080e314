/**
 * Ctrl+C while a transaction runs, in any operation: it asks first (y rolls back, n or Esc
 * goes on), and says so while the rollback runs.
 */
import Spinner from 'ink-spinner';
import { useState } from 'react';
import { useMessages } from '../context.js';
import { useKeys } from '../hooks/use-keys.js';
import { Text } from './Text.js';

/** Whether the question is on screen; `abort` runs on y. */
export function useAbortQuestion(abort: () => void, aborting: boolean): boolean {
  const [asking, setAsking] = useState(false);
  useKeys((input, key) => {
    if (aborting) return;
    if (asking) {
      if (input === 'y') abort();
      else if (input === 'n' || key.escape) setAsking(false);
    } else if (key.ctrl && input === 'c') setAsking(true);
  });
  return asking;
}

export function AbortQuestion({ asking, aborting }: { asking: boolean; aborting: boolean }) {
  const a = useMessages().ui.apply;
  if (aborting) {
    return (
      <Text color="yellow">
        <Spinner type="dots" /> {a.aborting}
      </Text>
    );
  }
  return asking ? <Text color="yellow">{a.abortQuestion}</Text> : null;
}
