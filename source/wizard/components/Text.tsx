/**
 * Ink's Text, minus colour when the operator asked for none (https://no-color.org):
 * NO_COLOR removes colours only; bold, dim and inverse (the plan's cursor) stay.
 */
import { Box, Text as InkText } from 'ink';
import type { ComponentProps } from 'react';

export const noColor = () => Boolean(process.env.NO_COLOR);

export function Text(props: ComponentProps<typeof InkText>) {
  if (!noColor()) return <InkText {...props} />;
  const { color: _color, backgroundColor: _background, ...rest } = props;
  return <InkText {...rest} />;
}

/** ink-select-input's item and indicator, drawn with this Text. */
export function SelectItem({ isSelected = false, label }: { isSelected?: boolean; label: string }) {
  return (
    <Text color={isSelected ? 'blue' : undefined} bold={isSelected && noColor()} wrap="truncate">
      {label}
    </Text>
  );
}

export function SelectIndicator({ isSelected = false }: { isSelected?: boolean }) {
  // its two columns stay when a long item beside it is cut
  return (
    <Box flexShrink={0}>
      <Text color="blue">{isSelected ? '❯ ' : '  '}</Text>
    </Box>
  );
}
