/**
 * What will happen to a lesson, and why, with its values on both sides, in the viewer that
 * draws only what fits: a lesson with 100 KB of notes opens and scrolls as fast as one with none.
 */
import { useMemo } from 'react';
import { isWrite, type PlanEntry } from '../../engine/types.js';
import type { Messages } from '../../i18n/index.js';
import { reasonLine } from '../../text/describe-lesson.js';
import { describeError } from '../../text/describe-error.js';
import { printable } from '../../common/printable.js';
import type { LessonValuesState } from '../hooks/use-lesson-values.js';
import { useMessages } from '../context.js';
import { actionText, valueLines, whoAndWhen } from '../format.js';
import { statusEmoji } from '../plan-view.js';
import { TextViewer, type ViewerLine } from './TextViewer.js';

/** The panel's content as lines, before wrapping. */
function contentLines(entry: PlanEntry, values: LessonValuesState | undefined, m: Messages): ViewerLine[] {
  const d = m.ui.details;
  const ids = [d.sandboxId(entry.sandboxLessonId), entry.prodLessonId !== null ? d.prodId(entry.prodLessonId) : null].filter(Boolean).join(' → ');
  const writes = isWrite(entry);
  const lines: ViewerLine[] = [
    { text: `${d.title}: ${ids}`, bold: true, hang: 0 },
    { text: whoAndWhen(entry, m), hang: 0 },
    { text: writes ? `${statusEmoji(entry, m)} ${actionText(entry, m)}` : reasonLine(entry, m).trim(), hang: 0 },
  ];
  const section = (title: string, items: readonly string[]) => lines.push({ text: '' }, { text: title, bold: true }, { text: items.length ? items.join(', ') : d.none });
  if (writes) section(d.fields, entry.fieldsFilled);
  if (entry.filledInProd.length) section(d.filledInProd, entry.filledInProd);
  if (entry.keptProdValues.length) section(d.kept, entry.keptProdValues.map((k) => `${k.field} = ${printable(k.value)}`));
  if (writes) section(d.tasks, entry.tasksToCopy.tasks().map((t) => `#${t.taskId} ${printable(t.assignmentType ?? '')}`.trim()));
  if (entry.tasksMissingInProd.length) section(`${m.marks.warning} ${d.missing}`, entry.tasksMissingInProd.map((id) => (id === null ? m.noTaskId : `#${id}`)));
  if (entry.tasksAlreadyInProd) lines.push({ text: d.already(entry.tasksAlreadyInProd), dim: true });
  if (values?.status === 'loading') lines.push({ text: m.ui.values.loading, dim: true });
  if (values?.status === 'failed') lines.push({ text: m.ui.values.failed(describeError(values.error, m).message), color: 'red', hang: 0 });
  if (values?.status === 'done') lines.push({ text: '' }, ...valueLines(entry, values.values, m).map((text) => ({ text })));
  // the database's own words, in full; an ambiguity's ids are in the reason line above
  if (entry.action === 'error' && entry.message && (entry.reason === 'write-failed' || entry.reason === 'prod-would-reject')) {
    lines.push({ text: '' }, { text: d.error, bold: true, color: 'red' }, { text: printable(entry.message), color: 'red', hang: 0 });
  }
  return lines;
}

export function DetailsPanel({
  entry,
  height,
  values,
}: {
  entry: PlanEntry;
  height: number;
  /** the lesson's rows, read when the details opened; absent without a session */
  values?: LessonValuesState;
}) {
  const m = useMessages();
  // an entry is a new object at each render: the lines are made again only when its lesson or its values change
  const lines = useMemo(() => contentLines(entry, values, m), [entry.sandboxLessonId, entry.action, entry.reason, values, m]);
  return <TextViewer lines={lines} height={height} />;
}
