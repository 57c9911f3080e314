import { render } from 'ink';
import type { Config } from '../config.js';
import { readPlanFile } from '../saved-plan.js';
import { App } from './App.js';

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';

/** Runs the wizard full-screen; afterwards leaves its last lines on the terminal. Returns the exit code. */
export async function runWizard(config: Config): Promise<number> {
  // a plan file that is not whole and unedited is refused before the screen is taken
  const savedPlan = config.applyPlanPath ? await readPlanFile(config.applyPlanPath) : undefined;
  let code = 130;
  let lines: string[] = [];
  process.stdout.write(ENTER_ALT_SCREEN);
  try {
    const app = render(
      <App
        config={config}
        savedPlan={savedPlan}
        onExit={(exitCode, exitLines) => {
          code = exitCode;
          lines = exitLines;
        }}
        onSignal={(handler) => {
          const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
          const listeners = signals.map((signal) => [signal, () => handler(signal)] as const);
          for (const [signal, listener] of listeners) process.on(signal, listener);
          return () => listeners.forEach(([signal, listener]) => process.off(signal, listener));
        }}
      />,
      { exitOnCtrlC: false, patchConsole: true },
    );
    await app.waitUntilExit();
  } finally {
    process.stdout.write(LEAVE_ALT_SCREEN);
  }
  for (const line of lines) process.stdout.write(line + '\n');
  return code;
}
