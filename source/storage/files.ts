/** Files the tool writes (report, saved plan, undo file): tried before any database is touched, written whole or not at all. */
import { accessSync, closeSync, constants, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError, type UsageCode } from '../common/errors.js';

/**
 * Tries the path before anything is read: a directory, a missing folder or a place this
 * user cannot write would otherwise be found out only after the work was done.
 */
export function checkWritablePath(path: string, code: UsageCode): void {
  const target = resolve(path);
  const fail = (why: string) => new UsageError(code, { path, why });
  if (existsSync(target) && statSync(target).isDirectory()) throw fail('EISDIR');
  const probe = `${target}.${process.pid}.probe`;
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (error) {
    throw fail((error as NodeJS.ErrnoException).code ?? 'not writable');
  }
  rmSync(probe, { force: true });
  if (existsSync(target)) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      throw fail((error as NodeJS.ErrnoException).code ?? 'not writable');
    }
  }
}

const FLUSH_BYTES = 1 << 20;

/** Writes the chunks to `fd` about a megabyte at a time. */
export function writeChunks(fd: number, chunks: Iterable<string>): void {
  let pending = '';
  for (const chunk of chunks) {
    pending += chunk;
    if (pending.length >= FLUSH_BYTES) {
      writeSync(fd, pending);
      pending = '';
    }
  }
  if (pending) writeSync(fd, pending);
}

/**
 * Written to a temporary file and renamed: a reader never sees half a file, and no
 * temporary file stays behind. `durable`: on disk (file and directory synced) when it returns.
 */
export function writeAtomically(path: string, chunks: Iterable<string>, durable = false): void {
  writeAtomicallyWith(path, (fd) => writeChunks(fd, chunks), durable);
}

/** The same, for a writer that takes the open file. */
export function writeAtomicallyWith(path: string, write: (fd: number) => void, durable = false): void {
  const target = resolve(path);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      write(fd);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    if (durable) syncDirectory(dirname(target));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** A rename or a new file is durable once its directory is synced. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
