import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useEffect, useRef, useState } from 'react';
import { useApply, type ApplyResult } from '../hooks/use-apply.js';
import { lessonHeader, reasonLine, studentText } from '../../text/describe-lesson.js';
import type { InterruptSignal } from '../../common/errors.js';
import type { Plan, Session } from '../../sync/session.js';
import type { UndoTarget } from '../../storage/undo-file.js';
import { useMessages } from '../context.js';
import { Frame, FRAME_LINES, gapFor, useFrame } from '../components/Frame.js';
import { FitLines, type StyledItem } from '../components/FitLines.js';
import { lockWaitItems } from '../components/LockWaitLines.js';
import { abortItems, useAbortQuestion } from '../components/AbortQuestion.js';
import { RANK } from '../fit.js';

export interface ApplyStepProps {
  session: Session;
  plan: Plan;
  /** where the undo file goes (SPEC §12) */
  undo?: UndoTarget;
  /** a signal (SIGTERM, SIGHUP) stops the apply at once, without asking */
  stopSignal: InterruptSignal | undefined;
  onDone: (result: ApplyResult) => void;
}

function Bar({ done, total, width, percent }: { done: number; total: number; width: number; percent: number }) {
  const filled = total ? Math.round((done / total) * width) : width;
  return (
    <Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(Math.max(0, width - filled))}</Text> {percent}%
    </Text>
  );
}

/** Step 5: the one transaction, with progress; Ctrl+C asks, then rolls back. */
export function ApplyStep({ session, plan, undo, stopSignal, onDone }: ApplyStepProps) {
  const m = useMessages();
  const a = m.ui.apply;
  const { columns, rows } = useFrame();
  const started = useRef(performance.now());
  const applying = useApply(session, plan, { undo }, onDone);
  const { lockWait, aborting } = applying;
  const progress = { done: applying.done, total: applying.total };
  const asking = useAbortQuestion(() => applying.abort(), aborting);
  const [, tick] = useState(0);

  // the elapsed time moves even while nothing else does (a lock wait)
  useEffect(() => {
    const timer = setInterval(() => tick((t) => t + 1), 250);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (stopSignal) applying.abort(stopSignal);
  }, [stopSignal]);


  const seconds = (performance.now() - started.current) / 1000;
  const body = rows - FRAME_LINES;
  const gap = gapFor(rows);
  const percent = progress.total ? Math.floor((progress.done / progress.total) * 100) : 100;
  const barWidth = Math.max(10, Math.min(50, columns - 30));
  const items: StyledItem[] = [
    { text: a.title, bold: true, rank: RANK.line },
    ...(gap ? [{ text: '' }] : []),
    { text: `${'█'.repeat(barWidth)} ${percent}%`, oneRow: true, rank: RANK.line, node: <Bar done={progress.done} total={progress.total} width={barWidth} percent={percent} /> },
    { text: a.progress(progress.done, progress.total, seconds, seconds > 0 ? progress.done / seconds : 0), rank: RANK.line },
    ...lockWaitItems(lockWait, m),
    ...(applying.latest ? [{ text: a.current(lessonHeader(applying.latest, m).replace(/^📝 /, '')), dim: true, oneRow: true }] : []),
  ];
  const shownErrors = applying.errors.slice(-5);
  if (shownErrors.length) {
    items.push(
      { text: '' },
      { text: a.errors, color: 'red', rank: RANK.line },
      ...shownErrors.map((entry): StyledItem => ({ text: `${entry.lessonDate} ${studentText(entry, m).name}: ${reasonLine(entry, m).trim()}`, color: 'red', oneRow: true })),
    );
  }
  items.push(...abortItems(asking, aborting, m));
  return (
    <Frame step={5} keys={asking ? m.ui.keys.abort : m.ui.keys.apply}>
      <Box flexDirection="column" marginTop={gap}>
        <FitLines items={items} height={body - gap} />
      </Box>
    </Frame>
  );
}
