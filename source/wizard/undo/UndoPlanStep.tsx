/**
 * An undo's plan, as a sync's plan is shown: a windowed list with a cursor, a filter by
 * what happens (remove / restore / keep), a search by student, and each lesson's details
 * (the values it puts back, the LessonTasks it removes), scrollable.
 */
import { Box } from 'ink';
import { useMemo, useState } from 'react';
import { studentText } from '../../text/describe-lesson.js';
import { undoDetailsLines } from '../../text/describe-undo.js';
import type { Messages } from '../../i18n/index.js';
import type { UndoAction, UndoEntry, UndoSummary } from '../../undo/plan.js';
import { Frame, FRAME_LINES, useFrame } from '../components/Frame.js';
import { PromptLine } from '../components/PromptLine.js';
import { Text } from '../components/Text.js';
import { TextViewer } from '../components/TextViewer.js';
import { useMessages } from '../context.js';
import { useKeys } from '../hooks/use-keys.js';
import { listMove, useListCursor } from '../hooks/use-list-cursor.js';
import { COMPACT_BELOW, keptPositions, SEARCH_PROMPT, studentMatches } from '../plan-view.js';

type Filter = 'all' | UndoAction;
const FILTERS: readonly Filter[] = ['all', 'remove', 'restore', 'keep'];
/** the counts line and the filter / search line */
const STATUS_LINES = 2;

function rowText(entry: UndoEntry, m: Messages): string {
  const r = m.undo.ui.rows;
  const mark = entry.action === 'remove' ? '➖' : entry.action === 'restore' ? '↩️' : m.marks.skip;
  const what = entry.action === 'remove' ? r.remove(entry.lesson.tasks.length) : entry.action === 'restore' ? r.restore(entry.lesson.tasks.length) : r[entry.reason ?? 'changed-since'];
  const { name, platformId } = studentText(entry.lesson, m);
  return `${mark} ${(entry.lesson.lessonDate || m.noDate).slice(0, 16)}  ${what.padEnd(26)} ${name} (${platformId})`;
}

const colorOf = (entry: UndoEntry) => (entry.action === 'keep' ? undefined : entry.action === 'remove' ? 'red' : 'cyan');

/** The plan says what the undo would do, whether or not it will run. */
function UndoDetails({ entry, columns, height }: { entry: UndoEntry; columns: readonly string[]; height: number }) {
  const m = useMessages();
  // prose, broken between words; a value's line continues under its own indent
  const lines = useMemo(() => undoDetailsLines(entry, columns, m, true).map((text) => ({ text, hang: /^ */.exec(text)![0].length })), [entry, columns, m]);
  return <TextViewer lines={lines} height={height} />;
}

export interface UndoPlanStepProps {
  entries: readonly UndoEntry[];
  summary: UndoSummary;
  /** the restored columns, in the undo file's order */
  columns: readonly string[];
  step: number;
  dryRun: boolean;
  onContinue: () => void;
  onQuit: () => void;
}

export function UndoPlanStep({ entries, summary, columns, step, dryRun, onContinue, onQuit }: UndoPlanStepProps) {
  const m = useMessages();
  const u = m.undo.ui;
  const { rows } = useFrame();
  const [mode, setMode] = useState<'list' | 'details' | 'search'>('list');
  const compact = rows < COMPACT_BELOW && mode === 'details';
  const height = Math.max(3, rows - FRAME_LINES - (compact ? 0 : STATUS_LINES));
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const kept = useMemo(
    () => keptPositions(entries, filter !== 'all', query, (entry, q) => (filter === 'all' || entry.action === filter) && studentMatches(entry.lesson, q)),
    [entries, filter, query],
  );
  const count = kept ? kept.length : entries.length;
  const cursor = useListCursor(count, height);
  const current = count ? entries[kept ? kept[cursor.view.index]! : cursor.view.index] : undefined;

  useKeys((input, key) => {
    if (mode === 'search') {
      if (key.escape) setQuery('');
      if (key.escape || key.return) setMode('list');
      return;
    }
    const moved = listMove(input, key);
    if (mode === 'details') {
      // the viewer scrolls itself
      if (moved === 'up' || moved === 'down') cursor.move(moved);
      else if (key.return || key.escape) setMode('list');
      return;
    }
    if (moved) cursor.move(moved);
    else if (key.return && current) setMode('details');
    else if (input === 'f' || key.tab) {
      setFilter((f) => FILTERS[(FILTERS.indexOf(f) + 1) % FILTERS.length]!);
      cursor.reset();
    } else if (input === '/') {
      setMode('search');
      cursor.reset();
    } else if (key.escape && (filter !== 'all' || query)) {
      setFilter('all');
      setQuery('');
    } else if (input === 'c' && !dryRun) onContinue();
    else if (input === 'q') onQuit();
  });

  let body;
  if (mode === 'details' && current) {
    body = <UndoDetails key={cursor.view.index} entry={current} columns={columns} height={height} />;
  } else {
    const { top, index } = cursor.view;
    const shown = [];
    for (let at = top; at < Math.min(count, top + height); at++) {
      const entry = entries[kept ? kept[at]! : at]!;
      shown.push(
        <Text key={at} wrap="truncate" inverse={at === index} color={at === index ? undefined : colorOf(entry)}>
          {rowText(entry, m)}
        </Text>,
      );
    }
    body = (
      <Box flexDirection="column" height={height} overflow="hidden">
        {count ? shown : <Text dimColor>{m.ui.nothingShown}</Text>}
      </Box>
    );
  }

  const keys = mode === 'details' ? u.keys.details : mode === 'search' ? u.keys.search : dryRun ? u.keys.planDry : u.keys.plan;
  return (
    <Frame step={step} keys={keys} steps={u.steps} title={u.title}>
      {compact ? null : (
        <>
          <Text wrap="truncate">
            {u.planned(entries.length)}   {u.counts(summary.removed, summary.restored, summary.kept + summary.alreadyUndone)}
          </Text>
          <Text wrap="truncate" dimColor={mode !== 'search'}>
            {mode === 'search' ? (
              <PromptLine prompt={SEARCH_PROMPT} value={query} onChange={setQuery} />
            ) : (
              <>
                {m.ui.filterLabel(u.filters[filter]!)}
                {query ? ` · ${m.ui.searchLabel(query)}` : ''}
                {kept ? ` · ${m.ui.shown(count, entries.length)}` : ''}
                {count ? ` · ${m.ui.position(cursor.view.index + 1, count)}` : ''}
              </>
            )}
          </Text>
        </>
      )}
      {body}
    </Frame>
  );
}
