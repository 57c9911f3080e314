/** One plan entry as a list line, and its details: pure text for the components. */
import { displayWidth } from './text-lines.js';
import type { PlanEntry } from '../engine/types.js';
import type { Messages } from '../i18n/index.js';
import type { LessonValues } from '../db/read.js';
import { studentText } from '../text/describe-lesson.js';
import { CONTENT_FIELDS } from '../engine/types.js';
import { unreachable } from '../common/errors.js';
import { printable } from '../common/printable.js';
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
    case 'no-student':
    case 'no-lesson-date':
    case 'student-not-found':
    case 'ambiguous-student':
    case 'ambiguous-match':
    case 'up-to-date':
    case 'changed-since-preview':
    case 'write-failed':
    case 'prod-would-reject':
    case 'excluded':
    case 'not-in-plan':
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

const NULL_MARK = '∅';

/**
 * A value as its database printed it, in lines: ∅ for NULL, quoted when it is empty or only
 * spaces, its length said when it was cut. A text's own line breaks stay breaks (a homework
 * of 1,200 lines reads as lines); every other control character is escaped, tabs too.
 */
function valueText(row: LessonValues['sandbox'], column: string, m: Messages): string[] {
  const value = row?.values[column];
  if (value === null || value === undefined) return [NULL_MARK];
  if (value.trim() === '') return [printable(JSON.stringify(value))];
  const lines = value.split(/\r?\n/).map(printable);
  const whole = row?.lengths?.[column];
  if (whole !== undefined) lines[lines.length - 1] += m.ui.values.cut(whole);
  return lines;
}

/** `head`, then the value's lines, those after the first under where the value starts. */
function labelled(head: string, value: readonly string[]): string[] {
  const under = ' '.repeat(displayWidth(head));
  return value.map((line, i) => (i === 0 ? head : under) + line);
}

/** "a → b" on one line when both are one line; else each under its own label. */
function pair(head: string, left: string[], separator: string, right: string[]): string[] {
  if (left.length === 1 && right.length === 1) return [`${head}${left[0]}${separator}${right[0]}`];
  return [...labelled(head, left), ...labelled(`    ${separator.trim()} `, right)];
}

/**
 * What the lesson's rows say, as lines: for an update each field as prod has it now → what
 * the sandbox writes; for a create the columns it inserts; for a filled lesson prod's
 * values beside the sandbox's; then the tasks and where prod stands on them.
 */
export function valueLines(entry: PlanEntry, values: LessonValues, m: Messages): string[] {
  const v = m.ui.values;
  const shown = (side: 'sandbox' | 'prod', column: string) => valueText(values[side], column, m);
  const lines: string[] = [];
  if (entry.action === 'update') {
    lines.push(v.updateTitle);
    for (const field of entry.fieldsFilled) lines.push(...pair(`  ${field}: `, shown('prod', field), ' → ', shown('sandbox', field)));
  } else if (entry.action === 'create') {
    lines.push(v.createTitle);
    for (const column of values.copied) lines.push(...labelled(`  ${column} = `, shown('sandbox', column)));
    if (values.defaulted.length) lines.push(`  ${v.defaulted(values.defaulted.map(printable).join(', '))}`);
  } else if (values.prod) {
    lines.push(entry.reason === 'filled' ? v.compareTitle : v.sideBySideTitle);
    for (const field of CONTENT_FIELDS) lines.push(...pair(`  ${field}: `, shown('prod', field), ' | ', shown('sandbox', field)));
  }
  const onLesson = new Set((values.prod?.tasks ?? []).map(([taskId, type]) => `${taskId}|${type ?? ''}`));
  const tasks = values.sandbox?.tasks ?? [];
  if (tasks.length) {
    lines.push(v.tasksTitle);
    for (const [taskId, type] of tasks) {
      const where = onLesson.has(`${taskId}|${type ?? ''}`) ? v.onLesson : values.tasksInProd.has(taskId) ? v.inProd : v.notInProd;
      lines.push(`  #${taskId} ${printable(type ?? '')} · ${where}`);
    }
  }
  return lines;
}

export function whoAndWhen(entry: PlanEntry, m: Messages): string {
  const duration = entry.duration === null ? '' : ` · ${m.ui.minutes(entry.duration)}`;
  const { name, platformId } = studentText(entry, m);
  return `${entry.lessonDate} · ${name} (${platformId})${duration}`;
}
