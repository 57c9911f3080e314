/**
 * The syncs an operator can take back: the undo files in the state directory, told apart by
 * the prod database each was made on (read from the files' headers, without connecting).
 */
import type { DbUrl } from '../common/db-url.js';
import { parseDbUrl } from '../common/db-url.js';
import { listUndoFiles, type UndoFileSummary } from '../storage/undo-file.js';

/** Whether the file's sync was made on this prod: the same host, port and database as its masked URL says. */
function madeOn(summary: UndoFileSummary, prod: DbUrl): boolean {
  try {
    const then = parseDbUrl(summary.prod.url, 'prod');
    return then.database === prod.database && then.host === prod.host && then.port === prod.port;
  } catch {
    return summary.prod.database === prod.database;
  }
}

/** The syncs in `dir`, newest first; only this prod's when one is given. */
export function syncsIn(dir: string, prod?: DbUrl): UndoFileSummary[] {
  const all = listUndoFiles(dir);
  return prod ? all.filter((summary) => madeOn(summary, prod)) : all;
}

/** `undo last`: the newest sync of this prod that committed (undone or not: a second undo does nothing). */
export function lastSync(dir: string, prod: DbUrl): UndoFileSummary | undefined {
  return syncsIn(dir, prod).find((summary) => summary.committed);
}
