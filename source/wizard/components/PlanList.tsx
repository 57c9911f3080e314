import { Box } from 'ink';
import { Text } from './Text.js';
import { memo } from 'react';
import { isWrite, type EntryList, type PlanEntry } from '../../engine/types.js';
import type { Messages } from '../../i18n/index.js';
import { useMessages } from '../context.js';
import { rowText } from '../format.js';

/** How many rows were drawn: lets tests see that a cursor move redraws two rows, not the list. */
export const renderStats = { rows: 0 };

/** `chosen`: for a create or update, whether it will be written; undefined when it writes nothing. */
const Row = memo(function Row({ entry, selected, chosen, m }: { entry: PlanEntry; selected: boolean; chosen: boolean | undefined; m: Messages }) {
  renderStats.rows++;
  const color = entry.action === 'error' ? 'red' : entry.action === 'create' ? 'green' : entry.action === 'update' ? 'cyan' : undefined;
  return (
    <Text wrap="truncate" inverse={selected} color={selected ? undefined : color}>
      {chosen === undefined ? '  ' : chosen ? `${m.marks.chosen} ` : `${m.marks.leftOut} `}
      {rowText(entry, m)}
    </Text>
  );
});

export interface PlanListProps {
  entries: EntryList;
  /** positions kept by the filter and search; null for all */
  indexes: readonly number[] | null;
  top: number;
  selected: number | null;
  height: number;
  /** whether the lesson at an entry's position will be written; absent while planning */
  isChosen?: (index: number) => boolean;
}

/** Only the rows in the window are rendered, whatever the length of the plan. */
export function PlanList({ entries, indexes, top, selected, height, isChosen }: PlanListProps) {
  const m = useMessages();
  const count = indexes ? indexes.length : entries.length;
  const rows = [];
  for (let position = top; position < Math.min(count, top + height); position++) {
    const i = indexes ? indexes[position]! : position;
    const entry = entries.at(i)!;
    const chosen = isChosen && isWrite(entry) ? isChosen(i) : undefined;
    rows.push(<Row key={i} entry={entry} selected={position === selected} chosen={chosen} m={m} />);
  }
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {rows}
    </Box>
  );
}
