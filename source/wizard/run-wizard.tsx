import { render, type Instance } from 'ink';
import type { InterruptSignal } from '../common/errors.js';
import type { Config } from '../core/config.js';
import { readPlanFile } from '../storage/plan-file.js';
import { App } from './App.js';

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';

type ExitHandler = (code: number, lines: string[]) => void;
type SignalSubscriber = (handler: (signal: InterruptSignal) => void) => () => void;

/** Runs a wizard full-screen; afterwards leaves its last lines on the terminal. Returns the exit code. */
export async function runFullScreen(mount: (onExit: ExitHandler, onSignal: SignalSubscriber) => Instance): Promise<number> {
  let code = 130;
  let lines: string[] = [];
  process.stdout.write(ENTER_ALT_SCREEN);
  try {
    const app = mount(
      (exitCode, exitLines) => {
        code = exitCode;
        lines = exitLines;
      },
      (handler) => {
        const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
        const listeners = signals.map((signal) => [signal, () => handler(signal)] as const);
        for (const [signal, listener] of listeners) process.on(signal, listener);
        return () => listeners.forEach(([signal, listener]) => process.off(signal, listener));
      },
    );
    await app.waitUntilExit();
  } finally {
    process.stdout.write(LEAVE_ALT_SCREEN);
  }
  for (const line of lines) process.stdout.write(line + '\n');
  return code;
}

/** The sync wizard. */
export async function runWizard(config: Config): Promise<number> {
  // a plan file that is not whole and unedited is refused before the screen is taken
  const savedPlan = config.applyPlanPath ? await readPlanFile(config.applyPlanPath) : undefined;
  return runFullScreen((onExit, onSignal) =>
    render(<App config={config} savedPlan={savedPlan} onExit={onExit} onSignal={onSignal} />, { exitOnCtrlC: false, patchConsole: true }),
  );
}
