/** `lesson-sync undo` without a file: this prod's syncs, newest first, to pick the one to take back. */
import { Box } from 'ink';
import SelectInput from 'ink-select-input';
import { useMemo } from 'react';
import type { DbUrl } from '../../common/db-url.js';
import { printable } from '../../common/printable.js';
import { describeError } from '../../text/describe-error.js';
import { syncLine } from '../../text/describe-undo.js';
import { syncsIn } from '../../undo/history.js';
import { Frame } from '../components/Frame.js';
import { SelectIndicator, SelectItem, Text } from '../components/Text.js';
import { useMessages } from '../context.js';
import { useKeys } from '../hooks/use-keys.js';

export interface UndoPickStepProps {
  prod: DbUrl;
  /** the state directory the syncs' files are in */
  dir: string;
  /** the file could not be read: why */
  error?: unknown;
  onPick: (path: string) => void;
  onQuit: () => void;
}

export function UndoPickStep({ prod, dir, error, onPick, onQuit }: UndoPickStepProps) {
  const m = useMessages();
  const l = m.undo.list;
  const syncs = useMemo(() => syncsIn(dir, prod), [dir, prod]);
  useKeys((input, key) => {
    if (input === 'q' || key.escape) onQuit();
  });
  const problem = error ? describeError(error, m) : undefined;
  return (
    <Frame step={1} keys={m.undo.ui.keys.pick} steps={[m.undo.ui.pickStep]} title={m.undo.ui.title}>
      <Box flexDirection="column" marginTop={1}>
        {syncs.length ? (
          <>
            <Text bold>{l.pickTitle(printable(prod.database))}</Text>
            <SelectInput
              items={syncs.map((sync) => ({ key: sync.path, label: syncLine(sync, m), value: sync.path }))}
              onSelect={({ value }) => onPick(value)}
              itemComponent={SelectItem}
              indicatorComponent={SelectIndicator}
              limit={10}
            />
          </>
        ) : (
          <Text color="yellow">{l.pickNone(printable(prod.database), printable(dir))}</Text>
        )}
        {problem ? <Text color="red">{m.errorPrefix + problem.message}</Text> : null}
      </Box>
    </Frame>
  );
}
