/**
 * Lines of text in a bordered panel that costs what is on screen: the lines are wrapped
 * once (by display width), only those that fit are drawn, and the panel scrolls itself:
 * PgUp PgDn, Home End, g G; "▼ more below (lines a–b of N)" while there is more.
 */
import { Box, type Key } from 'ink';
import { useMemo, useState } from 'react';
import { useKeys } from '../hooks/use-keys.js';
import { useMessages } from '../context.js';
import { useFrame } from './Frame.js';
import { Text } from './Text.js';
import { wrapToWidth, wrapWords } from '../text-lines.js';

export interface ViewerLine {
  text: string;
  bold?: boolean;
  color?: 'red' | 'cyan';
  dim?: boolean;
  /**
   * prose: broken between words, its rows after the first indented by `hang` columns
   * (a key's description under the key's column). Without it a line is a value, broken
   * where the width ends.
   */
  hang?: number;
}

/** Rows from which the panel has a border: below, every row shows text. */
const FRAMED_FROM = 10;

/** The keys the viewer takes for itself. */
export function scrollsViewer(input: string, key: Key): boolean {
  return key.pageDown || key.pageUp || key.home || key.end || input === 'g' || input === 'G';
}

function wrapLine(line: ViewerLine, width: number): ViewerLine[] {
  if (line.hang === undefined) return wrapToWidth(line.text, width).map((text) => ({ ...line, text }));
  return wrapWords(line.text, width, Math.min(line.hang, Math.floor(width / 2))).map((text) => ({ ...line, text }));
}

/** `lines` should keep its identity while its content does: it is wrapped again only when it changes. */
export function TextViewer({ lines, height }: { lines: readonly ViewerLine[]; height: number }) {
  const m = useMessages();
  const { columns } = useFrame();
  // a border (with its padding: four columns, two lines) only where there is room for it; the "more" line takes one
  const framed = height >= FRAMED_FROM;
  const width = Math.max(10, columns - (framed ? 4 : 0));
  const visible = Math.max(1, height - (framed ? 3 : 1));
  const wrapped = useMemo(() => lines.flatMap((line) => wrapLine(line, width)), [lines, width]);
  const last = Math.max(0, wrapped.length - visible);
  const [top, setTop] = useState(0);
  const at = Math.min(top, last);
  const page = Math.max(1, visible - 1);
  // from the latest position, not the last drawn one: keys can come faster than frames
  useKeys((input, key) => {
    if (key.pageDown) setTop((t) => Math.min(last, Math.min(t, last) + page));
    else if (key.pageUp) setTop((t) => Math.max(0, Math.min(t, last) - page));
    else if (key.home || input === 'g') setTop(0);
    else if (key.end || input === 'G') setTop(last);
  });
  const shown = wrapped.slice(at, at + visible);
  const d = m.ui.details;
  const more = at < last ? d.moreBelow(at + 1, at + shown.length, wrapped.length) : at > 0 ? d.linesOf(at + 1, at + shown.length, wrapped.length) : '';
  return (
    <Box flexDirection="column" height={height} overflow="hidden" borderStyle={framed ? 'round' : undefined} paddingX={framed ? 1 : 0}>
      {shown.map((line, i) => (
        <Text key={at + i} wrap="truncate" bold={line.bold} color={line.color} dimColor={line.dim}>
          {line.text || ' '}
        </Text>
      ))}
      {more ? (
        <Box marginTop={Math.max(0, visible - shown.length)}>
          <Text dimColor wrap="truncate">
            {more}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
