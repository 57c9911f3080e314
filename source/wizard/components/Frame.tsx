import { Box } from 'ink';
import { Text } from './Text.js';
import { createContext, useContext, type ReactNode } from 'react';
import { useMessages } from '../context.js';
import { fitKeyLine, fitTargetsLine } from '../fit.js';

export interface FrameInfo {
  /** masked URLs, once both are known */
  targets: { sandbox: string; prod: string } | undefined;
  dryRun: boolean;
  columns: number;
  rows: number;
}

export const FrameContext = createContext<FrameInfo>({ targets: undefined, dryRun: false, columns: 80, rows: 24 });
export const useFrame = () => useContext(FrameContext);

/** Lines the frame itself takes: header (2) and footer (1). */
export const FRAME_LINES = 3;

/** Body rows from which a step leaves blank lines between its parts. */
const ROOMY_BODY = 14;

/** The blank line a step puts between its parts in a terminal of `rows`: none where rows are short. */
export function gapFor(rows: number): 0 | 1 {
  return rows - FRAME_LINES >= ROOMY_BODY ? 1 : 0;
}

/** Header (step, both masked targets), the step's body, footer (the keys that work now). */
export function Frame({ step, keys, children, steps = undefined, title = undefined }: { step: number; keys: string; children: ReactNode; steps?: readonly string[]; title?: string }) {
  const m = useMessages();
  const { targets, dryRun, rows, columns } = useFrame();
  steps ??= m.ui.steps;
  // the header and the key line keep their rows however tall the body: it is the body that gives way
  return (
    <Box flexDirection="column" height={rows}>
      <Box flexDirection="column" flexShrink={0}>
        <Text wrap="truncate">
          <Text bold color="cyan">
            {title ?? m.ui.title}
          </Text>
          <Text> · </Text>
          <Text bold>{m.ui.stepOf(step, steps.length, steps[step - 1]!)}</Text>
          {dryRun ? <Text color="yellow"> · {m.ui.dryRunBadge}</Text> : null}
        </Text>
        <Text dimColor wrap="truncate">
          {targets ? fitTargetsLine(targets.sandbox ? `${m.sides.sandbox}: ${targets.sandbox}` : undefined, `${m.sides.prod}: ${targets.prod}`, columns) : ' '}
        </Text>
      </Box>
      <Box flexDirection="column" flexGrow={1} flexShrink={1} overflow="hidden">
        <Box flexDirection="column" flexShrink={0}>
          {children}
        </Box>
      </Box>
      <Box flexShrink={0}>
        <Text dimColor wrap="truncate-end">
          {fitKeyLine(keys, columns)}
        </Text>
      </Box>
    </Box>
  );
}
