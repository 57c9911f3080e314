/** One plan entry as a list line, and its details: pure text for the components. */
import type { PlanEntry } from '../engine/types.js';
import type { Messages } from '../i18n/index.js';
import { hasWarning, statusEmoji } from './plan-view.js';

export function actionText(entry: PlanEntry, m: Messages): string {
  const a = m.ui.actions;
  if (entry.action === 'create') return a.create(entry.tasksToCopy.length);
  if (entry.action === 'update') return a.update(entry.fieldsFilled.length, entry.tasksToCopy.length);
  switch (entry.reason) {
    case 'filled':
      return a.filled;
    case 'duplicate-in-sandbox':
      return a['duplicate-in-sandbox'](entry.message ?? '');
    case null:
      return '';
    default:
      return a[entry.reason];
  }
}

const ACTION_WIDTH = 28;

/** emoji, date, duration, what happens (a fixed column), who: the most telling first, for narrow terminals. */
export function rowText(entry: PlanEntry, m: Messages): string {
  const who = `${entry.studentName ?? m.noName} (${entry.platformId || m.noId})`;
  const duration = (entry.duration === null ? '' : m.ui.minutes(entry.duration)).padEnd(7);
  const action = (actionText(entry, m) + (hasWarning(entry) ? ' ⚠️' : '')).padEnd(ACTION_WIDTH);
  return `${statusEmoji(entry)} ${entry.lessonDate.slice(0, 16)} ${duration} ${action} ${who}`;
}

export function whoAndWhen(entry: PlanEntry, m: Messages): string {
  const duration = entry.duration === null ? '' : ` · ${m.ui.minutes(entry.duration)}`;
  return `${entry.lessonDate} · ${entry.studentName ?? m.noName} (${entry.platformId || m.noId})${duration}`;
}
