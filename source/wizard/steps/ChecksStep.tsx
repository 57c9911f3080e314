import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useKeys } from '../hooks/use-keys.js';
import Spinner from 'ink-spinner';
import type { OpenOptions } from '../../core/operation.js';
import { describeError } from '../../text/describe-error.js';
import { warningLine } from '../../text/describe-lesson.js';
import { printable } from '../../common/printable.js';
import type { Messages } from '../../i18n/index.js';
import type { Session, Targets } from '../../sync/session.js';
import { CHECK_IDS, useChecks, type CheckState } from '../hooks/use-checks.js';
import { useMessages } from '../context.js';
import { Frame } from '../components/Frame.js';

export interface ChecksStepProps {
  targets: Targets;
  connect?: OpenOptions;
  onOpened: (session: Session) => void;
  onContinue: () => void;
  onBack: () => void;
  onQuit: (error: unknown) => void;
}

/** What a check that passed has to say: the server and its round trip, or the schema's warnings. */
function detailOf(state: CheckState, m: Messages): string[] {
  if (state.status !== 'ok') return [];
  switch (state.id) {
    case 'sandbox':
    case 'prod':
      return [m.ui.checks.server(printable(state.info.version), state.info.rttMs)];
    case 'schema':
      return [m.ui.checks.schemaOk, ...state.warnings.map((w) => warningLine(w, m).trim())];
    case 'same-database':
      return [];
  }
}

/** Step 2: connect to both, tell them apart, check both schemas; each check on its own line. */
export function ChecksStep({ targets, connect, onOpened, onContinue, onBack, onQuit }: ChecksStepProps) {
  const m = useMessages();
  const { states, ready, error, retry } = useChecks(targets, connect, onOpened);
  const failure = error === undefined ? undefined : describeError(error, m);

  useKeys((input, key) => {
    if (ready) {
      if (key.return) onContinue();
      else if (key.escape) onBack();
      else if (input === 'q') onQuit(undefined);
    } else if (failure) {
      if (key.escape || input === 'e') onBack();
      else if (input === 'r') retry();
      else if (input === 'q') onQuit(error);
    }
  });

  const keys = ready ? m.ui.keys.checksOk : failure ? m.ui.keys.checksFailed : m.ui.keys.checksRunning;
  return (
    <Frame step={2} keys={keys}>
    <Box flexDirection="column" marginTop={1}>
      {CHECK_IDS.map((id) => {
        const line = states[id];
        return (
          <Box key={id} flexDirection="column">
            <Text>
              {line.status === 'running' ? (
                <Text color="cyan">
                  <Spinner type="dots" />
                </Text>
              ) : (
                { pending: m.marks.pending, ok: m.marks.ok, failed: m.marks.error }[line.status]
              )}{' '}
              <Text dimColor={line.status === 'pending'}>{m.ui.checks[id]}</Text>
            </Text>
            {detailOf(line, m).map((text, i) => (
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
          <Text color="red">{m.errorPrefix + failure.message}</Text>
          {failure.details.map((line, i) => (
            <Text key={i} color="red">
              {line}
            </Text>
          ))}
          {failure.hint ? <Text color="yellow">{m.hintPrefix + failure.hint}</Text> : null}
        </Box>
      ) : null}
    </Box>
    </Frame>
  );
}
