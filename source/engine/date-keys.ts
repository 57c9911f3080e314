/**
 * lesson_date keys held as two numbers instead of a string: a million sandbox lessons and
 * their prod matches held 1.8 million key strings, 82 MB at the peak of a plan. A key in
 * PostgreSQL's ISO form (`YYYY-MM-DD`, with ` HH:MM:SS` and up to six fraction digits, its
 * trailing zeros dropped, as the server prints it) is kept as its digits; any other text
 * is kept as it is. The text comes back the same, and two keys are equal exactly when
 * their texts are.
 */
import { IntColumn } from './int-column.js';
import { mixNumber, mixText } from './hash-groups.js';

const ZERO = 0x30;

/** The digits of text[from, to) as a number, or -1 if any is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let at = from; at < to; at++) {
    const digit = text.charCodeAt(at) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * [YYYYMMDD, time] for a key in the ISO form, time 0 for a date and else
 * HHMMSS × 10^6 + microseconds + 1; undefined for any other text.
 */
export function encodeDateKey(text: string): [number, number] | undefined {
  const length = text.length;
  if (length !== 10 && length !== 19 && (length < 21 || length > 26)) return undefined;
  if (text[4] !== '-' || text[7] !== '-') return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  if (year < 0 || month < 0 || day < 0) return undefined;
  const date = year * 10000 + month * 100 + day;
  if (date === 0) return undefined;
  if (length === 10) return [date, 0];
  if (text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return undefined;
  const hours = digits(text, 11, 13);
  const minutes = digits(text, 14, 16);
  const seconds = digits(text, 17, 19);
  if (hours < 0 || minutes < 0 || seconds < 0) return undefined;
  let micros = 0;
  if (length > 19) {
    // the server drops a fraction's trailing zeros: one that has them is not its text
    if (text[19] !== '.' || text[length - 1] === '0') return undefined;
    const fraction = digits(text, 20, length);
    if (fraction < 0) return undefined;
    micros = fraction * 10 ** (26 - length);
  }
  return [date, (hours * 10000 + minutes * 100 + seconds) * 1e6 + micros + 1];
}

/** Where a key's text is put together: one flat string a key (a template string makes a rope of its parts, 300 bytes a key). */
const scratch = Buffer.alloc(26);

function putDigits(at: number, value: number, width: number): void {
  for (let k = width - 1; k >= 0; k--) {
    scratch[at + k] = ZERO + (value % 10);
    value = Math.floor(value / 10);
  }
}

export function decodeDateKey(date: number, time: number): string {
  putDigits(0, Math.floor(date / 10000), 4);
  scratch[4] = 0x2d; // -
  putDigits(5, Math.floor(date / 100) % 100, 2);
  scratch[7] = 0x2d;
  putDigits(8, date % 100, 2);
  if (time === 0) return scratch.toString('latin1', 0, 10);
  const micros = (time - 1) % 1e6;
  const clock = (time - 1 - micros) / 1e6;
  scratch[10] = 0x20; // space
  putDigits(11, Math.floor(clock / 10000), 2);
  scratch[13] = 0x3a; // :
  putDigits(14, Math.floor(clock / 100) % 100, 2);
  scratch[16] = 0x3a;
  putDigits(17, clock % 100, 2);
  if (micros === 0) return scratch.toString('latin1', 0, 19);
  scratch[19] = 0x2e; // .
  putDigits(20, micros, 6);
  let end = 26;
  while (scratch[end - 1] === ZERO) end--;
  return scratch.toString('latin1', 0, end);
}

export class DateKeys {
  /** YYYYMMDD; 0 where the key is kept as text */
  private readonly dates = new IntColumn();
  private readonly times = new IntColumn();
  private readonly texts = new Map<number, string>();

  get length(): number {
    return this.dates.length;
  }

  push(text: string): void {
    const encoded = encodeDateKey(text);
    if (!encoded) this.texts.set(this.dates.length, text);
    this.dates.push(encoded ? encoded[0] : 0);
    this.times.push(encoded ? encoded[1] : 0);
  }

  at(i: number): string {
    const date = this.dates.at(i);
    return date === 0 ? this.texts.get(i)! : decodeDateKey(date, this.times.at(i));
  }

  /** `hash` extended by key i: equal keys, in any DateKeys, extend it alike. */
  mix(hash: number, i: number): number {
    const date = this.dates.at(i);
    return date === 0 ? mixText(hash, this.texts.get(i)!) : mixNumber(mixNumber(hash, date), this.times.at(i));
  }

  /** Whether key i here is key j of `other`. */
  same(i: number, other: DateKeys, j: number): boolean {
    const date = this.dates.at(i);
    if (date !== other.dates.at(j)) return false;
    return date === 0 ? this.texts.get(i) === other.texts.get(j) : this.times.at(i) === other.times.at(j);
  }

  trim(): void {
    this.dates.trim();
    this.times.trim();
  }
}
