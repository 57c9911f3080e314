import { Box } from 'ink';
import { Text } from './Text.js';
import { isWrite, type PlanEntry } from '../../engine/types.js';
import { reasonLine } from '../../text/describe-lesson.js';
import { describeError } from '../../text/describe-error.js';
import type { LessonValuesState } from '../hooks/use-lesson-values.js';
import { printable } from '../../common/printable.js';
import { useMessages } from '../context.js';
import { actionText, valueLines, whoAndWhen } from '../format.js';
import { statusEmoji } from '../plan-view.js';

function Section({ title, items }: { title: string; items: readonly string[] }) {
  const m = useMessages();
  return (
    <Box flexDirection="column" marginTop={1} flexShrink={0}>
      <Text bold>{title}</Text>
      <Text wrap="wrap">{items.length ? items.join(', ') : m.ui.details.none}</Text>
    </Box>
  );
}

/** What will happen to the lesson under the cursor, and why. */
export function DetailsPanel({
  entry,
  height,
  values,
  scroll = 0,
}: {
  entry: PlanEntry;
  height: number;
  /** the lesson's rows, read when the details opened; absent without a session */
  values?: LessonValuesState;
  /** value lines scrolled past (PgUp / PgDn) */
  scroll?: number;
}) {
  const m = useMessages();
  const d = m.ui.details;
  const ids = [d.sandboxId(entry.sandboxLessonId), entry.prodLessonId !== null ? d.prodId(entry.prodLessonId) : null]
    .filter(Boolean)
    .join(' → ');
  const writes = isWrite(entry);
  return (
    <Box flexDirection="column" height={height} overflow="hidden" borderStyle="round" paddingX={1}>
      {/* the whole content, scrolled by lines: nothing in it shrinks to fit the panel */}
      <Box flexDirection="column" flexShrink={0} marginTop={-scroll}>
      <Text bold wrap="truncate">
        {d.title}: {ids}
      </Text>
      <Text wrap="truncate">{whoAndWhen(entry, m)}</Text>
      <Text wrap="wrap">{writes ? `${statusEmoji(entry, m)} ${actionText(entry, m)}` : reasonLine(entry, m).trim()}</Text>
      {writes ? <Section title={d.fields} items={entry.fieldsFilled} /> : null}
      {entry.filledInProd.length ? <Section title={d.filledInProd} items={entry.filledInProd} /> : null}
      {entry.keptProdValues.length ? (
        <Section title={d.kept} items={entry.keptProdValues.map((k) => `${k.field} = ${printable(k.value)}`)} />
      ) : null}
      {writes ? <Section title={d.tasks} items={entry.tasksToCopy.tasks().map((t) => `#${t.taskId} ${t.assignmentType ?? ''}`.trim())} /> : null}
      {entry.tasksMissingInProd.length ? (
        <Section title={`${m.marks.warning} ${d.missing}`} items={entry.tasksMissingInProd.map((id) => (id === null ? m.noTaskId : `#${id}`))} />
      ) : null}
      {entry.tasksAlreadyInProd ? <Text dimColor>{d.already(entry.tasksAlreadyInProd)}</Text> : null}
      {values?.status === 'loading' ? <Text dimColor>{m.ui.values.loading}</Text> : null}
      {values?.status === 'failed' ? <Text color="red">{m.ui.values.failed(describeError(values.error, m).message)}</Text> : null}
      {values?.status === 'done' ? (
        <Box flexDirection="column" marginTop={1} flexShrink={0}>
          {valueLines(entry, values.values, m).map((line, i) => (
              <Text key={i} wrap="wrap">
                {line}
              </Text>
            ))}
        </Box>
      ) : null}
      {/* the database's own words, in full; an ambiguity's ids are in the reason line above */}
      {entry.action === 'error' && entry.message && (entry.reason === 'write-failed' || entry.reason === 'prod-would-reject') ? (
        <Box flexDirection="column" marginTop={1} flexShrink={0}>
          <Text bold color="red">
            {d.error}
          </Text>
          <Text color="red" wrap="wrap">
            {printable(entry.message)}
          </Text>
        </Box>
      ) : null}
      </Box>
    </Box>
  );
}
