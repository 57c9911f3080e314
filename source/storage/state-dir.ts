/**
 * Where an apply's undo file goes when the operator names none: a directory of this user's
 * (XDG's state home), so that it outlives the folder the command ran in and is found again
 * (`lesson-sync undo --list`). The files hold prod's values: the directory is 0700, each
 * file 0600, under a name no other run takes.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../common/errors.js';

/** `$XDG_STATE_HOME/lesson-sync`, else `~/.local/state/lesson-sync`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(home, 'lesson-sync');
}

/** Made if missing (0700), and tried: exit 2 before connecting when it cannot be written. */
export function ensureStateDir(dir: string): void {
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK | constants.X_OK);
    // made by an older umask, or by hand: it holds prod's values
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch (error) {
    throw new UsageError('undo-unwritable', { path: dir, why: (error as NodeJS.ErrnoException).code ?? String(error) });
  }
}

/**
 * lesson-sync-undo-<prod db>-<YYYYMMDD-HHMMSS-mmm>-<6 hex>.json: the time to the
 * millisecond and a random part, so that two runs started together never take one name
 * (and `wx` with a new name on EEXIST, should they still).
 */
export function uniqueUndoName(prodDatabase: string, date: Date): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '-').slice(0, 19);
  return `lesson-sync-undo-${prodDatabase.replace(/[^\w.-]+/g, '_')}-${stamp}-${randomBytes(3).toString('hex')}.json`;
}

/** A path as the file system will resolve it: links (a dangling one too) and `..` followed, also for a file not written yet. */
export function realTarget(path: string, depth = 0): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    // not there (yet): a link to where the file will be, or a new file in a real directory
  }
  try {
    if (depth < 20 && lstatSync(full).isSymbolicLink()) return realTarget(resolve(dirname(full), readlinkSync(full)), depth + 1);
  } catch {
    // no such entry: a new file
  }
  try {
    return join(realpathSync(dirname(full)), basename(full));
  } catch {
    return full;
  }
}

/** The files one run writes (or reads, a plan it applies) must be different files: exit 2 before connecting otherwise. */
export function checkDistinctOutputs(paths: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  for (const [flag, path] of Object.entries(paths)) {
    if (path === undefined) continue;
    const target = realTarget(path);
    const other = seen.get(target);
    if (other !== undefined) throw new UsageError('same-output', { first: other, second: flag, path });
    seen.set(target, flag);
  }
}
