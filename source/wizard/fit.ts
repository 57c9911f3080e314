/**
 * What a step shows when the terminal is small: pure decisions over lines of text, made
 * before Ink draws, so nothing is cut from the left or shown under another line's label.
 */
import { cutToWidth, displayWidth, wrapWords } from './text-lines.js';

const KEY_SEPARATOR = ' · ';
/** the keys that leave or explain: never dropped from a key line */
const LEAVING_KEYS = new Set(['q', 'Esc', '?', 'Ctrl+C']);

/** A hint such as "e/Esc edit URLs" leaves when one of its keys does. */
function leaves(hint: string): boolean {
  const keys = hint.split(' ', 1)[0]!;
  return keys.split('/').some((key) => LEAVING_KEYS.has(key));
}

const KEY_NAME = /^(Enter|Esc|Tab|PgUp|PgDn|Home|End|Space|Ctrl\+\S+|\S{1,2})$/;

/** The hint's keys and the first word of what they do ("Enter continue to the plan" → "Enter continue"). */
function shortHint(hint: string): string {
  const words = hint.split(' ');
  let i = 0;
  while (i < words.length && (words[i] === '/' || words[i]!.split('/').every((key) => KEY_NAME.test(key)))) i++;
  return words.slice(0, i + 1).join(' ');
}

/** The hints that leave, and as many others as fit in `width`, in their order. */
function keepWhatFits(hints: readonly string[], width: number): string[] {
  const kept = new Set(hints.filter(leaves));
  const widthOf = (set: Set<string>) => displayWidth([...set].join(KEY_SEPARATOR));
  for (const hint of hints) {
    if (kept.has(hint)) continue;
    kept.add(hint);
    if (widthOf(kept) > width) kept.delete(hint);
  }
  return hints.filter((hint) => kept.has(hint));
}

/**
 * The key line for `width` columns: all of it when it fits; else each hint shortened to
 * its keys and first word; else the hints that leave (q, Esc, ?, Ctrl+C) and as many of
 * the others as fit, in their order.
 */
export function fitKeyLine(keys: string, width: number): string {
  if (displayWidth(keys) <= width) return keys;
  const short = keys.split(KEY_SEPARATOR).map(shortHint);
  return cutToWidth(keepWhatFits(short, width).join(KEY_SEPARATOR), width);
}

/**
 * The line naming both databases, for `width` columns: both when they fit, else prod
 * alone (where the writes go), cut at the end — never a value under the other's name.
 */
export function fitTargetsLine(sandbox: string | undefined, prod: string, width: number): string {
  const both = sandbox ? `${sandbox}  →  ${prod}` : prod;
  return cutToWidth(displayWidth(both) <= width ? both : prod, width);
}

/** How long a line stays when rows are short: details go first, what failed never. */
export const RANK = { detail: 0, line: 1, essential: 2 } as const;

export interface FitItem {
  text: string;
  /** where the rows after the first start (default: as far as the text is indented) */
  hang?: number;
  /** RANK.detail by default */
  rank?: number;
  /** a row of a list or a rule: cut to the width, never wrapped */
  oneRow?: boolean;
}

export interface FittedItem<T> {
  item: T;
  rows: string[];
}

/** The first `count` rows of a wrapped line, the last ending in … to say it goes on. */
function firstRows(rows: readonly string[], count: number, width: number): string[] {
  const kept = rows.slice(0, count);
  kept[count - 1] = cutToWidth(`${kept[count - 1]!}…`, width);
  return kept;
}

/**
 * Items in rows of `width` columns within `height` rows, each wrapped between words. When
 * they are too many, rank by rank from the lowest: the items of that rank lose their last
 * rows (down to one), then are dropped, each from the bottom up and only while too many;
 * the essential ones are only shortened, and rows are cut at the bottom as a last resort.
 */
export function fitItems<T extends FitItem>(items: readonly T[], width: number, height: number): FittedItem<T>[] {
  const fitted = items.map((item) => ({ item, rows: item.oneRow ? [cutToWidth(item.text, width)] : wrapWords(item.text, width, item.hang) }));
  const total = () => fitted.reduce((sum, f) => sum + f.rows.length, 0);
  const rankOf = (f: FittedItem<T>) => f.item.rank ?? RANK.detail;
  for (let rank: number = RANK.detail; rank <= RANK.essential && total() > height; rank++) {
    for (let i = fitted.length - 1; i >= 0 && total() > height; i--) {
      const f = fitted[i]!;
      if (rankOf(f) === rank && f.rows.length > 1) f.rows = firstRows(f.rows, Math.max(1, f.rows.length - (total() - height)), width);
    }
    if (rank === RANK.essential) break;
    for (let i = fitted.length - 1; i >= 0 && total() > height; i--) if (rankOf(fitted[i]!) === rank) fitted.splice(i, 1);
  }
  const shown: FittedItem<T>[] = [];
  let room = Math.max(0, height);
  for (const f of fitted) {
    if (room <= 0) break;
    shown.push(f.rows.length <= room ? f : { item: f.item, rows: f.rows.slice(0, room) });
    room -= f.rows.length;
  }
  return shown;
}
