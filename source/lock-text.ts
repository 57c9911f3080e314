/** A lock wait in words, the same in the plain log, the wizard and the error that ends it. */
import type { LockHolder, LockTarget, LockWait } from './errors.js';
import type { Messages } from './i18n/index.js';
import { printable } from './text.js';

export function lockTargetText(target: LockTarget, m: Messages): string {
  switch (target.kind) {
    case 'run':
      return m.lockTarget.run;
    case 'table':
      return m.lockTarget.table(printable(target.name));
    case 'row':
      return m.lockTarget.row;
    case 'other':
      return m.lockTarget.other(printable(target.type));
  }
}

export function lockHoldersText(holders: readonly LockHolder[], m: Messages): string {
  return holders
    .map((h) => m.lockHolder(h.pid, printable(h.user ?? ''), printable(h.application ?? ''), h.since ?? ''))
    .join(', ');
}

export function lockWaitLine(wait: LockWait, m: Messages, limitSeconds: number): string {
  return m.lockWaiting(lockTargetText(wait.target, m), lockHoldersText(wait.holders, m), Math.round(wait.waitedMs / 1000), limitSeconds);
}
