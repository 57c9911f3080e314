#!/usr/bin/env node
/** meow flags → config → wizard or plain → exit code. */
import { readFileSync } from 'node:fs';
import meow from 'meow';
import { resolveConfig, defaultLang, type Config } from './core/config.js';
import { errorLines } from './text/describe-error.js';
import { EXIT_BY_SIGNAL, InterruptedError, isAppError, UsageError, type InterruptSignal } from './common/errors.js';
import { messages } from './i18n/index.js';
import { runPlain, type PlainIo, type RunControl } from './plain/run.js';
import { runUndoPlain } from './plain/undo.js';
import { LineBuffer } from './plain/line-buffer.js';
import { checkReportPath, REPORT_TO_STDOUT } from './storage/report.js';
import { checkPlanPath } from './storage/plan-file.js';
import { checkUndoPath } from './storage/undo-file.js';
import { checkDistinctOutputs, ensureStateDir } from './storage/state-dir.js';
import { resolve } from 'node:path';
import { parseDbUrl } from './common/db-url.js';
import { syncListLines } from './text/describe-undo.js';
import { lastSync, syncsIn } from './undo/history.js';
import { FLAGS, kebab, unknownFlag } from './core/flags.js';
import { parseTargets } from './sync/session.js';
import { cutToWidth } from './wizard/text-lines.js';

/** Where the command was typed: npm start runs in the checkout, and says where in INIT_CWD. */
const WHERE_TYPED = process.env.INIT_CWD ?? process.cwd();

/**
 * --help / -h and --version win over every other flag, known or not, before anything is
 * parsed, read or written (meow shows help only when it is the sole flag).
 */
function earlyExit(argv: readonly string[]): { text: string; code: number } | undefined {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  const at = args.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const asked = at === -1 ? undefined : args[at]!.includes('=') ? args[at]!.split('=')[1] : args[at + 1];
  const m = messages(asked === 'ru' || asked === 'en' ? asked : defaultLang(process.env));
  // `lesson-sync help` is asked as often as --help
  if (args.includes('--help') || args.includes('-h') || args[0] === 'help') return { text: m.help.replace(/^\n+/, '').trimEnd() + '\n', code: 0 };
  if (args.includes('--version') || args.includes('-V')) {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return { text: manifest.version + '\n', code: 0 };
  }
  const unknown = unknownFlag(args);
  if (unknown) return { text: `${m.errorPrefix}${m.usage['unknown-flag'](unknown.flag, unknown.nearest)}\n`, code: 2 };
  return undefined;
}

const early = earlyExit(process.argv.slice(2));
if (early !== undefined) {
  (early.code === 0 ? process.stdout : process.stderr).write(early.text);
  process.exit(early.code);
}

/** meow reads a lone `-` as no value: `--report -` (the report on stdout) is passed as `--report=-`. */
function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--report' && argv[i + 1] === '-') out.push(`--report=${argv[++i]}`);
    else out.push(argv[i]!);
  }
  return out;
}

const cli = meow(messages(defaultLang(process.env)).help, {
  importMeta: import.meta,
  argv: joinDashValues(process.argv.slice(2)),
  // checked before, in the operator's language, with the flag they meant (unknownFlag)
  allowUnknownFlags: true,
  flags: FLAGS,
});

/** Set when the reader of stdout went away (`| head`): nothing more is written there. */
let stdoutClosed = false;
const stdoutLog = new LineBuffer((text) => {
  if (!stdoutClosed) process.stdout.write(text);
});
/** the log on stderr, when stdout carries the report */
const stderrLog = new LineBuffer((text) => process.stderr.write(text));
const out = stdoutLog.line;
/** errors and notices: what was logged before them comes first */
const err = (line: string) => {
  stdoutLog.flush();
  stderrLog.flush();
  process.stderr.write(line + '\n');
};

async function withDemo(config: Config, run: (config: Config) => Promise<number>): Promise<number> {
  if (!config.demo) return run(config);
  const m = messages(config.lang);
  const spinning = startSpinner(m.demoStarting);
  const { startDemo } = await import('./demo/demo.js');
  const demo = await startDemo().finally(spinning);
  try {
    return await run({ ...config, sandboxUrl: demo.sandboxUrl, prodUrl: demo.prodUrl });
  } finally {
    await demo.close();
  }
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * The first frame at once while the embedded databases start (seconds): on a terminal a
 * line that spins, and is gone when they are up; elsewhere the line alone. Returns the stop.
 */
function startSpinner(text: string): () => void {
  if (!process.stderr.isTTY) {
    err(text);
    return () => {};
  }
  let frame = 0;
  // one line, cut to the terminal's width: \r redraws a line, not the rows a wrapped one took
  const draw = () => process.stderr.write(`\r\u001b[2K${SPINNER[frame++ % SPINNER.length]} ${cutToWidth(text, (process.stderr.columns || 80) - 3)}`);
  draw();
  const timer = setInterval(draw, 80);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\u001b[2K');
  };
}

/**
 * Signals, and a stdout whose reader left, are interruptions: during apply they roll back
 * (and the run ends with its report and message); before it nothing was written, so the
 * process just leaves; after the commit the run finishes what it was doing.
 */
type PlainRunner = (config: Config, io: PlainIo, control: RunControl) => Promise<number>;

async function runPlainMode(config: Config, runner: PlainRunner): Promise<number> {
  const m = messages(config.lang);
  if (!config.dryRun && !config.yes) throw new UsageError('plain-needs-yes');
  if (config.savePlanPath && !config.dryRun) throw new UsageError('save-plan-needs-dry-run');
  const controller = new AbortController();
  let stage: 'before' | 'applying' | 'after' = 'before';
  let stoppedBy: InterruptSignal = 'SIGINT';
  const interrupt = (signal: InterruptSignal) => {
    if (stage === 'applying') {
      stoppedBy = signal;
      controller.abort();
      return;
    }
    if (stage === 'after') return;
    if (signal !== 'SIGPIPE') errorLines(new InterruptedError(false, signal), m).forEach(err);
    stdoutLog.flush();
    process.exit(EXIT_BY_SIGNAL[signal]);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => interrupt(signal));
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
    interrupt('SIGPIPE');
  });
  return withDemo(config, (c) =>
    runner(c, c.reportPath === REPORT_TO_STDOUT ? { out: stderrLog.line, err } : { out, err }, {
      signal: controller.signal,
      signalName: () => stoppedBy,
      onApplying: (applying) => (stage = applying ? 'applying' : 'after'),
    }),
  );
}

/** The flags a sync takes that an undo does not: it names its own lessons and database. */
const SYNC_ONLY_FLAGS = ['student', 'since', 'until', 'lesson', 'excludeLesson', 'savePlan', 'applyPlan', 'undoFile', 'exitCode', 'demo'] as const;

/** What `lesson-sync undo …` asks for: a file, the newest sync of this prod, the list, or a pick (the wizard). */
type UndoCommand = { kind: 'file'; path: string } | { kind: 'last' } | { kind: 'list' } | { kind: 'pick' };

const flagName = (name: string) => `--${kebab(name)}`;

/** `lesson-sync undo …`: undefined when the command line is a sync. */
function undoCommand(): UndoCommand | undefined {
  const [command, file, ...rest] = cli.input;
  if (command === undefined) {
    if (cli.flags.list || cli.flags.createIndex) throw new UsageError('unknown-command', { word: flagName(cli.flags.list ? 'list' : 'createIndex') });
    return undefined;
  }
  if (command !== 'undo') throw new UsageError('unknown-command', { word: command });
  if (rest.length) throw new UsageError('unknown-command', { word: rest[0]! });
  const flags = cli.flags as Record<string, unknown>;
  const clash = SYNC_ONLY_FLAGS.find((name) => (Array.isArray(flags[name]) ? (flags[name] as unknown[]).length > 0 : Boolean(flags[name])));
  if (clash) throw new UsageError('undo-flag', { flag: flagName(clash) });
  if (cli.flags.list) {
    if (file) throw new UsageError('unknown-command', { word: file });
    return { kind: 'list' };
  }
  if (file === 'last') return { kind: 'last' };
  // taken from where the command was typed, also under npm start
  return file ? { kind: 'file', path: resolve(WHERE_TYPED, file) } : { kind: 'pick' };
}

/** `undo --list`: the syncs in the state directory (only this prod's with --prod-url), newest first. */
function listSyncs(config: Config): number {
  const prod = cli.flags.prodUrl ? parseDbUrl(cli.flags.prodUrl, 'prod') : undefined;
  syncListLines(syncsIn(config.stateDir, prod), config.stateDir, messages(config.lang)).forEach(out);
  return 0;
}

/** The file an undo takes back; undefined: the wizard offers the prod's syncs to pick from. */
function undoFileOf(command: Exclude<UndoCommand, { kind: 'list' }>, config: Config, interactive: boolean): string | undefined {
  if (command.kind === 'file') return command.path;
  if (command.kind === 'pick' && interactive) return undefined;
  if (command.kind === 'pick') throw new UsageError('undo-needs-file');
  if (!config.prodUrl) throw new UsageError('missing-url', { side: 'prod' });
  const last = lastSync(config.stateDir, parseDbUrl(config.prodUrl, 'prod'));
  if (!last) throw new UsageError('no-undo-file', { dir: config.stateDir });
  return last.path;
}

async function main(): Promise<number> {
  let config: Config | undefined;
  try {
    const undo = undoCommand();
    config = resolveConfig(cli.flags, process.env, WHERE_TYPED);
    if (undo?.kind === 'list') return listSyncs(config);
    const report = config.reportPath !== REPORT_TO_STDOUT ? config.reportPath : undefined;
    checkDistinctOutputs({ '--report': report, '--save-plan': config.savePlanPath, '--apply-plan': config.applyPlanPath, '--undo-file': config.undoPath });
    if (report) checkReportPath(report);
    if (config.savePlanPath) checkPlanPath(config.savePlanPath);
    if (config.undoPath) checkUndoPath(config.undoPath);
    // an apply leaves its undo file there: tried before anything is read
    else if (undo === undefined && !config.dryRun && !config.demo) ensureStateDir(config.stateDir);
    // the report on stdout needs stdout to itself: the log goes to stderr, and no wizard draws there
    const interactive = process.stdin.isTTY && process.stdout.isTTY && !config.plain && !config.yes && config.reportPath !== REPORT_TO_STDOUT;
    if (undo !== undefined) {
      const undoFile = undoFileOf(undo, config, Boolean(interactive));
      if (interactive) {
        process.env.NODE_ENV ??= 'production';
        const { runUndoWizard } = await import('./wizard/undo/run-undo-wizard.js');
        return await runUndoWizard(config, undoFile);
      }
      return await runPlainMode(config, (c, io, control) => runUndoPlain(c, undoFile!, io, control));
    }
    if (interactive) {
      // React's development build (the default) is slower, and on a large plan keeps
      // hundreds of MB of its bookkeeping (1,000,000 lessons: +350 MB); set before React loads.
      process.env.NODE_ENV ??= 'production';
      const { runWizard } = await import('./wizard/run-wizard.js');
      return await withDemo(config, runWizard);
    }
    // without a terminal the URLs cannot be asked for: what is missing is said before how to run
    if (!config.demo) parseTargets(config.sandboxUrl, config.prodUrl);
    return await runPlainMode(config, runPlain);
  } catch (error) {
    errorLines(error, messages(config?.lang ?? defaultLang(process.env))).forEach(err);
    return isAppError(error) ? error.exitCode : 1;
  }
}

process.exitCode = await main();
stdoutLog.flush();
stderrLog.flush();
