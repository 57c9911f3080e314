/** A lock wait as the wizard shows it in any step and any operation: what, on which side, who holds it, until when. */
import { Box } from 'ink';
import type { LockWait } from '../../common/errors.js';
import { lockHoldersText, lockTargetText } from '../../text/lock-text.js';
import { useMessages } from '../context.js';
import { Text } from './Text.js';

export function LockWaitLines({ wait }: { wait: LockWait | undefined }) {
  const m = useMessages();
  if (!wait) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color="yellow" wrap="truncate">
        {m.ui.apply.lockWait(lockTargetText(wait, m), Math.round(wait.waitedMs / 1000))}
      </Text>
      <Box paddingLeft={3}>
        <Text color="yellow" wrap="wrap">
          {m.ui.apply.lockHolders(lockHoldersText(wait.holders, m), wait.limitSeconds)}
        </Text>
      </Box>
    </Box>
  );
}
