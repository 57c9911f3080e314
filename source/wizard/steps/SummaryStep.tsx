import { useKeys } from '../hooks/use-keys.js';
import type { EntryList, PlanEntry, Summary } from '../../engine/types.js';
import { studentText, summaryLines } from '../../text/describe-lesson.js';
import { printable } from '../../common/printable.js';
import { actionText } from '../format.js';
import { useMessages } from '../context.js';
import { Frame, FRAME_LINES, useFrame } from '../components/Frame.js';
import { blockItems, FitLines, type StyledItem } from '../components/FitLines.js';
import { RANK } from '../fit.js';
import type { Messages } from '../../i18n/index.js';

export interface SummaryStepProps {
  summary: Summary | undefined;
  entries: EntryList;
  /** set when nothing was committed */
  problem: string[] | undefined;
  reportLine: string | undefined;
  /** where the undo file of this apply went */
  undoPath?: string;
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

/** A titled list of lessons, a row each, "and N more" after the first few. */
function listingItems(title: string, entries: { shown: PlanEntry[]; count: number }, m: Messages, color?: 'red'): StyledItem[] {
  if (!entries.count) return [];
  return [
    { text: '' },
    { text: title, color, rank: RANK.line },
    ...entries.shown.map((entry): StyledItem => {
      const { name, platformId } = studentText(entry, m);
      const failure = entry.reason === 'write-failed' && entry.message ? ` — ${printable(entry.message)}` : '';
      return { text: `  ${entry.lessonDate.slice(0, 16)} ${name} (${platformId}): ${actionText(entry, m)}${failure}`, color, oneRow: true };
    }),
    ...(entries.count > SHOWN ? [{ text: '  ' + m.ui.summary.more(entries.count - SHOWN), dim: true }] : []),
  ];
}

/** Step 6: the seed's summary block, what changed meanwhile, what failed, the exit code. */
export function SummaryStep({ summary, entries, problem, reportLine, undoPath, exitCode, onSave, onExit }: SummaryStepProps) {
  const m = useMessages();
  const { rows } = useFrame();
  useKeys((input, key) => {
    if (key.return || input === 'q' || key.escape) onExit();
    else if (input === 's' && onSave) onSave();
  });
  const items: StyledItem[] = [];
  if (problem) items.push(...problem.map((text, i): StyledItem => ({ text, rank: RANK.essential, color: i === 0 ? 'yellow' : undefined })));
  else if (summary) {
    items.push(
      ...blockItems(summaryLines(summary, m, false), m.rule),
      ...listingItems(m.ui.summary.changed, firstOf(entries, (e) => e.reason === 'changed-since-preview'), m),
      ...listingItems(m.ui.summary.errorsTitle, firstOf(entries, (e) => e.action === 'error'), m, 'red'),
    );
  }
  // where the undo file and the report went stay on screen whatever else gives way
  if (undoPath) items.push({ text: m.undoFile(undoPath), rank: RANK.essential }, { text: `   ${m.undoHow(undoPath)}`, dim: true, rank: RANK.line });
  if (reportLine) items.push({ text: reportLine, rank: RANK.essential });
  items.push({ text: m.ui.summary.exitCode(exitCode), dim: true, rank: RANK.line });
  return (
    <Frame step={6} keys={onSave && !reportLine ? m.ui.keys.summarySave : m.ui.keys.summary}>
      <FitLines items={items} height={rows - FRAME_LINES} />
    </Frame>
  );
}
