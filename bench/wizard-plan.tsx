/**
 * The wizard's plan step, rendered by Ink into a terminal-sized stream nobody reads:
 * how much the live view costs over a headless plan.
 */
import { render } from 'ink';
import { PassThrough } from 'node:stream';
import { useEffect } from 'react';
import type { Filters } from '../source/engine/types.js';
import type { Session } from '../source/sync/session.js';
import { FrameContext } from '../source/wizard/components/Frame.js';
import { useSelection } from '../source/wizard/hooks/use-selection.js';
import { usePlanning } from '../source/wizard/hooks/use-planning.js';
import { KeyRouter } from '../source/wizard/hooks/use-keys.js';
import { PlanStep } from '../source/wizard/steps/PlanStep.js';

function fakeTerminal() {
  const stdout = Object.assign(new PassThrough(), { columns: 80, rows: 24, isTTY: true });
  stdout.resume();
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  return { stdout, stdin };
}

/**
 * `firstRowsSeconds`: from the start of the plan step to the first frame with lessons in the
 * list; `afterReadingSeconds`: the same from the planner's start, once both sides are read.
 */
export async function timeWizardPlan(
  session: Session,
  filters: Filters,
): Promise<{ seconds: number; frames: number; firstRowsSeconds: number; afterReadingSeconds: number }> {
  const { stdout, stdin } = fakeTerminal();
  let frames = 0;
  let firstRows = NaN;
  let planningAt = NaN;
  const unsubscribe = session.subscribe((event) => {
    if (event.type === 'stage' && event.stage === 'planning') planningAt = performance.now();
  });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  function Harness() {
    const planning = usePlanning(session, filters);
    const choice = useSelection();
    useEffect(() => {
      if (planning.stage === 'done' || planning.stage === 'failed') setImmediate(finish);
    }, [planning.stage]);
    useEffect(() => {
      if (planning.count > 0 && Number.isNaN(firstRows)) firstRows = performance.now() - started;
    }, [planning.count]);
    return (
      <KeyRouter>
        <FrameContext.Provider value={{ targets: undefined, dryRun: true, columns: 80, rows: 24 }}>
          <PlanStep
            planning={planning}
            choice={choice}
            dryRun
            defaultReportPath="report.json"
            onSaveReport={() => ''}
            defaultPlanPath="plan.json"
            onSavePlan={async () => ''}
            onContinue={() => {}}
            onBack={() => {}}
            onQuit={() => {}}
          />
        </FrameContext.Provider>
      </KeyRouter>
    );
  }

  const started = performance.now();
  const app = render(<Harness />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    patchConsole: false,
    exitOnCtrlC: false,
    onRender: () => {
      frames++;
    },
  });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  app.unmount();
  unsubscribe();
  return { seconds, frames, firstRowsSeconds: firstRows / 1000, afterReadingSeconds: (started + firstRows - planningAt) / 1000 };
}
