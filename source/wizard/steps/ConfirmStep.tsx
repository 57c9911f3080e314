import { Box } from 'ink';
import { SelectIndicator, SelectItem, Text } from '../components/Text.js';
import { useKeys } from '../hooks/use-keys.js';
import SelectInput from 'ink-select-input';
import { useState } from 'react';
import type { Summary } from '../../engine/types.js';
import type { DbUrl } from '../../common/db-url.js';
import { useMessages } from '../context.js';
import { Frame, FRAME_LINES, gapFor, useFrame } from '../components/Frame.js';
import { RANK } from '../fit.js';
import { FitLines, type StyledItem } from '../components/FitLines.js';
import { TypedConfirm, typedConfirmRows } from '../components/TypedConfirm.js';
import { wrapWords } from '../text-lines.js';

export type ConfirmChoice = 'apply' | 'save-and-quit' | 'save-plan-and-quit' | 'back' | 'quit';

export interface ConfirmStepProps {
  /** the plan as the operator chose it */
  summary: Summary;
  /** the plan before any lesson was left out: "create 7 of 9" (default: the same) */
  planned?: Summary;
  prod: DbUrl;
  onApply: () => void;
  onSaveAndQuit: () => void;
  /** saves the plan file (SPEC §11), then quits; the choice is offered when given */
  onSavePlanAndQuit?: () => Promise<void>;
  onBack: () => void;
  onQuit: () => void;
}

/** Step 4: what will be written where; Apply needs the prod database name typed. */
export function ConfirmStep({ summary, planned = summary, prod, onApply, onSaveAndQuit, onSavePlanAndQuit, onBack, onQuit }: ConfirmStepProps) {
  const m = useMessages();
  const c = m.ui.confirm;
  const [typing, setTyping] = useState(false);
  const [notice, setNotice] = useState<string>();
  const writes = summary.created + summary.updated;
  const items: { label: string; value: ConfirmChoice }[] = [
    ...(writes ? [{ label: c.apply, value: 'apply' as const }] : []),
    { label: c.saveAndQuit, value: 'save-and-quit' },
    ...(onSavePlanAndQuit ? [{ label: c.savePlanAndQuit, value: 'save-plan-and-quit' as const }] : []),
    { label: c.back, value: 'back' },
    { label: c.quit, value: 'quit' },
  ];

  useKeys((_, key) => {
    if (!key.escape) return;
    if (typing) setTyping(false);
    else onBack();
  });

  const select = ({ value }: { value: ConfirmChoice }) => {
    setNotice(undefined);
    if (value === 'apply') setTyping(true);
    else if (value === 'save-and-quit') onSaveAndQuit();
    else if (value === 'save-plan-and-quit') {
      setNotice(m.ui.savePlan.saving);
      void onSavePlanAndQuit?.();
    }
    else if (value === 'back') onBack();
    else onQuit();
  };

  const { rows, columns } = useFrame();
  const info: StyledItem[] = [{ text: c.title, bold: true }];
  if (writes) {
    info.push(
      {
        text: summary.excluded
          ? c.whatChosen(summary.created, planned.created, summary.updated, planned.updated, summary.tasksCopied)
          : c.what(summary.created, summary.updated, summary.tasksCopied),
        rank: RANK.essential,
      },
      { text: c.where(prod.database, `${prod.host}:${prod.port}`), rank: RANK.essential },
    );
  } else info.push({ text: c.nothing, rank: RANK.essential, color: 'yellow' });
  info.push({ text: c.untouched(summary.skipped - summary.excluded, summary.errors) + (summary.excluded ? ` · ${c.leftOut(summary.excluded)}` : ''), dim: true });
  // the choice (or the name prompt) and the notice keep their rows; what is said above gives way
  const body = rows - FRAME_LINES;
  const gap = gapFor(rows);
  const noticeRows = notice ? wrapWords(notice, columns).length : 0;
  // the menu scrolls: it gives rows to what and where before they would be cut
  const kept = info.filter((item) => item.rank === RANK.essential).reduce((rows, item) => rows + wrapWords(item.text, columns).length, 0);
  const menuRows = Math.max(2, Math.min(items.length, body - 2 * gap - kept - noticeRows));
  const actionRows = typing ? typedConfirmRows(c.typeName(prod.database), columns) : menuRows;

  return (
    <Frame step={4} keys={typing ? m.ui.keys.typeName : m.ui.keys.confirm}>
      <Box flexDirection="column" marginTop={gap}>
        <FitLines items={info} height={Math.max(0, body - 2 * gap - actionRows - noticeRows)} />
        <Box marginTop={gap} flexDirection="column">
          {typing ? (
            <TypedConfirm
              prompt={c.typeName(prod.database)}
              expected={prod.database}
              onMatch={onApply}
              onMismatch={() => {
                setTyping(false);
                setNotice(c.mismatch);
              }}
            />
          ) : (
            <SelectInput items={items} limit={menuRows} onSelect={select} itemComponent={SelectItem} indicatorComponent={SelectIndicator} />
          )}
        </Box>
        {notice ? <Text color={notice === c.mismatch ? 'red' : undefined}>{notice}</Text> : null}
      </Box>
    </Frame>
  );
}
