/** A lock wait in words, the same in the plain log, the wizard and the error that ends it. */
import type { LockHolder, LockWait } from '../common/errors.js';
import type { Messages } from '../i18n/index.js';
import { printable } from '../common/printable.js';

/** What is waited for, and on which database: another run's lock is only ever prod's. */
export function lockTargetText({ side, target }: Pick<LockWait, 'side' | 'target'>, m: Messages): string {
  switch (target.kind) {
    case 'run':
      return m.lockTarget.run;
    case 'table':
      return m.lockTarget.table(printable(target.name), m.lockIn[side]);
    case 'row':
      return m.lockTarget.row(m.lockIn[side]);
    case 'other':
      return m.lockTarget.other(printable(target.type), m.lockIn[side]);
  }
}

export function lockHoldersText(holders: readonly LockHolder[], m: Messages): string {
  return holders
    .map((h) => m.lockHolder(h.pid, printable(h.user ?? ''), printable(h.application ?? ''), h.since ?? ''))
    .join(', ');
}

export function lockWaitLine(wait: LockWait, m: Messages): string {
  return m.lockWaiting(lockTargetText(wait, m), lockHoldersText(wait.holders, m), Math.round(wait.waitedMs / 1000), wait.limitSeconds);
}
