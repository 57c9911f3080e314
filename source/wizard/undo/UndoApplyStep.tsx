/** The undo's transaction on screen: what it does, what it waits for, and Ctrl+C that asks first (as a sync's apply). */
import { useEffect, useState } from 'react';
import type { LockWait } from '../../common/errors.js';
import type { UndoSession } from '../../undo/session.js';
import { abortItems, useAbortQuestion } from '../components/AbortQuestion.js';
import { FitLines, SPINNER_PLACE, type StyledItem } from '../components/FitLines.js';
import { lockWaitItems } from '../components/LockWaitLines.js';
import { RANK } from '../fit.js';
import { useMessages } from '../context.js';

export interface UndoApplyStepProps {
  session: UndoSession;
  /** the rows it has */
  height: number;
  /** lessons it takes back */
  work: number;
  /** the operator said y: roll back */
  onAbort: () => void;
  aborting: boolean;
}

export function UndoApplyStep({ session, height, work, onAbort, aborting }: UndoApplyStepProps) {
  const m = useMessages();
  const u = m.undo.ui;
  const [lockWait, setLockWait] = useState<LockWait>();
  useEffect(() => session.subscribe((event) => setLockWait(event.wait)), [session]);
  const asking = useAbortQuestion(onAbort, aborting);
  const items: StyledItem[] = [
    { text: `${SPINNER_PLACE} ${u.undoing(work)}`, spinner: true, rank: RANK.line },
    ...lockWaitItems(lockWait, m),
    ...abortItems(asking, aborting, m),
  ];
  return <FitLines items={items} height={height} />;
}
