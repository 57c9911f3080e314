/** The undo's transaction on screen: what it does, what it waits for, and Ctrl+C that asks first (as a sync's apply). */
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect, useState } from 'react';
import type { LockWait } from '../../common/errors.js';
import type { UndoSession } from '../../undo/session.js';
import { AbortQuestion, useAbortQuestion } from '../components/AbortQuestion.js';
import { LockWaitLines } from '../components/LockWaitLines.js';
import { Text } from '../components/Text.js';
import { useMessages } from '../context.js';

export interface UndoApplyStepProps {
  session: UndoSession;
  /** lessons it takes back */
  work: number;
  /** the operator said y: roll back */
  onAbort: () => void;
  aborting: boolean;
}

export function UndoApplyStep({ session, work, onAbort, aborting }: UndoApplyStepProps) {
  const u = useMessages().undo.ui;
  const [lockWait, setLockWait] = useState<LockWait>();
  useEffect(() => session.subscribe((event) => setLockWait(event.wait)), [session]);
  const asking = useAbortQuestion(onAbort, aborting);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Box>
        <Text color="cyan">
          <Spinner type="dots" />{' '}
        </Text>
        <Text>{u.undoing(work)}</Text>
      </Box>
      <LockWaitLines wait={lockWait} />
      <AbortQuestion asking={asking} aborting={aborting} />
    </Box>
  );
}
