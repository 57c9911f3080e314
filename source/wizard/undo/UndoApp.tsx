/**
 * `lesson-sync undo FILE` at a terminal: checks → the per-lesson plan → typed confirmation
 * → one transaction → summary, the sync wizard's steps over an UndoSession.
 */
import { Box, useApp } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Config } from '../../core/config.js';
import type { OpenOptions } from '../../core/operation.js';
import type { DbUrl } from '../../common/db-url.js';
import { describeError, errorLines } from '../../text/describe-error.js';
import { lessonHeader } from '../../text/describe-lesson.js';
import { EXIT_BY_SIGNAL, InterruptedError, type InterruptSignal } from '../../common/errors.js';
import { messages } from '../../i18n/index.js';
import { printable } from '../../common/printable.js';
import type { UndoFile } from '../../storage/undo-file.js';
import { undoEntryLines, undoFileLine, undoSummaryLines } from '../../text/describe-undo.js';
import { exitCodeOf, QUIT_UNWRITTEN } from '../../core/after-run.js';
import { summarizeUndo, undoes, undoExitCode, type UndoEntry } from '../../undo/plan.js';
import { UndoReport } from '../../undo/report.js';
import { UndoSession, type UndoCheckEvent, type UndoCheckId } from '../../undo/session.js';
import { MessagesContext, useMessages } from '../context.js';
import { Frame, FRAME_LINES, FrameContext, gapFor } from '../components/Frame.js';
import { TypedConfirm, typedConfirmRows } from '../components/TypedConfirm.js';
import { RANK } from '../fit.js';
import { blockItems, FitLines, SPINNER_PLACE, type StyledItem } from '../components/FitLines.js';
import { wrapWords } from '../text-lines.js';
import { Text } from '../components/Text.js';
import { KeyRouter, useKeys } from '../hooks/use-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { UndoApplyStep } from './UndoApplyStep.js';
import { UndoPlanStep } from './UndoPlanStep.js';
import { UndoPickStep } from './UndoPickStep.js';
import { readUndoFile } from '../../storage/undo-file.js';

/** index: before the confirm, the offer of the index a slow removal lacks */
type Step = 'checks' | 'plan' | 'index' | 'confirm' | 'apply' | 'summary';
const STEP_NUMBER: Record<Step, number> = { checks: 1, plan: 2, index: 3, confirm: 3, apply: 4, summary: 5 };
const CHECKS: readonly UndoCheckId[] = ['prod', 'undo-file', 'schema'];

export interface UndoAppProps {
  config: Config;
  prod: DbUrl;
  /** none: this prod's syncs are offered to pick from */
  file: UndoFile | undefined;
  connect?: OpenOptions;
  onExit: (code: number, lines: string[]) => void;
  onSignal?: (handler: (signal: InterruptSignal) => void) => () => void;
}

export function UndoApp(props: UndoAppProps) {
  const m = messages(props.config.lang);
  const size = useTerminalSize();
  const frame = { targets: { sandbox: '', prod: `${props.prod.user}@${props.prod.host}:${props.prod.port}/${props.prod.database}` }, dryRun: props.config.dryRun, columns: size.columns, rows: size.rows };
  return (
    <KeyRouter>
      <MessagesContext.Provider value={m}>
        <FrameContext.Provider value={frame}>
          <Chooser {...props} />
        </FrameContext.Provider>
      </MessagesContext.Provider>
    </KeyRouter>
  );
}

/** The wizard on the file given, or on the one picked from this prod's syncs. */
function Chooser(props: UndoAppProps) {
  const { exit } = useApp();
  const [file, setFile] = useState(props.file);
  const [error, setError] = useState<unknown>();
  const m = useMessages();
  useKeys((input, key) => {
    if (!file && key.ctrl && input === 'c') {
      props.onExit(130, errorLines(new InterruptedError(false), m));
      exit();
    }
  });
  if (file) return <UndoWizard {...props} file={file} />;
  return (
    <UndoPickStep
      prod={props.prod}
      dir={props.config.stateDir}
      error={error}
      onPick={(path) => void readUndoFile(path).then(setFile, setError)}
      onQuit={() => {
        props.onExit(QUIT_UNWRITTEN, [m.quitUnwritten]);
        exit();
      }}
    />
  );
}

function UndoWizard({ config, prod, file, connect, onExit, onSignal }: UndoAppProps & { file: UndoFile }) {
  const m = useMessages();
  const u = m.undo.ui;
  const { exit } = useApp();
  const size = useTerminalSize();
  const [step, setStep] = useState<Step>('checks');
  const [checks, setChecks] = useState<Partial<Record<UndoCheckId, UndoCheckEvent>>>({});
  const [failure, setFailure] = useState<unknown>();
  const [entries, setEntries] = useState<UndoEntry[]>();
  const [outcome, setOutcome] = useState<{ entries: UndoEntry[]; problem?: unknown }>();
  const [notice, setNotice] = useState<string>();
  const [aborting, setAborting] = useState(false);
  /** the index offer: being made, or why it could not be */
  const [indexing, setIndexing] = useState<{ started: number } | { error: unknown }>();
  const session = useRef<UndoSession | undefined>(undefined);
  const controller = useRef(new AbortController());
  const stoppedBy = useRef<InterruptSignal | undefined>(undefined);
  const startedAt = useRef(new Date());
  const ended = useRef(false);
  const stepRef = useRef(step);
  stepRef.current = step;

  const finish = async (code: number, lines: string[]) => {
    if (ended.current) return;
    ended.current = true;
    await session.current?.close();
    session.current = undefined;
    onExit(code, lines);
    exit();
  };

  useEffect(() => {
    let cancelled = false;
    UndoSession.open(prod, file, (event) => !cancelled && setChecks((all) => ({ ...all, [event.id]: event })), {
      lockTimeoutSeconds: config.lockTimeout,
      ...connect,
    }).then(
      (opened) => {
        if (cancelled) return void opened.close();
        session.current = opened;
        if (opened.committed) void opened.plan().then(setEntries, setFailure);
        else setEntries([]);
      },
      (error: unknown) => !cancelled && setFailure(error),
    );
    const unsubscribe = onSignal?.((signal) => {
      if (stepRef.current === 'apply') {
        stoppedBy.current = signal;
        controller.current.abort();
      } else void finish(EXIT_BY_SIGNAL[signal], errorLines(new InterruptedError(false, signal), m));
    });
    return () => {
      cancelled = true;
      unsubscribe?.();
      void session.current?.close();
    };
  }, []);

  const summary = useMemo(() => summarizeUndo(outcome?.entries ?? entries ?? []), [entries, outcome]);
  const work = (entries ?? []).filter(undoes).length;
  const typing = step === 'confirm' && work > 0;
  const slow = entries && session.current ? session.current.slowRemoval(entries) : undefined;
  const height = Math.max(3, size.rows - FRAME_LINES - 2);

  const report = (done: UndoEntry[], dry: boolean) => {
    if (!config.reportPath) return [];
    try {
      new UndoReport({ dryRun: dry, prod: prod.masked, undoFile: file.path, startedAt: startedAt.current }).write(config.reportPath, {
        syncCommitted: session.current?.committed ?? false,
        entries: done,
      });
      return [m.reportSaved(config.reportPath)];
    } catch (error) {
      return [m.ui.save.failed((error as NodeJS.ErrnoException).code ?? String(error))];
    }
  };

  const quitFromPlan = () => {
    const list = entries ?? [];
    if (!config.dryRun) return void finish(QUIT_UNWRITTEN, [m.quitUnwritten]);
    const lines = session.current?.committed === false ? [m.undo.notCommitted] : undoSummaryLines(summarizeUndo(list), m, true);
    void finish(0, [...lines, ...report(list, true)]);
  };

  const abort = () => {
    setAborting(true);
    controller.current.abort();
  };

  const startApply = () => {
    setStep('apply');
    session.current!
      .apply(entries!, {
        signal: controller.current.signal,
        signalName: () => stoppedBy.current ?? 'SIGINT',
      })
      .then(
        (done) => setOutcome({ entries: done }),
        (problem: unknown) => {
          if (problem instanceof InterruptedError && stoppedBy.current) return void finish(problem.exitCode, errorLines(problem, m));
          setOutcome({ entries: [], problem });
        },
      )
      .finally(() => setStep('summary'));
  };

  useKeys((input, key) => {
    if (key.ctrl && input === 'c') {
      // during the transaction, UndoApplyStep asks first
      if (step !== 'apply') void finish(130, errorLines(new InterruptedError(false), m));
      return;
    }
    if (step === 'checks') {
      if (input === 'q') void finish(failure ? exitCodeOf(failure) : QUIT_UNWRITTEN, failure ? errorLines(failure, m) : [m.quitUnwritten]);
      else if (key.return && entries && !failure) {
        if (session.current?.committed === false) void finish(0, [m.undo.notCommitted]);
        else setStep('plan');
      }
    } else if (step === 'index' && !(indexing && 'started' in indexing)) {
      if (input === 'y' && !indexing) {
        setIndexing({ started: performance.now() });
        session.current!.createLessonIdIndex().then(
          () => setStep('confirm'),
          (error: unknown) => setIndexing({ error }),
        );
      } else if (input === 'n' || key.return) setStep('confirm');
      else if (key.escape) setStep('plan');
    } else if (step === 'confirm') {
      // with something to undo the name prompt is there at once, and takes every letter
      if (key.escape) {
        setNotice(undefined);
        setStep('plan');
      } else if (input === 'q' && !typing) void finish(QUIT_UNWRITTEN, [m.quitUnwritten]);
    } else if (step === 'summary' && (key.return || input === 'q')) {
      const done = outcome!;
      if (done.problem) return void finish(exitCodeOf(done.problem), [m.ui.summary.failed, ...errorLines(done.problem, m)]);
      void finish(undoExitCode(summarizeUndo(done.entries)), [...undoSummaryLines(summarizeUndo(done.entries), m, false), ...report(done.entries, false)]);
    }
  });

  if (step === 'plan') {
    return (
      <UndoPlanStep
        entries={entries!}
        summary={summary}
        columns={file.header.columns}
        step={STEP_NUMBER.plan}
        dryRun={config.dryRun}
        onContinue={() => setStep(slow?.curable ? 'index' : 'confirm')}
        onQuit={quitFromPlan}
      />
    );
  }
  let body;
  let keys = u.keys.checksOk;
  if (step === 'checks') {
    keys = failure ? u.keys.checksFailed : entries ? u.keys.checksOk : m.ui.keys.checksRunning;
    const text = failure ? describeError(failure, m) : undefined;
    const items: StyledItem[] = [{ text: undoFileLine(file, m), rank: RANK.line }];
    for (const id of CHECKS) {
      const state = checks[id];
      const mark = !state ? m.marks.pending : state.status === 'running' ? SPINNER_PLACE : state.status === 'ok' ? m.marks.ok : m.marks.error;
      items.push({ text: `${mark} ${u.checks[id]}`, hang: 3, rank: state?.status === 'failed' ? RANK.essential : RANK.line, spinner: state?.status === 'running', dim: !state });
      if (state?.status === 'ok' && state.id === 'prod') items.push({ text: `   ${m.ui.checks.server(printable(state.info.version), state.info.rttMs)}`, dim: true });
    }
    if (session.current?.committed === false) items.push({ text: m.undo.notCommitted, rank: RANK.essential, color: 'yellow' });
    if (text) items.push({ text: m.errorPrefix + text.message, rank: RANK.essential, color: 'red' });
    if (text?.hint) items.push({ text: m.hintPrefix + text.hint, rank: RANK.essential, color: 'yellow' });
    const gap = gapFor(size.rows);
    body = (
      <Box flexDirection="column" marginTop={gap}>
        <FitLines items={items} height={size.rows - FRAME_LINES - gap} />
      </Box>
    );
  } else if (step === 'index') {
    const table = printable(session.current!.tables.lessonTasks.sql);
    keys = u.keys.index;
    body = (
      <Box flexDirection="column" marginTop={1}>
        <Text color="yellow">{m.undo.slowRemoval(slow!.lessons, table, Math.max(1, Math.round(slow!.seconds / 60)))}</Text>
        {indexing && 'started' in indexing ? (
          <Text>
            <Spinner type="dots" /> {m.undo.indexCreating(table)}
          </Text>
        ) : (
          <Text bold>{m.undo.indexOffer}</Text>
        )}
        {indexing && 'error' in indexing ? <Text color="red">{m.errorPrefix + describeError(indexing.error, m).message}</Text> : null}
      </Box>
    );
  } else if (step === 'confirm') {
    keys = typing ? u.keys.typeName : u.keys.confirm;
    const info: StyledItem[] = [
      { text: u.confirmTitle, bold: true },
      work ? { text: u.confirmWhat(summary.removed, summary.restored, summary.tasksRemoved), rank: RANK.essential } : { text: u.nothing, rank: RANK.essential, color: 'yellow' },
    ];
    if (slow) info.push({ text: m.undo.slowRemoval(slow.lessons, printable(session.current!.tables.lessonTasks.sql), Math.max(1, Math.round(slow.seconds / 60))), color: 'yellow' });
    info.push({ text: u.where(prod.database, `${prod.host}:${prod.port}`), rank: RANK.essential });
    if (summary.kept + summary.alreadyUndone) info.push({ text: u.confirmKept(summary.kept + summary.alreadyUndone), dim: true });
    // the name prompt and the notice keep their rows; what is said above gives way
    const rows = size.rows - FRAME_LINES;
    const gap = gapFor(size.rows);
    const promptRows = typing ? typedConfirmRows(u.typeName(prod.database), size.columns) : 0;
    const noticeRows = notice ? wrapWords(notice, size.columns).length : 0;
    body = (
      <Box flexDirection="column" marginTop={gap}>
        <FitLines items={info} height={Math.max(0, rows - 2 * gap - promptRows - noticeRows)} />
        {typing ? (
          <Box marginTop={gap} flexDirection="column">
            <TypedConfirm prompt={u.typeName(prod.database)} expected={prod.database} onMatch={startApply} onMismatch={() => setNotice(m.ui.confirm.mismatch)} />
          </Box>
        ) : null}
        {notice ? <Text color="red">{notice}</Text> : null}
      </Box>
    );
  } else if (step === 'apply') {
    keys = u.keys.apply;
    const gap = gapFor(size.rows);
    body = (
      <Box flexDirection="column" marginTop={gap}>
        <UndoApplyStep session={session.current!} height={size.rows - FRAME_LINES - gap} work={work} onAbort={abort} aborting={aborting} />
      </Box>
    );
  } else {
    keys = u.keys.summary;
    const done = outcome!;
    const items: StyledItem[] = done.problem
      ? [m.ui.summary.failed, ...errorLines(done.problem, m)].map((text) => ({ text, rank: RANK.essential }))
      : [
          ...blockItems(undoSummaryLines(summarizeUndo(done.entries), m, false), m.rule),
          ...done.entries
            .filter((e) => e.action === 'keep' && e.reason !== 'already-undone')
            .slice(0, Math.max(0, height - 8))
            .flatMap((e): StyledItem[] => [{ text: lessonHeader(e.lesson, m), rank: RANK.line, oneRow: true }, ...undoEntryLines(e, file.header.columns, m, false).map((text) => ({ text, oneRow: true }))]),
        ];
    body = <FitLines items={items} height={size.rows - FRAME_LINES} />;
  }

  return (
    <Frame step={STEP_NUMBER[step]} keys={keys} steps={u.steps} title={u.title}>
      {body}
    </Frame>
  );
}
