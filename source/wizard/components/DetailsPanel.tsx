/**
 * What will happen to a lesson, and why, with its values on both sides. The content is
 * made into lines once (a value wrapped by display width, however long), and only the lines
 * that fit are drawn: a lesson with 100 KB of notes opens and scrolls as fast as one with none.
 */
import { Box } from 'ink';
import { useMemo, useState } from 'react';
import { isWrite, type PlanEntry } from '../../engine/types.js';
import type { Messages } from '../../i18n/index.js';
import { reasonLine } from '../../text/describe-lesson.js';
import { describeError } from '../../text/describe-error.js';
import { printable } from '../../common/printable.js';
import type { LessonValuesState } from '../hooks/use-lesson-values.js';
import { useKeys } from '../hooks/use-keys.js';
import { useMessages } from '../context.js';
import { useFrame } from './Frame.js';
import { actionText, valueLines, whoAndWhen } from '../format.js';
import { statusEmoji } from '../plan-view.js';
import { Text } from './Text.js';
import { wrapToWidth } from '../text-lines.js';

interface Line {
  text: string;
  bold?: boolean;
  color?: 'red';
  dim?: boolean;
}

/** The panel's content as lines, before wrapping. */
function contentLines(entry: PlanEntry, values: LessonValuesState | undefined, m: Messages): Line[] {
  const d = m.ui.details;
  const ids = [d.sandboxId(entry.sandboxLessonId), entry.prodLessonId !== null ? d.prodId(entry.prodLessonId) : null].filter(Boolean).join(' → ');
  const writes = isWrite(entry);
  const lines: Line[] = [
    { text: `${d.title}: ${ids}`, bold: true },
    { text: whoAndWhen(entry, m) },
    { text: writes ? `${statusEmoji(entry, m)} ${actionText(entry, m)}` : reasonLine(entry, m).trim() },
  ];
  const section = (title: string, items: readonly string[]) => lines.push({ text: '' }, { text: title, bold: true }, { text: items.length ? items.join(', ') : d.none });
  if (writes) section(d.fields, entry.fieldsFilled);
  if (entry.filledInProd.length) section(d.filledInProd, entry.filledInProd);
  if (entry.keptProdValues.length) section(d.kept, entry.keptProdValues.map((k) => `${k.field} = ${printable(k.value)}`));
  if (writes) section(d.tasks, entry.tasksToCopy.tasks().map((t) => `#${t.taskId} ${printable(t.assignmentType ?? '')}`.trim()));
  if (entry.tasksMissingInProd.length) section(`${m.marks.warning} ${d.missing}`, entry.tasksMissingInProd.map((id) => (id === null ? m.noTaskId : `#${id}`)));
  if (entry.tasksAlreadyInProd) lines.push({ text: d.already(entry.tasksAlreadyInProd), dim: true });
  if (values?.status === 'loading') lines.push({ text: m.ui.values.loading, dim: true });
  if (values?.status === 'failed') lines.push({ text: m.ui.values.failed(describeError(values.error, m).message), color: 'red' });
  if (values?.status === 'done') lines.push({ text: '' }, ...valueLines(entry, values.values, m).map((text) => ({ text })));
  // the database's own words, in full; an ambiguity's ids are in the reason line above
  if (entry.action === 'error' && entry.message && (entry.reason === 'write-failed' || entry.reason === 'prod-would-reject')) {
    lines.push({ text: '' }, { text: d.error, bold: true, color: 'red' }, { text: printable(entry.message), color: 'red' });
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
  const { columns } = useFrame();
  // the border and the padding take four columns, the border two lines, the "more" line one
  const width = Math.max(10, columns - 4);
  const visible = Math.max(1, height - 3);
  // an entry is a new object at each render: the lines are made again only when its lesson or its values change
  const lines = useMemo(() => contentLines(entry, values, m), [entry.sandboxLessonId, entry.action, entry.reason, values, m]);
  const wrapped = useMemo(() => lines.flatMap((line) => wrapToWidth(line.text, width).map((text) => ({ ...line, text }))), [lines, width]);
  const last = Math.max(0, wrapped.length - visible);
  const [top, setTop] = useState(0);
  const at = Math.min(top, last);
  const page = Math.max(1, visible - 1);
  useKeys((input, key) => {
    if (key.pageDown) setTop(Math.min(last, at + page));
    else if (key.pageUp) setTop(Math.max(0, at - page));
    else if (key.home || input === 'g') setTop(0);
    else if (key.end || input === 'G') setTop(last);
  });
  const shown = wrapped.slice(at, at + visible);
  const d = m.ui.details;
  const more = at < last ? d.moreBelow(at + 1, at + shown.length, wrapped.length) : at > 0 ? d.linesOf(at + 1, at + shown.length, wrapped.length) : '';
  return (
    <Box flexDirection="column" height={height} overflow="hidden" borderStyle="round" paddingX={1}>
      {shown.map((line, i) => (
        <Text key={at + i} wrap="truncate" bold={line.bold} color={line.color} dimColor={line.dim}>
          {line.text || ' '}
        </Text>
      ))}
      {more ? (
        <Box marginTop={Math.max(0, visible - shown.length)}>
          <Text dimColor wrap="truncate">
            {more}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
