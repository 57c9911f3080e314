import { Box } from 'ink';
import { Text } from './Text.js';
import { useMessages } from '../context.js';

export function HelpPanel({ height }: { height: number }) {
  const m = useMessages();
  return (
    <Box flexDirection="column" height={height} overflow="hidden" borderStyle="round" paddingX={1}>
      <Text bold>{m.ui.help.title}</Text>
      {m.ui.help.rows.map(([keys, what]) => (
        <Text key={keys} wrap="truncate">
          <Text color="cyan">{keys.padEnd(16)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
