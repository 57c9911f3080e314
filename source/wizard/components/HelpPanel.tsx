/** `?`: the keys, and what the plan's short rows mean, in the viewer (scrolls, wraps to any width). */
import { useMemo } from 'react';
import type { Messages } from '../../i18n/index.js';
import { useMessages } from '../context.js';
import { TextViewer, type ViewerLine } from './TextViewer.js';

/** the key column, and where a wrapped description continues */
const KEY_COLUMN = 16;

function helpLines(m: Messages): ViewerLine[] {
  const h = m.ui.help;
  const row = ([keys, what]: [string, string]): ViewerLine => ({ text: keys.padEnd(KEY_COLUMN - 1) + ' ' + what, hang: KEY_COLUMN });
  return [
    { text: h.title, bold: true },
    ...h.rows.map(row),
    { text: '' },
    { text: h.glossaryTitle, bold: true },
    ...h.glossary.map(([words, meaning]): ViewerLine => ({ text: `${words} — ${meaning}`, hang: 2 })),
  ];
}

export function HelpPanel({ height }: { height: number }) {
  const m = useMessages();
  const lines = useMemo(() => helpLines(m), [m]);
  return <TextViewer lines={lines} height={height} />;
}
