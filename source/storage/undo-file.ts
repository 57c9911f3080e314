/**
 * The undo file (SPEC §12): what an apply wrote, and what it overwrote, so that
 * `lesson-sync undo FILE` can take it back. Written in pieces as the apply writes its
 * batches, on disk (fsync) before COMMIT, "committed" set in place after it. A file whose
 * apply never committed undoes nothing.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../common/errors.js';
import { checkWritablePath, syncDirectory } from './files.js';
import { ensureStateDir, uniqueUndoName } from './state-dir.js';
import { FramedFileError, FramedWriter, readFramedFile, rewriteInPlace } from './framed-file.js';
import type { DatabaseIdentity } from './plan-file.js';
import { validIdentity } from './plan-file.js';

export const UNDO_FORMAT = 'lesson-sync-undo';

/** A lesson the apply wrote, and what undoing it takes. */
export interface UndoLesson {
  kind: 'created' | 'updated';
  sandboxLessonId: number;
  prodLessonId: number;
  platformId: string | null;
  studentName: string | null;
  lessonDate: string;
  /** updated: the restored columns' values before the apply, and those it wrote (as text) */
  before: (string | null)[] | null;
  written: (string | null)[] | null;
  /** created: all its LessonTasks; updated: those the apply added */
  tasks: number[];
  /** md5 of the lesson's and its LessonTasks' row versions as the apply left them (row-versions.ts) */
  versions?: string;
  /** the same in undo files of version 1: md5 of their contents (fingerprint.ts) */
  fingerprint?: string;
  /** updated: the same before the apply (an undone lesson is back to it) */
  beforeFingerprint: string | null;
}

/** 2: a lesson as the apply left it is told by its row versions; 1: by a fingerprint of its contents */
export const UNDO_VERSION = 2;
const READABLE_VERSIONS = [1, UNDO_VERSION];

export interface UndoHeader {
  format: typeof UNDO_FORMAT;
  version: number;
  createdAt: string;
  prod: DatabaseIdentity;
  sandbox: DatabaseIdentity;
  /** the apply's transaction id (txid_current()): the server can tell whether it committed */
  transaction: string;
  /** the "Lessons" columns an update wrote: `before` and `written` follow this order */
  columns: string[];
}

export interface UndoFile {
  path: string;
  header: UndoHeader;
  lessons: UndoLesson[];
  /** marked after the COMMIT; false also when the process died in between (the server then says) */
  committed: boolean;
  /**
   * false: the file ends early. COMMIT comes only after the file is whole, so its apply
   * most likely never committed; the server's word on its transaction decides.
   */
  whole: boolean;
}

/** Tried before any database is touched: a writable place, and never over another run's undo file. */
export function checkUndoPath(path: string): void {
  if (existsSync(resolve(path))) throw new UsageError('undo-file-exists', { path });
  checkWritablePath(path, 'undo-unwritable');
}

/** Where an apply's undo file goes; `renamable`: a default name, which another can replace if a run took it meanwhile. */
export interface UndoTarget {
  path: string;
  renamable: boolean;
}

/**
 * Writes the undo file of one apply. An apply that retries (its careful pass) begins it
 * again. Any failure to write is an UsageError: the apply rolls back, nothing reaches prod.
 */
export class UndoFileWriter {
  private fd: number | undefined;
  private file: FramedWriter | undefined;
  private trailerAt: Record<string, number> = {};
  private lessons = 0;
  private counts = { created: 0, updated: 0 };
  private started = false;
  /** set once the file is on disk and names at least one lesson */
  kept = false;
  /** where it is: the target's path, or another default name if that one was taken */
  path: string;

  constructor(
    private readonly target: UndoTarget,
    private readonly header: Omit<UndoHeader, 'transaction'>,
  ) {
    this.path = target.path;
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError('undo-unwritable', { path: this.path, why: (error as NodeJS.ErrnoException).code ?? String(error) });
    }
  }

  begin(transaction: string): void {
    this.guard(() => {
      const again = this.fd !== undefined || this.started;
      this.close();
      // never over another run's file; a retry of this apply (its careful pass) starts its own again
      this.fd = again ? openSync(this.path, 'w', 0o600) : this.openNew();
      this.started = true;
      this.file = new FramedWriter(this.fd);
      this.lessons = 0;
      this.counts = { created: 0, updated: 0 };
      this.file.head({ ...this.header, transaction } satisfies UndoHeader);
      // on disk at once: a run killed from here on leaves a file whose transaction the server can be asked about
      this.file.flush();
    });
  }

  add(lessons: readonly UndoLesson[]): void {
    this.guard(() => {
      for (const lesson of lessons) {
        this.file!.item(lesson);
        this.counts[lesson.kind]++;
      }
      this.lessons += lessons.length;
      this.file!.flush();
    });
  }

  /** Whole and on disk: called before COMMIT. An apply that wrote nothing leaves no file. */
  seal(): void {
    if (this.lessons === 0) return this.discard();
    this.guard(() => {
      // the counts and the marks are for `undo --list`, which reads a file's ends, not its lessons
      this.trailerAt = this.file!.end({ ...this.counts, committed: false, undone: false });
      fsyncSync(this.fd!);
      this.close();
      syncDirectory(dirname(resolve(this.path)));
      this.kept = true;
    });
  }

  /** After COMMIT: `false` becomes `true ` in place (same length), on disk. */
  markCommitted(): void {
    if (this.kept) this.guard(() => rewriteInPlace(this.path, this.trailerAt.committed!, 'true '));
  }

  /** The apply rolled back: there is nothing to undo, and no file to mislead. */
  discard(): void {
    this.close();
    this.kept = false;
    // only a file this writer made: never one it refused to write over
    if (this.started) rmSync(this.path, { force: true });
  }

  /** 0600, and never over an existing file: a default name taken meanwhile gives way to another. */
  private openNew(): number {
    // a default name's directory is the state directory: made (0700) if this is its first file
    if (this.target.renamable) ensureStateDir(dirname(this.path));
    for (let attempt = 0; ; attempt++) {
      try {
        return openSync(this.path, 'wx', 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (!this.target.renamable || attempt === 5) throw new UsageError('undo-file-exists', { path: this.path });
        this.path = join(dirname(this.path), uniqueUndoName(this.header.prod.database, new Date()));
      }
    }
  }

  private close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isTextOrNull = (v: unknown) => v === null || typeof v === 'string';
const isMd5 = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v);

/** One lesson line; that `before` and `written` match the header's columns is checked once the header is read. */
function validLesson(value: unknown): value is UndoLesson {
  const l = value as UndoLesson;
  if (typeof l !== 'object' || l === null) return false;
  const values = (list: unknown) => Array.isArray(list) && list.every(isTextOrNull);
  const common =
    isId(l.sandboxLessonId) && isId(l.prodLessonId) && isTextOrNull(l.platformId) && isTextOrNull(l.studentName) &&
    typeof l.lessonDate === 'string' && Array.isArray(l.tasks) && l.tasks.every(isId) &&
    // as the apply left it: by row versions, or (version 1) by contents
    (l.versions === undefined ? isMd5(l.fingerprint) : isMd5(l.versions) && l.fingerprint === undefined);
  if (!common) return false;
  if (l.kind === 'created') return l.before === null && l.written === null && l.beforeFingerprint === null;
  return l.kind === 'updated' && values(l.before) && values(l.written) && l.before!.length === l.written!.length && isMd5(l.beforeFingerprint);
}

function validHeader(value: Record<string, unknown>): value is Record<string, unknown> & UndoHeader {
  const h = value as unknown as UndoHeader;
  return (
    validIdentity(h.prod) && validIdentity(h.sandbox) && typeof h.createdAt === 'string' && /^\d+$/.test(String(h.transaction)) &&
    Array.isArray(h.columns) && h.columns.every((c) => typeof c === 'string')
  );
}

/** Reads and checks an undo file before any database is touched (exit 2 when it is not a whole, unedited one). */
export async function readUndoFile(path: string): Promise<UndoFile> {
  const lessons: UndoLesson[] = [];
  try {
    const { header, trailer } = await readFramedFile(path, {
      format: UNDO_FORMAT,
      versions: READABLE_VERSIONS,
      item: (value) => {
        if (!validLesson(value)) return false;
        lessons.push(value);
        return true;
      },
    });
    if (!validHeader(header) || typeof trailer.committed !== 'boolean') throw new FramedFileError('invalid', '1');
    if (lessons.some((l) => l.before && l.before.length !== header.columns.length)) throw new FramedFileError('invalid', '1');
    if (lessons.some((l) => (l.versions !== undefined) !== (header.version === UNDO_VERSION))) throw new FramedFileError('invalid', '1');
    return { path, header, lessons, committed: trailer.committed, whole: true };
  } catch (error) {
    if (!(error instanceof FramedFileError)) throw error;
    if (error.why === 'truncated' && error.header && READABLE_VERSIONS.includes(error.header.version as number) && validHeader(error.header)) {
      return { path, header: error.header, lessons: [], committed: false, whole: false };
    }
    throw new UsageError('bad-undo-file', { path, why: error.why, detail: error.detail });
  }
}

/** What `undo --list` tells of an undo file, from its two ends alone (hundreds of files list at once). */
export interface UndoFileSummary {
  path: string;
  createdAt: string;
  prod: DatabaseIdentity;
  /** lessons it can take back; created and updated where the file says (files before these counts: undefined) */
  lessons: number;
  created: number | undefined;
  updated: number | undefined;
  /** true once its apply committed; false when it did not or the file ends early (the server then knows) */
  committed: boolean;
  /** an undo of it committed */
  undone: boolean;
}

const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 1024;

function readRange(fd: number, start: number, length: number): string {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, start);
  return buffer.toString('utf8', 0, read);
}

/** The header and the trailer of an undo file, without its lessons; undefined for what is not one. */
export function summarizeUndoFile(path: string): UndoFileSummary | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const head = readRange(fd, 0, Math.min(size, HEAD_BYTES));
    const open = head.indexOf('\n  "lessons": [');
    if (open < 0) return undefined;
    const header = JSON.parse(`${head.slice(0, open - 1)}\n}`) as Record<string, unknown>;
    if (header.format !== UNDO_FORMAT || !validHeader(header)) return undefined;
    const tail = readRange(fd, Math.max(0, size - TAIL_BYTES), Math.min(size, TAIL_BYTES));
    const number = (name: string) => {
      const match = new RegExp(`\\n  "${name}": (\\d+)`).exec(tail);
      return match ? Number(match[1]) : undefined;
    };
    const whole = /\n {2}"sha256": "[0-9a-f]{64}"/.test(tail);
    return {
      path,
      createdAt: header.createdAt,
      prod: header.prod,
      lessons: number('lessonCount') ?? 0,
      created: number('created'),
      updated: number('updated'),
      committed: whole && /\n {2}"committed": true/.test(tail),
      undone: whole && /\n {2}"undone": true/.test(tail),
    };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The undo files in `dir`, newest first. */
export function listUndoFiles(dir: string): UndoFileSummary[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.startsWith('lesson-sync-undo-') && name.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .flatMap((name) => summarizeUndoFile(join(dir, name)) ?? [])
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.path < b.path ? 1 : -1));
}

/**
 * After an undo committed: its file says so (`"undone": false` becomes `true ` in place, on
 * disk), as `committed` is set after a sync's COMMIT. A file written before this mark existed
 * is left as it is.
 */
export function markUndone(path: string): void {
  const fd = openSync(path, 'r');
  let offset = -1;
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    // bytes, not text: the tail may begin inside a character of a lesson's line
    const tail = Buffer.alloc(size - start);
    readSync(fd, tail, 0, tail.length, start);
    const mark = Buffer.from('\n  "undone": false');
    const at = tail.lastIndexOf(mark);
    if (at >= 0) offset = start + at + mark.length - 'false'.length;
  } finally {
    closeSync(fd);
  }
  if (offset >= 0) rewriteInPlace(path, offset, 'true ');
}
