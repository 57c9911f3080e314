import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useEffect, useRef, useState } from 'react';
import { useApply, type ApplyResult } from '../hooks/use-apply.js';
import { lessonHeader, reasonLine, studentText } from '../../text/describe-lesson.js';
import type { InterruptSignal } from '../../common/errors.js';
import type { Plan, Session } from '../../sync/session.js';
import type { UndoTarget } from '../../storage/undo-file.js';
import { useMessages } from '../context.js';
import { Frame, useFrame } from '../components/Frame.js';
import { LockWaitLines } from '../components/LockWaitLines.js';
import { AbortQuestion, useAbortQuestion } from '../components/AbortQuestion.js';

export interface ApplyStepProps {
  session: Session;
  plan: Plan;
  /** where the undo file goes (SPEC §12) */
  undo?: UndoTarget;
  /** a signal (SIGTERM, SIGHUP) stops the apply at once, without asking */
  stopSignal: InterruptSignal | undefined;
  onDone: (result: ApplyResult) => void;
}

function Bar({ done, total, width }: { done: number; total: number; width: number }) {
  const filled = total ? Math.round((done / total) * width) : width;
  return (
    <Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(Math.max(0, width - filled))}</Text>
    </Text>
  );
}

/** Step 5: the one transaction, with progress; Ctrl+C asks, then rolls back. */
export function ApplyStep({ session, plan, undo, stopSignal, onDone }: ApplyStepProps) {
  const m = useMessages();
  const a = m.ui.apply;
  const { columns } = useFrame();
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
  const shownErrors = applying.errors.slice(-5);
  return (
    <Frame step={5} keys={asking ? m.ui.keys.abort : m.ui.keys.apply}>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>{a.title}</Text>
        <Box marginTop={1}>
          <Bar done={progress.done} total={progress.total} width={Math.max(10, Math.min(50, columns - 30))} />
          <Text> {progress.total ? Math.floor((progress.done / progress.total) * 100) : 100}%</Text>
        </Box>
        <Text>{a.progress(progress.done, progress.total, seconds, seconds > 0 ? progress.done / seconds : 0)}</Text>
        <LockWaitLines wait={lockWait} />
        {applying.latest ? <Text wrap="truncate" dimColor>{a.current(lessonHeader(applying.latest, m).replace(/^📝 /, ''))}</Text> : null}
        {shownErrors.length ? (
          <Box flexDirection="column" marginTop={1}>
            <Text color="red">{a.errors}</Text>
            {shownErrors.map((entry) => (
              <Text key={entry.sandboxLessonId} color="red" wrap="truncate">
                {entry.lessonDate} {studentText(entry, m).name}: {reasonLine(entry, m).trim()}
              </Text>
            ))}
          </Box>
        ) : null}
        <AbortQuestion asking={asking} aborting={aborting} />
      </Box>
    </Frame>
  );
}
