/** The wizard: one small state machine over the steps; the engine does the work. */
import { useApp } from 'ink';
import { KeyRouter, useKeys } from './hooks/use-keys.js';
import { join } from 'node:path';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Config } from '../core/config.js';
import type { OpenOptions } from '../core/operation.js';
import { describeError, errorLines } from '../text/describe-error.js';
import type { SavedPlan } from '../storage/plan-file.js';
import { EXIT_BY_SIGNAL, InterruptedError, type InterruptSignal, type Side } from '../common/errors.js';
import { summarize } from '../engine/summary.js';
import type { EntryList, Summary } from '../engine/types.js';
import { messages } from '../i18n/index.js';
import { planLoadedLine, summaryLines } from '../text/describe-lesson.js';
import { defaultNames, exitCodeOf, QUIT_UNWRITTEN, SyncReport, syncExitCode, undoTargetFor } from '../core/after-run.js';
import type { Plan, Preview, Session, Targets } from '../sync/session.js';
import { leaveOutAt } from '../engine/selection.js';
import { useSelection } from './hooks/use-selection.js';
import { MessagesContext } from './context.js';
import { FrameContext } from './components/Frame.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { usePlanning } from './hooks/use-planning.js';
import type { ApplyResult } from './hooks/use-apply.js';
import { ApplyStep } from './steps/ApplyStep.js';
import { ChecksStep } from './steps/ChecksStep.js';
import { ConfirmStep } from './steps/ConfirmStep.js';
import { PlanStep } from './steps/PlanStep.js';
import { SummaryStep } from './steps/SummaryStep.js';
import { UrlStep } from './steps/UrlStep.js';

type Step = 'urls' | 'checks' | 'plan' | 'confirm' | 'apply' | 'summary';

export interface AppProps {
  config: Config;
  connect?: OpenOptions;
  /** where a report without --report goes (default: the working directory) */
  reportDir?: string;
  /** called once, as the wizard ends: the exit code and the lines to leave on the terminal */
  onExit: (code: number, lines: string[]) => void;
  /** subscribes to the process's signals (SIGTERM, SIGHUP, SIGINT); returns the unsubscribe */
  onSignal?: (handler: (signal: InterruptSignal) => void) => () => void;
  /** --apply-plan: the wizard opens on this saved plan, held to what it decided */
  savedPlan?: SavedPlan;
  /** the plan's first lessons shown while a large sandbox is read (default WIZARD_PREVIEW) */
  preview?: Preview;
}

interface Finished {
  entries: EntryList;
  /** the apply's undo file */
  undoPath?: string;
  summary: Summary | undefined;
  problem: string[] | undefined;
  code: number;
}

/** user@host:port/db: what the header has room for at 80 columns. */
function shortTarget(url: Targets['prod']): string {
  return `${url.user}@${url.host}:${url.port}/${url.database}`;
}

export function App(props: AppProps) {
  return (
    <KeyRouter>
      <Wizard {...props} />
    </KeyRouter>
  );
}

function Wizard({ config, connect, reportDir = process.cwd(), onExit, onSignal, savedPlan, preview }: AppProps) {
  const m = messages(config.lang);
  const { exit } = useApp();
  const size = useTerminalSize();
  const [step, setStep] = useState<Step>('urls');
  const [urls, setUrls] = useState<Record<Side, string>>({ sandbox: config.sandboxUrl ?? '', prod: config.prodUrl ?? '' });
  const [targets, setTargets] = useState<Targets>();
  const [planSession, setPlanSession] = useState<Session>();
  const [finished, setFinished] = useState<Finished>();
  const [reportLine, setReportLine] = useState<string>();
  const session = useRef<Session | undefined>(undefined);
  const startedAt = useRef(new Date());
  const ended = useRef(false);
  const planning = usePlanning(planSession, config.filters, config.selection, savedPlan, preview);
  const choice = useSelection();
  // the plan as the operator chose it: what confirm counts, apply writes and a report shows
  const chosen = useMemo((): Plan | undefined => {
    const plan = planning.plan;
    if (!plan) return undefined;
    const entries = leaveOutAt(plan.entries, choice.leftOut());
    return entries === plan.entries ? plan : { ...plan, entries, summary: summarize(entries, true) };
  }, [planning.plan, choice.count]);
  const [stopSignal, setStopSignal] = useState<InterruptSignal>();
  const stepRef = useRef(step);
  stepRef.current = step;

  // Unmounted by other means than finish() (a test, a crash): still close the connections.
  useEffect(
    () => () => {
      void session.current?.close();
    },
    [],
  );

  const closeSession = () => {
    const open = session.current;
    session.current = undefined;
    setPlanSession(undefined);
    return open?.close();
  };

  const finish = async (code: number, lines: string[]) => {
    if (ended.current) return;
    ended.current = true;
    await closeSession();
    onExit(code, lines);
    exit();
  };

  const report = () => new SyncReport({ mode: config.dryRun ? 'dry-run' : 'apply', sandbox: targets!.sandbox.masked, prod: targets!.prod.masked, startedAt: startedAt.current });
  /** Writes the report; the line to show, whether it went or not. */
  const saveReport = (path: string, entries: EntryList, summary: Summary, planned: boolean, interrupted?: InterruptSignal, undoFile?: string): string => {
    try {
      if (interrupted) report().writeInterrupted(path, { entries, summary }, interrupted);
      else report().write(path, { entries, summary, planned, undoFile });
      return m.ui.save.saved(path);
    } catch (error) {
      return m.ui.save.failed((error as NodeJS.ErrnoException).code ?? String(error));
    }
  };

  const savePlanReport = (path: string) => saveReport(path, chosen!.entries, chosen!.summary, true);
  const reportPath = config.reportPath ?? join(reportDir, defaultNames.report(startedAt.current));
  const planPath = config.savePlanPath ?? join(reportDir, defaultNames.plan(startedAt.current));

  /** The plan file of SPEC §11, as the operator chose it; resolves to the line to show. */
  const savePlanFile = async (path: string): Promise<string> => {
    try {
      await session.current!.savePlan(path, chosen!);
      return m.planSaved(path);
    } catch (error) {
      return m.errorPrefix + describeError(error, m).message;
    }
  };

  const quitWithPlan = async () => {
    const plan = chosen;
    if (!plan) {
      // planning failed: its error is what the operator needs to read
      const error = planning.error;
      return finish(exitCodeOf(error), errorLines(error, m));
    }
    if (!config.dryRun) return finish(QUIT_UNWRITTEN, [m.quitUnwritten]);
    const lines = summaryLines(plan.summary, m, true);
    if (config.reportPath) lines.push(savePlanReport(config.reportPath));
    if (config.savePlanPath) lines.push(await savePlanFile(config.savePlanPath));
    return finish(syncExitCode(plan.summary, config.exitCode), lines);
  };

  // A signal is not a key: nobody is there to answer a question. During apply it rolls
  // back at once; anywhere else nothing was written, and the wizard just ends.
  useEffect(
    () =>
      onSignal?.((signal) => {
        if (stepRef.current === 'apply') setStopSignal(signal);
        else void finish(EXIT_BY_SIGNAL[signal], errorLines(new InterruptedError(false, signal), m));
      }),
    [],
  );

  const applied = (result: ApplyResult) => {
    if (result.kind === 'aborted' && result.signal) {
      const error = new InterruptedError(true, result.signal);
      const lines = errorLines(error, m);
      if (config.reportPath) lines.push(saveReport(config.reportPath, chosen!.entries, chosen!.summary, true, result.signal));
      void finish(error.exitCode, lines);
      return;
    }
    if (result.kind === 'done') {
      const summary = summarize(result.entries);
      const code = syncExitCode(summary);
      if (config.reportPath) setReportLine(saveReport(config.reportPath, result.entries, summary, false, undefined, result.undoPath));
      setFinished({ entries: result.entries, summary, problem: undefined, code, undoPath: result.undoPath });
    } else if (result.kind === 'aborted') {
      const error = new InterruptedError(true);
      setFinished({ entries: [], summary: undefined, problem: errorLines(error, m), code: error.exitCode });
    } else {
      const code = exitCodeOf(result.error);
      setFinished({ entries: [], summary: undefined, problem: [m.ui.summary.failed, ...errorLines(result.error, m)], code });
    }
    setStep('summary');
  };

  useKeys(
    (input, key) => {
      if (key.ctrl && input === 'c') void finish(130, errorLines(new InterruptedError(false), m));
    },
    { isActive: step !== 'apply' },
  );

  const frame = {
    targets: targets ? { sandbox: shortTarget(targets.sandbox), prod: shortTarget(targets.prod) } : undefined,
    dryRun: config.dryRun,
    columns: size.columns,
    rows: size.rows,
  };

  let body;
  switch (step) {
    case 'urls':
      body = (
        <UrlStep
          urls={urls}
          onChange={setUrls}
          onSubmit={(parsed) => {
            setTargets(parsed);
            setStep('checks');
          }}
        />
      );
      break;
    case 'checks':
      body = (
        <ChecksStep
          targets={targets!}
          connect={{ lockTimeoutSeconds: config.lockTimeout, ...connect }}
          onOpened={(opened) => (session.current = opened)}
          onContinue={() => {
            setPlanSession(session.current);
            setStep('plan');
          }}
          onBack={() => {
            void closeSession();
            setStep('urls');
          }}
          onQuit={(error) =>
            void finish(error ? exitCodeOf(error) : QUIT_UNWRITTEN, error ? errorLines(error, m) : [m.quitUnwritten])
          }
        />
      );
      break;
    case 'plan':
      body = (
        <PlanStep
          planning={planning}
          session={planSession}
          choice={choice}
          dryRun={config.dryRun}
          defaultReportPath={reportPath}
          onSaveReport={savePlanReport}
          defaultPlanPath={planPath}
          onSavePlan={savePlanFile}
          initialNotice={savedPlan ? planLoadedLine(savedPlan, m) : undefined}
          onContinue={() => setStep('confirm')}
          onBack={() => {
            void closeSession();
            setStep('urls');
          }}
          onQuit={() => void quitWithPlan()}
        />
      );
      break;
    case 'confirm':
      body = (
        <ConfirmStep
          summary={chosen!.summary}
          planned={planning.plan!.summary}
          prod={targets!.prod}
          onApply={() => setStep('apply')}
          onSaveAndQuit={() => void finish(QUIT_UNWRITTEN, [savePlanReport(reportPath), m.quitUnwritten])}
          onSavePlanAndQuit={async () => {
            const line = await savePlanFile(planPath);
            void finish(QUIT_UNWRITTEN, [line, m.quitUnwritten]);
          }}
          onBack={() => setStep('plan')}
          onQuit={() => void finish(QUIT_UNWRITTEN, [m.quitUnwritten])}
        />
      );
      break;
    case 'apply':
      body = (
        <ApplyStep
          session={session.current!}
          plan={chosen!}
          undo={undoTargetFor(config, targets!.prod.database, startedAt.current)}
          stopSignal={stopSignal}
          onDone={applied}
        />
      );
      break;
    case 'summary': {
      const done = finished!;
      body = (
        <SummaryStep
          summary={done.summary}
          entries={done.entries}
          problem={done.problem}
          reportLine={reportLine}
          undoPath={done.undoPath}
          exitCode={done.code}
          onSave={
            done.summary && !reportLine
              ? () => setReportLine(saveReport(reportPath, done.entries, done.summary!, false, undefined, done.undoPath))
              : undefined
          }
          onExit={() => {
            const lines = done.summary ? summaryLines(done.summary, m, false) : done.problem!;
            void finish(done.code, [...lines, ...(done.undoPath ? [m.undoSaved(done.undoPath)] : []), ...(reportLine ? [reportLine] : [])]);
          }}
        />
      );
      break;
    }
  }

  return (
    <MessagesContext.Provider value={m}>
      <FrameContext.Provider value={frame}>{body}</FrameContext.Provider>
    </MessagesContext.Provider>
  );
}
