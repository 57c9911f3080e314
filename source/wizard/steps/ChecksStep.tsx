import { Box } from 'ink';
import { RANK } from '../fit.js';
import { FitLines, SPINNER_PLACE, type StyledItem } from '../components/FitLines.js';
import { useKeys } from '../hooks/use-keys.js';
import type { OpenOptions } from '../../core/operation.js';
import { describeError } from '../../text/describe-error.js';
import { warningLine } from '../../text/describe-lesson.js';
import { printable } from '../../common/printable.js';
import type { Messages } from '../../i18n/index.js';
import type { Session, Targets } from '../../sync/session.js';
import { CHECK_IDS, useChecks, type CheckState } from '../hooks/use-checks.js';
import { useMessages } from '../context.js';
import { Frame, FRAME_LINES, gapFor, useFrame } from '../components/Frame.js';

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
  const { rows } = useFrame();
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
  const items: StyledItem[] = CHECK_IDS.flatMap((id) => {
    const state = states[id];
    const mark = state.status === 'running' ? SPINNER_PLACE : { pending: m.marks.pending, ok: m.marks.ok, failed: m.marks.error }[state.status];
    return [
      { text: `${mark} ${m.ui.checks[id]}`, hang: 3, rank: state.status === 'failed' ? RANK.essential : RANK.line, spinner: state.status === 'running', dim: state.status === 'pending' },
      ...detailOf(state, m).map((text) => ({ text: `   ${text}`, dim: true })),
    ];
  });
  if (failure) {
    items.push(
      { text: '' },
      { text: m.errorPrefix + failure.message, rank: RANK.essential, color: 'red' },
      ...failure.details.map((text) => ({ text, rank: RANK.essential, color: 'red' as const })),
      ...(failure.hint ? [{ text: m.hintPrefix + failure.hint, rank: RANK.essential, color: 'yellow' as const }] : []),
    );
  }
  const gap = gapFor(rows);
  return (
    <Frame step={2} keys={keys}>
      <Box flexDirection="column" marginTop={gap}>
        <FitLines items={items} height={rows - FRAME_LINES - gap} />
      </Box>
    </Frame>
  );
}
