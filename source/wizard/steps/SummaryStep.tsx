import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useKeys } from '../hooks/use-keys.js';
import type { EntryList, PlanEntry, Summary } from '../../engine/types.js';
import { studentText, summaryLines } from '../../text/describe-lesson.js';
import { printable } from '../../common/printable.js';
import { actionText } from '../format.js';
import { useMessages } from '../context.js';
import { Frame } from '../components/Frame.js';

export interface SummaryStepProps {
  summary: Summary | undefined;
  entries: EntryList;
  /** set when nothing was committed */
  problem: string[] | undefined;
  reportLine: string | undefined;
  /** where the undo file of this apply went */
  undoLine?: string;
  exitCode: number;
  /** saves the outcome as a JSON report, when there is one */
  onSave: (() => void) | undefined;
  onExit: () => void;
}

const SHOWN = 4;

/** The first few entries that `keep` keeps, and how many it keeps in all. */
function firstOf(entries: EntryList, keep: (entry: PlanEntry) => boolean): { shown: PlanEntry[]; count: number } {
  const shown: PlanEntry[] = [];
  let count = 0;
  for (const entry of entries) {
    if (!keep(entry)) continue;
    if (count++ < SHOWN) shown.push(entry);
  }
  return { shown, count };
}

function Listing({ title, entries, color }: { title: string; entries: { shown: PlanEntry[]; count: number }; color?: string }) {
  const m = useMessages();
  if (!entries.count) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={color}>{title}</Text>
      {entries.shown.map((entry) => (
        <Text key={entry.sandboxLessonId} wrap="truncate" color={color}>
          {'  '}
          {entry.lessonDate.slice(0, 16)} {studentText(entry, m).name} ({studentText(entry, m).platformId}): {actionText(entry, m)}
          {entry.reason === 'write-failed' && entry.message ? ` — ${printable(entry.message)}` : ''}
        </Text>
      ))}
      {entries.count > SHOWN ? <Text dimColor>{'  ' + m.ui.summary.more(entries.count - SHOWN)}</Text> : null}
    </Box>
  );
}

/** Step 6: the seed's summary block, what changed meanwhile, what failed, the exit code. */
export function SummaryStep({ summary, entries, problem, reportLine, undoLine, exitCode, onSave, onExit }: SummaryStepProps) {
  const m = useMessages();
  useKeys((input, key) => {
    if (key.return || input === 'q' || key.escape) onExit();
    else if (input === 's' && onSave) onSave();
  });
  return (
    <Frame step={6} keys={onSave && !reportLine ? m.ui.keys.summarySave : m.ui.keys.summary}>
      <Box flexDirection="column">
        {problem ? (
          problem.map((line, i) => (
            <Text key={i} color={i === 0 ? 'yellow' : undefined} wrap="wrap">
              {line}
            </Text>
          ))
        ) : summary ? (
          <>
            {summaryLines(summary, m, false).map((line, i) => (
              <Text key={i}>{line}</Text>
            ))}
            <Listing title={m.ui.summary.changed} entries={firstOf(entries, (e) => e.reason === 'changed-since-preview')} />
            <Listing title={m.ui.summary.errorsTitle} entries={firstOf(entries, (e) => e.action === 'error')} color="red" />
          </>
        ) : null}
        {undoLine ? <Text>{undoLine}</Text> : null}
        {reportLine ? <Text>{reportLine}</Text> : null}
        <Text dimColor>{m.ui.summary.exitCode(exitCode)}</Text>
      </Box>
    </Frame>
  );
}
