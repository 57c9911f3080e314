/**
 * The layout the saved plan and the undo file share: a JSON document whose list holds one
 * item a line, so that a million items are written and read in pieces, never as one
 * string. After the list come the item count and a SHA-256 of every byte before its own
 * line; after that, trailer fields the checksum does not cover (the undo file's
 * "committed", set in place once the apply committed).
 *
 *   {
 *     "format": "…", "version": 1, …header…,
 *     "lessons": [
 *       {…},
 *       {…}
 *     ],
 *     "lessonCount": 2,
 *     "sha256": "…",
 *     "committed": false
 *   }
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { escapeJsonControls } from '../common/printable.js';

const LIST_OPEN = '  "lessons": [';
const LIST_CLOSE = '  ],';
const FLUSH_CHARS = 1 << 20;

/** Writes a framed file to an open descriptor, item by item. */
export class FramedWriter {
  private readonly hash: Hash = createHash('sha256');
  private pending = '';
  /** the last item's line, held until we know whether a comma follows it */
  private held: string | undefined;
  private count = 0;
  /** bytes handed to the file so far */
  private written = 0;

  constructor(private readonly fd: number) {}

  private emit(text: string, hashed = true): void {
    if (hashed) this.hash.update(text);
    this.pending += text;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (!this.pending) return;
    this.written += writeSync(this.fd, this.pending);
    this.pending = '';
  }

  /** The header object (its own fields, in order); the list opens after it. */
  head(header: object): void {
    const text = escapeJsonControls(JSON.stringify(header, null, 2));
    this.emit(`${text.slice(0, text.lastIndexOf('\n}'))},\n${LIST_OPEN}\n`);
  }

  item(value: unknown): void {
    if (this.held !== undefined) this.emit(`${this.held},\n`);
    this.held = `    ${escapeJsonControls(JSON.stringify(value))}`;
    this.count++;
  }

  /**
   * Closes the list, writes the count, the checksum and the trailer fields; returns, for
   * each trailer field, the byte offset of its value in the file (to be rewritten in place).
   */
  end(trailer: Record<string, string | number | boolean> = {}): Record<string, number> {
    if (this.held !== undefined) this.emit(`${this.held}\n`);
    this.held = undefined;
    this.emit(`${LIST_CLOSE}\n  "lessonCount": ${this.count},\n`);
    const names = Object.keys(trailer);
    this.emit(`  "sha256": "${this.hash.digest('hex')}"${names.length ? ',' : ''}\n`, false);
    const offsets: Record<string, number> = {};
    names.forEach((name, i) => {
      const prefix = `  ${JSON.stringify(name)}: `;
      offsets[name] = this.written + Buffer.byteLength(this.pending + prefix);
      this.emit(`${prefix}${JSON.stringify(trailer[name])}${i + 1 < names.length ? ',' : ''}\n`, false);
    });
    this.emit('}\n', false);
    this.flush();
    return offsets;
  }
}

/** Rewrites bytes of a framed file in place (same length) and makes them durable. */
export function rewriteInPlace(path: string, offset: number, text: string): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, text, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type FramedProblem = 'unreadable' | 'not-this-format' | 'version' | 'truncated' | 'tampered' | 'invalid';

/** Why a framed file was refused; each file kind words it as its own usage error. */
export class FramedFileError extends Error {
  constructor(
    readonly why: FramedProblem,
    readonly detail = '',
    /** a file cut short after its header: the header, for what it can still tell */
    readonly header?: Record<string, unknown>,
  ) {
    super(why);
  }
}

function parseHeader(head: readonly string[]): Record<string, unknown> | undefined {
  try {
    return JSON.parse(`${head.join('\n')}\n  "lessons": []\n}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export interface FramedSpec {
  format: string;
  /** the versions this reader knows */
  versions: readonly number[];
  /** takes one item's parsed JSON; false when it is not an item of this format */
  item: (value: unknown) => boolean;
}

export interface FramedContents {
  header: Record<string, unknown>;
  count: number;
  /** the line the first item is on (items are one a line) */
  firstItemLine: number;
  trailer: Record<string, unknown>;
}

/**
 * Reads and checks a framed file line by line. Anything but a whole, unedited file of
 * this format and version throws FramedFileError: cut short, edited, another version.
 */
export async function readFramedFile(path: string, spec: FramedSpec): Promise<FramedContents> {
  const hash = createHash('sha256');
  const head: string[] = [];
  const tail: string[] = [];
  let part: 'head' | 'items' | 'count' | 'sha' | 'trailer' | 'done' = 'head';
  let count = -1;
  let items = 0;
  let sha = '';
  let lineNo = 0;
  let firstItemLine = 0;
  /** a line that is not the format's: the file was edited, or, when it is the last one, cut off */
  let badLine = 0;
  const input = createReadStream(path, { encoding: 'utf8' });
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (badLine) throw new FramedFileError('invalid', String(badLine));
      lineNo++;
      if (part === 'head' || part === 'items' || part === 'count') hash.update(line + '\n');
      if (lineNo === 2 && line !== `  "format": ${JSON.stringify(spec.format)},`) throw new FramedFileError('not-this-format');
      switch (part) {
        case 'head':
          if (line === LIST_OPEN) {
            part = 'items';
            firstItemLine = lineNo + 1;
          } else head.push(line);
          break;
        case 'items': {
          if (line === LIST_CLOSE) {
            part = 'count';
            break;
          }
          let value: unknown;
          try {
            value = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line);
          } catch {
            badLine = lineNo;
            break;
          }
          if (spec.item(value)) items++;
          else badLine = lineNo;
          break;
        }
        case 'count': {
          const match = /^ {2}"lessonCount": (\d+),$/.exec(line);
          if (match) count = Number(match[1]);
          else badLine = lineNo;
          part = 'sha';
          break;
        }
        case 'sha': {
          const match = /^ {2}"sha256": "([0-9a-f]{64})",?$/.exec(line);
          if (match) sha = match[1]!;
          else badLine = lineNo;
          part = 'trailer';
          break;
        }
        case 'trailer':
          if (line === '}') part = 'done';
          else tail.push(line);
          break;
        case 'done':
          if (line.trim() !== '') badLine = lineNo;
      }
    }
  } catch (error) {
    if (error instanceof FramedFileError) throw error;
    throw new FramedFileError('unreadable', (error as NodeJS.ErrnoException).code ?? String(error));
  } finally {
    input.destroy();
  }
  if (lineNo < 2) throw new FramedFileError('not-this-format');
  if (part !== 'done') throw new FramedFileError('truncated', '', part === 'head' ? undefined : parseHeader(head));
  if (badLine) throw new FramedFileError('invalid', String(badLine));
  if (hash.digest('hex') !== sha || count !== items) throw new FramedFileError('tampered');
  const header = parseHeader(head);
  let trailer: Record<string, unknown>;
  try {
    trailer = JSON.parse(`{${tail.join('\n')}}`) as Record<string, unknown>;
  } catch {
    throw new FramedFileError('invalid', String(lineNo - 1));
  }
  if (!header) throw new FramedFileError('invalid', '1');
  if (!spec.versions.includes(header.version as number)) throw new FramedFileError('version', String(header.version));
  return { header, count, trailer, firstItemLine };
}
