import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useKeys } from '../hooks/use-keys.js';
import Spinner from 'ink-spinner';
import { useEffect, useState } from 'react';
import type { ConnectOptions } from '../../db/client.js';
import { describeError, type ErrorText } from '../../describe-error.js';
import { warningLine } from '../../describe-lesson.js';
import { printable } from '../../text.js';
import { Session, type CheckEvent, type CheckId, type Targets } from '../../session.js';
import { useMessages } from '../context.js';
import { Frame } from '../components/Frame.js';

type Status = 'pending' | 'running' | 'ok' | 'failed';
interface CheckLine {
  status: Status;
  detail: string[];
}

const IDS: readonly CheckId[] = ['sandbox', 'prod', 'same-database', 'schema'];

export interface ChecksStepProps {
  targets: Targets;
  connect?: ConnectOptions;
  onOpened: (session: Session) => void;
  onContinue: () => void;
  onBack: () => void;
  onQuit: (error: unknown) => void;
}

/** Step 2: connect to both, tell them apart, check both schemas; each check on its own line. */
export function ChecksStep({ targets, connect, onOpened, onContinue, onBack, onQuit }: ChecksStepProps) {
  const m = useMessages();
  const initial = () => Object.fromEntries(IDS.map((id) => [id, { status: 'pending', detail: [] } as CheckLine])) as Record<CheckId, CheckLine>;
  const [lines, setLines] = useState(initial);
  const [failure, setFailure] = useState<{ error: unknown; text: ErrorText }>();
  const [ready, setReady] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setLines(initial());
    setFailure(undefined);
    setReady(false);
    const onCheck = (event: CheckEvent) => {
      if (cancelled) return;
      let detail: string[] = [];
      if (event.status === 'ok' && (event.id === 'sandbox' || event.id === 'prod')) {
        detail = [m.ui.checks.server(printable(event.info.version), event.info.rttMs)];
      } else if (event.status === 'ok' && event.id === 'schema') {
        detail = [m.ui.checks.schemaOk, ...event.warnings.map((w) => warningLine(w, m).trim())];
      }
      setLines((prev) => ({ ...prev, [event.id]: { status: event.status, detail } }));
    };
    Session.open(targets, onCheck, connect).then(
      (session) => {
        if (cancelled) {
          void session.close();
          return;
        }
        onOpened(session);
        setReady(true);
      },
      (error: unknown) => {
        if (cancelled) return;
        setLines((prev) => {
          // a check that never started because an earlier one failed stays pending
          const next = { ...prev };
          for (const id of IDS) if (next[id].status === 'running') next[id] = { status: 'failed', detail: [] };
          return next;
        });
        setFailure({ error, text: describeError(error, m) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  useKeys((input, key) => {
    if (ready) {
      if (key.return) onContinue();
      else if (key.escape) onBack();
      else if (input === 'q') onQuit(undefined);
    } else if (failure) {
      if (key.escape || input === 'e') onBack();
      else if (input === 'r') setAttempt((a) => a + 1);
      else if (input === 'q') onQuit(failure.error);
    }
  });

  const keys = ready ? m.ui.keys.checksOk : failure ? m.ui.keys.checksFailed : m.ui.keys.checksRunning;
  return (
    <Frame step={2} keys={keys}>
    <Box flexDirection="column" marginTop={1}>
      {IDS.map((id) => {
        const line = lines[id];
        return (
          <Box key={id} flexDirection="column">
            <Text>
              {line.status === 'running' ? (
                <Text color="cyan">
                  <Spinner type="dots" />
                </Text>
              ) : (
                { pending: '·', ok: '✅', failed: '❌' }[line.status]
              )}{' '}
              <Text dimColor={line.status === 'pending'}>{m.ui.checks[id]}</Text>
            </Text>
            {line.detail.map((text, i) => (
              <Text key={i} dimColor wrap="truncate">
                {'   '}
                {text}
              </Text>
            ))}
          </Box>
        );
      })}
      {failure ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color="red">❌ {failure.text.message}</Text>
          {failure.text.details.map((line, i) => (
            <Text key={i} color="red">
              {line}
            </Text>
          ))}
          {failure.text.hint ? <Text color="yellow">💡 {failure.text.hint}</Text> : null}
        </Box>
      ) : null}
    </Box>
    </Frame>
  );
}
