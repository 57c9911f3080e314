import { render } from 'ink';
import type { Config } from '../../core/config.js';
import { parseDbUrl } from '../../common/db-url.js';
import { UsageError } from '../../common/errors.js';
import { readUndoFile } from '../../storage/undo-file.js';
import { runFullScreen } from '../run-wizard.js';
import { UndoApp } from './UndoApp.js';

/**
 * The undo wizard, full-screen; the file and the URL are checked before the screen is taken.
 * Without a file, it opens on this prod's syncs to pick one.
 */
export async function runUndoWizard(config: Config, undoPath: string | undefined): Promise<number> {
  const file = undoPath === undefined ? undefined : await readUndoFile(undoPath);
  if (!config.prodUrl) throw new UsageError('missing-url', { side: 'prod' });
  const prod = parseDbUrl(config.prodUrl, 'prod');
  return runFullScreen((onExit, onSignal) => render(<UndoApp config={config} prod={prod} file={file} onExit={onExit} onSignal={onSignal} />, { exitOnCtrlC: false, patchConsole: true }));
}
