/** A lock wait as the wizard shows it in any step and any operation: what, on which side, who holds it, until when. */
import type { LockWait } from '../../common/errors.js';
import type { Messages } from '../../i18n/index.js';
import { lockHoldersText, lockTargetText } from '../../text/lock-text.js';
import { RANK } from '../fit.js';
import type { StyledItem } from './FitLines.js';

/** Its lines, for a step's FitLines: they say why nothing moves, so they stay whatever gives way. */
export function lockWaitItems(wait: LockWait | undefined, m: Messages): StyledItem[] {
  if (!wait) return [];
  return [
    { text: m.ui.apply.lockWait(lockTargetText(wait, m), Math.round(wait.waitedMs / 1000)), color: 'yellow', rank: RANK.essential, hang: 3 },
    { text: `   ${m.ui.apply.lockHolders(lockHoldersText(wait.holders, m), wait.limitSeconds)}`, color: 'yellow', rank: RANK.essential },
  ];
}
