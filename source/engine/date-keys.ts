/**
 * lesson_date keys held as two numbers instead of a string: a million sandbox lessons and
 * their prod matches held 1.8 million key strings, 82 MB at the peak of a plan. A key in
 * PostgreSQL's ISO form (`YYYY-MM-DD`, with ` HH:MM:SS` and up to six fraction digits, its
 * trailing zeros dropped, as the server prints it) is kept as its digits; any other text
 * is kept as it is. The text comes back the same, and two keys are equal exactly when
 * their texts are.
 */
import { mixNumber, mixText } from './hash-groups.js';
import { CHUNK, CHUNK_BITS, LAST } from './int-column.js';
import { BoundedMemo } from './bounded-memo.js';

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
/** The longest key text in the ISO form. */
const MAX_KEY = 26;

function putDigits(target: Buffer, at: number, value: number, width: number): void {
  for (let k = width - 1; k >= 0; k--) {
    target[at + k] = ZERO + (value % 10);
    value = Math.floor(value / 10);
  }
}

/** Writes the text of an encoded key at target[at]; returns where it ends. */
function writeDateKey(target: Buffer, at: number, date: number, time: number): number {
  putDigits(target, at, Math.floor(date / 10000), 4);
  target[at + 4] = 0x2d; // -
  putDigits(target, at + 5, Math.floor(date / 100) % 100, 2);
  target[at + 7] = 0x2d;
  putDigits(target, at + 8, date % 100, 2);
  if (time === 0) return at + 10;
  const micros = (time - 1) % 1e6;
  const clock = (time - 1 - micros) / 1e6;
  target[at + 10] = 0x20; // space
  putDigits(target, at + 11, Math.floor(clock / 10000), 2);
  target[at + 13] = 0x3a; // :
  putDigits(target, at + 14, Math.floor(clock / 100) % 100, 2);
  target[at + 16] = 0x3a;
  putDigits(target, at + 17, clock % 100, 2);
  if (micros === 0) return at + 19;
  target[at + 19] = 0x2e; // .
  putDigits(target, at + 20, micros, 6);
  let end = at + 26;
  while (target[end - 1] === ZERO) end--;
  return end;
}

/**
 * A key's day, hour and minute, and second as texts kept once: a log or a report shows every
 * lesson's lesson_date (writing each key's 14 digits: 0.02–0.03 s a pass over 100,000
 * lessons). Days are bounded, for keys spread over centuries; there are at most 10,000 minutes.
 */
const days = new BoundedMemo<number, string>();
/** HHMM → " HH:MM:" */
const minutes = new BoundedMemo<number, string>();
/** 00 to 99: the digits of an hour, a minute or a second (a key's two-digit fields may hold any) */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

export function decodeDateKey(date: number, time: number): string {
  const micros = (time - 1) % 1e6;
  if (time !== 0 && micros !== 0) return scratch.toString('latin1', 0, writeDateKey(scratch, 0, date, time));
  return dayAndClock(date, time);
}

/** The key's text without a fraction of a second: "YYYY-MM-DD", or with " HH:MM:SS". */
function dayAndClock(date: number, time: number): string {
  const day = days.get(date, () => scratch.toString('latin1', 0, writeDateKey(scratch, 0, date, 0)));
  if (time === 0) return day;
  const clock = Math.floor((time - 1) / 1e6);
  const hhmm = Math.floor(clock / 100);
  const minute = minutes.get(hhmm, () => ` ${TWO_DIGITS[Math.floor(hhmm / 100)]}:${TWO_DIGITS[hhmm % 100]}:`);
  return day + minute + TWO_DIGITS[clock % 100]!;
}

/**
 * What a lesson_date key in PostgreSQL's ISO form shows as YYYY-MM-DD HH:MM:SS (the reader's
 * to_char): a date at midnight, a time without its fraction. Other keys show as they are.
 */
export function displayOf(key: string): string {
  if (key.length === 10) return `${key} 00:00:00`;
  return key.length > 19 && key[19] === '.' ? key.slice(0, 19) : key;
}

/**
 * Each number in a typed array of its own kind: the planner compares keys millions of
 * times, and a read through arrays of one kind stays a fast one (IntColumn mixes kinds).
 */
export class DateKeys {
  /** YYYYMMDD; 0 where the key is kept as text */
  private readonly dates: Uint32Array[] = [];
  private readonly times: Float64Array[] = [];
  private readonly texts = new Map<number, string>();
  length = 0;

  push(text: string): void {
    const encoded = encodeDateKey(text);
    if (encoded) this.pushEncoded(encoded[0], encoded[1]);
    else this.pushEncoded(0, 0, text);
  }

  /** Key i of `other`, as it is held there (no text made of it). */
  pushFrom(other: DateKeys, i: number): void {
    const date = other.dateAt(i);
    if (date !== 0) this.pushEncoded(date, other.timeAt(i));
    else this.pushEncoded(0, 0, other.texts.get(i)!);
  }

  /** `date` 0: the key is kept as `text`. */
  private pushEncoded(date: number, time: number, text?: string): void {
    const index = this.length & LAST;
    if (index === 0) {
      this.dates.push(new Uint32Array(CHUNK));
      this.times.push(new Float64Array(CHUNK));
    }
    const chunk = this.dates.length - 1;
    this.dates[chunk]![index] = date;
    this.times[chunk]![index] = time;
    if (date === 0) this.texts.set(this.length, text!);
    this.length++;
  }

  private dateAt(i: number): number {
    return this.dates[i >>> CHUNK_BITS]![i & LAST]!;
  }

  private timeAt(i: number): number {
    return this.times[i >>> CHUNK_BITS]![i & LAST]!;
  }

  at(i: number): string {
    const date = this.dateAt(i);
    return date === 0 ? this.texts.get(i)! : decodeDateKey(date, this.timeAt(i));
  }

  /** displayOf(at(i)), without the text of a fraction it drops */
  displayAt(i: number): string {
    const date = this.dateAt(i);
    if (date === 0) return displayOf(this.texts.get(i)!);
    const time = this.timeAt(i);
    return time === 0 ? `${dayAndClock(date, 0)} 00:00:00` : dayAndClock(date, time);
  }

  /** `hash` extended by key i: equal keys, in any DateKeys, extend it alike. */
  mix(hash: number, i: number): number {
    const date = this.dateAt(i);
    return date === 0 ? mixText(hash, this.texts.get(i)!) : mixNumber(mixNumber(hash, date), this.timeAt(i));
  }

  /** Keys `indexes` as a JSON array of their texts, written without a string a key. */
  json(indexes: readonly number[]): string {
    let out = Buffer.allocUnsafe(indexes.length * (MAX_KEY + 3) + 2);
    let at = 0;
    out[at++] = 0x5b; // [
    for (let k = 0; k < indexes.length; k++) {
      const i = indexes[k]!;
      if (k > 0) out[at++] = 0x2c; // ,
      const date = this.dateAt(i);
      if (date !== 0) {
        out[at++] = 0x22; // "
        at = writeDateKey(out, at, date, this.timeAt(i));
        out[at++] = 0x22;
        continue;
      }
      const text = JSON.stringify(this.texts.get(i)!);
      const needed = at + Buffer.byteLength(text) + (indexes.length - k) * (MAX_KEY + 3) + 2;
      if (needed > out.length) {
        const wider = Buffer.allocUnsafe(needed * 2);
        out.copy(wider, 0, 0, at);
        out = wider;
      }
      at += out.write(text, at);
    }
    out[at++] = 0x5d; // ]
    return out.toString('utf8', 0, at);
  }

  /** Whether key i here is key j of `other`. */
  same(i: number, other: DateKeys, j: number): boolean {
    const date = this.dateAt(i);
    if (date !== other.dateAt(j)) return false;
    return date === 0 ? this.texts.get(i) === other.texts.get(j) : this.timeAt(i) === other.timeAt(j);
  }

  /** Done adding: the last chunks give back what they did not use. */
  trim(): void {
    const used = this.length & LAST;
    if (used === 0) return;
    const last = this.dates.length - 1;
    this.dates[last] = this.dates[last]!.slice(0, used);
    this.times[last] = this.times[last]!.slice(0, used);
  }
}
