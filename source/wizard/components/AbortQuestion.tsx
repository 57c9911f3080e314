/**
 * Ctrl+C while a transaction runs, in any operation: it asks first (y rolls back, n or Esc
 * goes on), and says so while the rollback runs.
 */
import { useState } from 'react';
import type { Messages } from '../../i18n/index.js';
import { RANK } from '../fit.js';
import { useKeys } from '../hooks/use-keys.js';
import { SPINNER_PLACE, type StyledItem } from './FitLines.js';

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

/** The question, or the rollback under way, as lines for a step's FitLines. */
export function abortItems(asking: boolean, aborting: boolean, m: Messages): StyledItem[] {
  const a = m.ui.apply;
  if (aborting) return [{ text: `${SPINNER_PLACE} ${a.aborting}`, spinner: true, color: 'yellow', rank: RANK.essential }];
  return asking ? [{ text: a.abortQuestion, color: 'yellow', rank: RANK.essential }] : [];
}
