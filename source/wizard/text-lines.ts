/**
 * Text laid out for a terminal by display width, free of Ink: an emoji or a CJK character
 * takes two columns, a combining mark none, and a character is never split from the marks,
 * selectors and joiners that follow it. A long value is wrapped once into lines, and a view
 * draws only the lines that fit. Linear in the text (Intl.Segmenter went quadratic on a long
 * value: 13 s for 100,000 characters here).
 */
// East Asian Wide and Fullwidth blocks (Hangul, CJK, kana, fullwidth forms)
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
/** what joins the character before it: combining marks, variation selectors, skin tones */
const JOINING = /[\p{M}\u{FE00}-\u{FE0F}\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/u;
const ZWJ = 0x200d;

const widths = new Map<number, number>();

/** Columns a code point takes where it starts a character (0 where it joins the one before). */
function codeWidth(code: number): number {
  if (code < 0x300) return 1; // Latin and its neighbours: the most of any text, decided at once
  let width = widths.get(code);
  if (width === undefined) {
    const char = String.fromCodePoint(code);
    width = JOINING.test(char) ? 0 : PICTOGRAPHIC.test(char) || WIDE.test(char) ? 2 : 1;
    widths.set(code, width);
  }
  return width;
}

/** Calls `take(char, width)` for each character: a code point with what joins it. */
function eachChar(text: string, take: (char: string, width: number) => void): void {
  let char = '';
  let width = 0;
  let joined = false;
  for (const point of text) {
    const code = point.codePointAt(0)!;
    const w = codeWidth(code);
    if (char && (w === 0 || code === ZWJ || joined)) {
      char += point;
      joined = code === ZWJ;
      continue;
    }
    if (char) take(char, width);
    char = point;
    width = w;
    joined = code === ZWJ;
  }
  if (char) take(char, width);
}

export function displayWidth(text: string): number {
  let total = 0;
  eachChar(text, (_, width) => (total += width));
  return total;
}

/** The text in lines of at most `width` columns (at least one line, maybe empty). */
export function wrapToWidth(text: string, width: number): string[] {
  const limit = Math.max(1, width);
  const lines: string[] = [];
  let parts: string[] = [];
  let used = 0;
  eachChar(text, (char, w) => {
    if (used + w > limit && parts.length) {
      lines.push(parts.join(''));
      parts = [];
      used = 0;
    }
    parts.push(char);
    used += w;
  });
  lines.push(parts.join(''));
  return lines;
}

/** The text cut to `width` columns, `…` at the end when something was left out. */
export function cutToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  let full = false;
  eachChar(text, (char, w) => {
    if (full || used + w > width - 1) {
      full = true;
      return;
    }
    out += char;
    used += w;
  });
  return out + '…';
}

/**
 * Prose in lines of at most `width` columns, broken between words where it can (a word
 * longer than a line is broken inside). Lines after the first start `hang` columns in: by
 * default as far as the text's own leading blanks, so an indented detail stays indented.
 */
export function wrapWords(text: string, width: number, hang?: number): string[] {
  const lead = /^ */.exec(text)![0];
  const indent = ' '.repeat(Math.max(0, Math.min(hang ?? lead.length, width - 1)));
  const lines: string[] = [];
  let line = '';
  let used = 0;
  const room = () => Math.max(1, width - (lines.length ? indent.length : Math.min(lead.length, width - 1)));
  const start = (word: string) => {
    lines.push(line);
    const pieces = wrapToWidth(word, room());
    for (const piece of pieces.slice(0, -1)) lines.push(piece);
    line = pieces.at(-1)!;
    used = displayWidth(line);
  };
  text.slice(lead.length).split(' ').forEach((word, i) => {
    const w = displayWidth(word);
    if (i === 0) {
      const pieces = wrapToWidth(word, room());
      lines.push(...pieces.slice(0, -1));
      line = pieces.at(-1)!;
      used = displayWidth(line);
    } else if (used + 1 + w <= room()) {
      line += ' ' + word;
      used += 1 + w;
    } else start(word);
  });
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? lead.slice(0, Math.max(0, width - 1)) : indent) + l);
}

export interface CursorWindow {
  before: string;
  /** the character under the cursor (a space at the end) */
  under: string;
  after: string;
}

/**
 * The part of an edited line that fits `width` columns with its cursor in view: all of it
 * when it fits; else a window around the cursor, `…` where text goes on out of view.
 */
export function cursorWindow(chars: readonly string[], at: number, width: number): CursorWindow {
  const whole = { before: chars.slice(0, at).join(''), under: chars[at] ?? ' ', after: chars.slice(at + 1).join('') };
  const widthOf = (from: number, to: number) => displayWidth(chars.slice(from, to).join(''));
  if (widthOf(0, chars.length) + (at >= chars.length ? 1 : 0) <= width) return whole;
  const room = Math.max(1, width - 2); // an ellipsis each side at most
  let from = at;
  let to = at + 1;
  let used = displayWidth(chars[at] ?? ' ');
  // grow to the left first (what was just typed), then to the right
  while (from > 0 && used + displayWidth(chars[from - 1]!) <= room) used += displayWidth(chars[--from]!);
  while (to < chars.length && used + displayWidth(chars[to]!) <= room) used += displayWidth(chars[to++]!);
  return {
    before: (from > 0 ? '…' : '') + chars.slice(from, at).join(''),
    under: chars[at] ?? ' ',
    after: chars.slice(at + 1, to).join('') + (to < chars.length ? '…' : ''),
  };
}
