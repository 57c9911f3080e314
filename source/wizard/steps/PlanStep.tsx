import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useKeys } from '../hooks/use-keys.js';
import { listMove } from '../hooks/use-list-cursor.js';
import Spinner from 'ink-spinner';
import { useEffect, useMemo, useState } from 'react';
import { describeError } from '../../text/describe-error.js';
import { useMessages } from '../context.js';
import { DetailsPanel } from '../components/DetailsPanel.js';
import { Frame, FRAME_LINES, useFrame } from '../components/Frame.js';
import { HelpPanel } from '../components/HelpPanel.js';
import { scrollsViewer } from '../components/TextViewer.js';
import { PromptLine } from '../components/PromptLine.js';
import { lockWaitItems } from '../components/LockWaitLines.js';
import { FitLines } from '../components/FitLines.js';
import { PlanList } from '../components/PlanList.js';
import type { Planning } from '../hooks/use-planning.js';
import { useLessonValues } from '../hooks/use-lesson-values.js';
import type { Session } from '../../sync/session.js';
import type { LessonChoice } from '../hooks/use-selection.js';
import { isWrite } from '../../engine/types.js';
import {
  clampCursor,
  FILTERS,
  followEnd,
  moveCursor,
  nextFilter,
  SEARCH_PROMPT,
  COMPACT_BELOW,
  visibleIndexes,
  type Cursor,
  type Move,
  type StatusFilter,
} from '../plan-view.js';

/** Lines above the list: the stage or counters, and the filter / search line. */
const STATUS_LINES = 2;

export interface PlanStepProps {
  planning: Planning;
  /** reads a lesson's values when its details open; without it the details show the plan only */
  session?: Session;
  /** the operator's choice of lessons; it outlives the step (Back from confirm) */
  choice: LessonChoice;
  dryRun: boolean;
  defaultReportPath: string;
  /** saves the report; returns the line to show */
  onSaveReport: (path: string) => string;
  defaultPlanPath: string;
  /** saves the plan file (SPEC §11); resolves to the line to show */
  onSavePlan: (path: string) => Promise<string>;
  /** shown under the counters until another notice replaces it (the saved plan this one follows) */
  initialNotice?: string;
  onContinue: () => void;
  onBack: () => void;
  onQuit: () => void;
}

type Mode = 'list' | 'details' | 'help' | 'search' | 'save' | 'save-plan' | 'review';

/** Step 3: the plan, live while it is made, then a scrollable, filterable list. */
export function PlanStep(props: PlanStepProps) {
  const { planning, session, choice, dryRun, defaultReportPath, onSaveReport, defaultPlanPath, onSavePlan, onContinue, onBack, onQuit } = props;
  const m = useMessages();
  const { rows } = useFrame();
  const done = planning.stage === 'done';
  const [mode, setMode] = useState<Mode>('list');
  // in a short terminal a panel takes the status lines' rows too: text, not counters, is what is read there
  const compact = rows < COMPACT_BELOW && (mode === 'details' || mode === 'help' || mode === 'review');
  const height = Math.max(3, rows - FRAME_LINES - (compact ? 0 : STATUS_LINES));
  const [filter, setFilter] = useState<StatusFilter>('all');
  const [query, setQuery] = useState('');
  const [cursor, setCursor] = useState<Cursor>({ index: 0, top: 0 });
  const [reportPath, setReportPath] = useState(defaultReportPath);
  const [planPath, setPlanPath] = useState(defaultPlanPath);
  const [notice, setNotice] = useState<string | undefined>(props.initialNotice);
  /** the creates and updates under review (positions in planning.entries), and where the review is */
  const [review, setReview] = useState<{ positions: number[]; at: number }>({ positions: [], at: 0 });

  const indexes = useMemo(
    () => visibleIndexes(planning.entries, filter, query),
    [planning.entries, planning.count, filter, query],
  );
  const count = indexes ? indexes.length : planning.count;
  // live, the list follows the lessons as they are planned; a preview shows the plan's first
  const view = done ? clampCursor(cursor, count, height) : planning.previewed ? { index: 0, top: 0 } : followEnd(count, height);
  const position = indexes ? indexes[view.index]! : view.index;
  const current = count ? planning.entries.at(position) : undefined;

  useEffect(() => {
    if (done) setCursor({ index: 0, top: 0 });
  }, [done]);

  const move = (how: Move) => setCursor((prev) => moveCursor(clampCursor(prev, count, height), how, count, height));

  const reviewed = mode === 'review' ? planning.entries.at(review.positions[review.at]!) : undefined;
  const inDetails = mode === 'details' ? current : reviewed;
  const values = useLessonValues(session, inDetails);
  /** y or n: the lesson under review is kept or left out, and the review moves on (ends after the last) */
  const decide = (keep: boolean) => {
    const position = review.positions[review.at]!;
    if (choice.isChosen(position) !== keep) choice.toggle(planning.entries, position);
    if (review.at + 1 < review.positions.length) setReview({ ...review, at: review.at + 1 });
    else setMode('list');
  };

  useKeys((input, key) => {
    // the help and the details scroll themselves (PgUp PgDn, Home End, g G)
    if ((mode === 'help' || mode === 'review' || mode === 'details') && scrollsViewer(input, key)) return;
    if (mode === 'help') return setMode('list');
    if (mode === 'review') {
      if (input === 'y') decide(true);
      else if (input === 'n') decide(false);
      else if (input === 'b') setReview({ ...review, at: Math.max(0, review.at - 1) });
      else if (key.escape) setMode('list');
      return;
    }
    if (mode === 'save' || mode === 'save-plan') {
      if (key.escape) setMode('list');
      return;
    }
    if (planning.stage === 'failed') {
      if (input === 'q') onQuit();
      else if (key.escape) onBack();
      return;
    }
    if (mode === 'search') {
      if (key.escape) {
        setQuery('');
        setMode('list');
      } else if (key.return) setMode('list');
      return;
    }
    if (input === '?') return setMode('help');
    if (!done) return;
    const moved = listMove(input, key);
    if (mode === 'details') {
      if (key.return || key.escape) setMode('list');
      else if (moved === 'up' || moved === 'down') move(moved);
      return;
    }
    if (moved) move(moved);
    else if (input === ' ' && current) {
      const position = indexes ? indexes[view.index]! : view.index;
      setNotice(choice.toggle(planning.entries, position) ? undefined : m.ui.nothingToWrite);
    } else if (input === 'a') choice.toggleAll(planning.entries, indexes);
    else if (input === 'r') {
      const positions: number[] = [];
      const shown = indexes ? indexes.length : planning.entries.length;
      for (let k = 0; k < shown; k++) {
        const i = indexes ? indexes[k]! : k;
        if (isWrite(planning.entries.at(i))) positions.push(i);
      }
      if (positions.length) {
        setReview({ positions, at: 0 });
        setMode('review');
      } else setNotice(m.ui.reviewNothing);
    }
    else if (key.return && current) setMode('details');
    else if (input === 'f' || key.tab) {
      setFilter((f) => nextFilter(f));
      setCursor({ index: 0, top: 0 });
    } else if (input >= '1' && input <= String(FILTERS.length)) {
      setFilter(FILTERS[Number(input) - 1]!);
      setCursor({ index: 0, top: 0 });
    } else if (input === '/') {
      setMode('search');
      setCursor({ index: 0, top: 0 });
    } else if (input === 's' || input === 'p') {
      setNotice(undefined);
      // each time from the default: an edit cancelled with Esc is not kept
      if (input === 's') setReportPath(defaultReportPath);
      else setPlanPath(defaultPlanPath);
      setMode(input === 's' ? 'save' : 'save-plan');
    } else if (input === 'c' && !dryRun) onContinue();
    else if (input === 'q') onQuit();
    else if (key.escape) {
      if (filter !== 'all' || query) {
        setFilter('all');
        setQuery('');
      } else onBack();
    }
  });

  const c = planning.counts;
  const status = (() => {
    if (planning.stage === 'failed') return null;
    const previewed = planning.previewed ? m.ui.previewed(planning.previewed) : '';
    if (planning.stage === 'reading-sandbox') return m.ui.stages['reading-sandbox'] + previewed;
    if (planning.stage === 'reading-prod') return m.ui.stages['reading-prod'](planning.total) + previewed;
    if (planning.stage === 'planning') return m.ui.stages.planning(planning.count, planning.total);
    return m.ui.stages.done(planning.count);
  })();
  const keys = {
    list: done ? (dryRun ? m.ui.keys.planDry : m.ui.keys.plan) : m.ui.keys.planning,
    details: m.ui.keys.details,
    help: m.ui.keys.help,
    search: m.ui.keys.search,
    save: m.ui.keys.save,
    'save-plan': m.ui.keys.save,
    review: m.ui.keys.review,
  }[mode];

  let body;
  if (planning.stage === 'failed') {
    const text = describeError(planning.error, m);
    body = (
      <Box flexDirection="column" marginTop={1}>
        <Text color="red">{m.errorPrefix + text.message}</Text>
        {text.hint ? <Text color="yellow">{m.hintPrefix + text.hint}</Text> : null}
      </Box>
    );
  } else if (planning.lockWait && !done) {
    body = (
      <Box flexDirection="column" marginTop={1}>
        <FitLines items={lockWaitItems(planning.lockWait, m)} height={height - 1} />
      </Box>
    );
  }
  else if (mode === 'help') body = <HelpPanel height={height} />;
  else if (mode === 'details' && current) body = <DetailsPanel key={position} entry={current} height={height} values={values} />;
  else if (mode === 'review' && reviewed) {
    body = (
      <Box flexDirection="column">
        <Text bold>{m.ui.review(review.at + 1, review.positions.length, choice.isChosen(review.positions[review.at]!))}</Text>
        <DetailsPanel key={review.positions[review.at]} entry={reviewed} height={height - 1} values={values} />
      </Box>
    );
  }
  else if (done && count === 0) body = <Text dimColor>{m.ui.nothingShown}</Text>;
  else {
    body = (
      <PlanList
        entries={planning.entries}
        indexes={indexes}
        top={view.top}
        selected={done ? view.index : null}
        height={height}
        isChosen={done ? choice.isChosen : undefined}
      />
    );
  }

  return (
    <Frame step={3} keys={planning.stage === 'failed' ? m.ui.keys.planFailed : keys}>
      {compact ? null : (
        <>
          <Text wrap="truncate">
            {done || planning.stage === 'failed' ? null : (
              <Text color="cyan">
                <Spinner type="dots" />{' '}
              </Text>
            )}
            {status}
            {'   '}
            <Text color="green">
              {m.marks.create} {m.ui.count(c.create)}
            </Text>{' '}
            <Text color="cyan">
              {m.marks.update} {m.ui.count(c.update)}
            </Text>{' '}
            {m.marks.filled} {m.ui.count(c.filled)} {m.marks.skip} {m.ui.count(c.skip)}{' '}
            <Text color="red">
              {m.marks.error} {m.ui.count(c.error)}
            </Text>
          </Text>
          <Text wrap="truncate" dimColor={mode !== 'search' && mode !== 'save' && mode !== 'save-plan'}>
            {mode === 'save-plan' ? (
              <PromptLine
                prompt={`${m.ui.savePlan.prompt} `}
                value={planPath}
                onChange={setPlanPath}
                onSubmit={(path) => {
                  setNotice(m.ui.savePlan.saving);
                  setMode('list');
                  void onSavePlan(path).then(setNotice);
                }}
              />
            ) : mode === 'save' ? (
              <PromptLine
                prompt={`${m.ui.save.prompt} `}
                value={reportPath}
                onChange={setReportPath}
                onSubmit={(path) => {
                  setNotice(onSaveReport(path));
                  setMode('list');
                }}
              />
            ) : mode === 'search' ? (
              <PromptLine prompt={SEARCH_PROMPT} value={query} onChange={setQuery} />
            ) : (
              <>
                {m.ui.filterLabel(m.ui.filterNames[filter]!)}
                {done ? ` · ${m.ui.toWrite(c.create + c.update - choice.count, c.create + c.update)}` : ''}
                {query ? ` · ${m.ui.searchLabel(query)}` : ''}
                {indexes ? ` · ${m.ui.shown(count, planning.count)}` : ''}
                {done && count ? ` · ${m.ui.position(view.index + 1, count)}` : ''}
                {notice ? `   ${notice}` : ''}
              </>
            )}
          </Text>
        </>
      )}
      {body}
    </Frame>
  );
}
