/** One plan entry as a list line, and its details: pure text for the components. */
import type { PlanEntry } from '../engine/types.js';
import type { Messages } from '../i18n/index.js';
import { studentText } from '../describe-lesson.js';
import { unreachable } from '../errors.js';
import { printable } from '../text.js';
import { hasWarning, statusEmoji } from './plan-view.js';

export function actionText(entry: PlanEntry, m: Messages): string {
  const a = m.ui.actions;
  if (entry.action === 'create') return a.create(entry.tasksToCopy.length);
  if (entry.action === 'update') return a.update(entry.fieldsFilled.length, entry.tasksToCopy.length);
  const reason = entry.reason;
  switch (reason) {
    case 'filled':
      return a.filled;
    case 'duplicate-in-sandbox':
      return a['duplicate-in-sandbox'](printable(entry.message ?? ''));
    case null:
      return '';
    case 'no-platform-id':
    case 'student-not-found':
    case 'ambiguous-student':
    case 'ambiguous-match':
    case 'up-to-date':
    case 'changed-since-preview':
    case 'write-failed':
    case 'excluded':
      return a[reason];
    default:
      return unreachable(reason);
  }
}

const ACTION_WIDTH = 28;

/** emoji, date, duration, what happens (a fixed column), who: the most telling first, for narrow terminals. */
export function rowText(entry: PlanEntry, m: Messages): string {
  const { name, platformId } = studentText(entry, m);
  const who = `${name} (${platformId})`;
  const duration = (entry.duration === null ? '' : m.ui.minutes(entry.duration)).padEnd(7);
  const action = (actionText(entry, m) + (hasWarning(entry) ? ` ${m.marks.warning}` : '')).padEnd(ACTION_WIDTH);
  return `${statusEmoji(entry, m)} ${entry.lessonDate.slice(0, 16)} ${duration} ${action} ${who}`;
}

export function whoAndWhen(entry: PlanEntry, m: Messages): string {
  const duration = entry.duration === null ? '' : ` · ${m.ui.minutes(entry.duration)}`;
  const { name, platformId } = studentText(entry, m);
  return `${entry.lessonDate} · ${name} (${platformId})${duration}`;
}
