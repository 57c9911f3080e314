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
