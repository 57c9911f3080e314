/**
 * Text read from the databases (names, platform_ids, topics, the server's own messages)
 * is untrusted: a control character sent raw to a terminal can move the cursor, rewrite
 * the screen, change the title or ring the bell. Shown escaped, never sent.
 */

// C0 controls, DEL and C1 controls (U+0080–U+009F, among them U+009B, the one-byte CSI)
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const unicodeEscape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
const escape = (char: string) => NAMED[char] ?? unicodeEscape(char);

/** One line for a terminal: every control character escaped (`\u001b`, `\n`). */
export function printable(text: string): string {
  return text.replace(CONTROL, escape);
}

/** Several lines allowed: newline and tab stay, every other control character is escaped. */
export function printableLines(text: string): string {
  return text.replace(CONTROL_BUT_LAYOUT, escape);
}

/** JSON.stringify leaves DEL and the C1 controls raw: a report shown with `cat` must not act on them either. */
export function escapeJsonControls(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, unicodeEscape);
}

/** An ISO instant as people read it in a log: "2026-11-29 03:55:02 UTC" (untrusted text: escaped). */
export function utcTime(iso: string): string {
  return printable(iso.replace('T', ' ').slice(0, 19)) + ' UTC';
}
