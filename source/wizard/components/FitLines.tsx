/** Lines that give way as the fit decides (wizard/fit.ts): details first, never what failed. */
import Spinner from 'ink-spinner';
import type { ReactNode } from 'react';
import { fitItems, RANK, type FitItem } from '../fit.js';
import { useFrame } from './Frame.js';
import { Text } from './Text.js';

export interface StyledItem extends FitItem {
  color?: 'red' | 'yellow' | 'green';
  dim?: boolean;
  bold?: boolean;
  /** the text's first character stands for a spinner, drawn in its place */
  spinner?: boolean;
  /** drawn instead of the text (one row; the text, as wide, is what the fit measures) */
  node?: ReactNode;
}

/**
 * Lines of a text block (the seed's summary): its rules give way first, then its title and
 * its breakdown (indented deeper); the counts stay.
 */
export function blockItems(lines: readonly string[], rule: string): StyledItem[] {
  return lines.map((text) => {
    if (text === rule) return { text, oneRow: true };
    const indent = /^ */.exec(text)![0].length;
    return { text, rank: indent === 0 || indent > 2 ? RANK.line : RANK.essential };
  });
}

/** One column wide, like the spinner's frames: what the fit measures a spinning line with. */
export const SPINNER_PLACE = '⠋';

export function FitLines({ items, height }: { items: readonly StyledItem[]; height: number }) {
  const { columns } = useFrame();
  return (
    <>
      {fitItems(items, columns, height).flatMap(({ item, rows }, i) =>
        rows.map((row, j) => (
          <Text key={`${i}.${j}`} wrap="truncate" color={item.color} dimColor={item.dim} bold={item.bold}>
            {item.node ? (
              item.node
            ) : item.spinner && j === 0 ? (
              <>
                <Text color="cyan">
                  <Spinner type="dots" />
                </Text>
                {row.slice(SPINNER_PLACE.length)}
              </>
            ) : (
              row || ' '
            )}
          </Text>
        )),
      )}
    </>
  );
}
