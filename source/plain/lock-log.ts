/** Lock waits in the plain log, for any operation: a line when the wait changes, else one every 10 s. */
import type { LockWait } from '../common/errors.js';
import type { Messages } from '../i18n/index.js';
import { lockWaitLine } from '../text/lock-text.js';

const REPEAT_AFTER_MS = 10_000;

export function lockWaitLog(out: (line: string) => void, m: Messages): (wait: LockWait) => void {
  let last = '';
  let lastAt = 0;
  return (wait) => {
    const who = `${wait.side}:${wait.target.kind}:${'name' in wait.target ? wait.target.name : ''}:${wait.holders.map((h) => h.pid).join(',')}`;
    if (who === last && performance.now() - lastAt < REPEAT_AFTER_MS) return;
    last = who;
    lastAt = performance.now();
    out(lockWaitLine(wait, m));
  };
}
