import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../source/core/config.js';
import { EVERY_LESSON } from '../../source/engine/selection.js';
import { runPlain } from '../../source/plain/run.js';
import type { DbPair } from './databases.js';

export interface RunResult {
  code: number;
  out: string;
  err: string;
  report: any;
}

const freshDir = () => mkdtempSync(join(tmpdir(), 'lsync-cwd-'));

export function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'lsync-test-')), name);
}

/** A config as the CLI resolves it, on the pair's databases. */
export function testConfig(pair: DbPair, over: Partial<Config> = {}): Config {
  return {
    sandboxUrl: pair.urls.sandbox,
    prodUrl: pair.urls.prod,
    dryRun: false,
    yes: true,
    reportPath: undefined,
    filters: { students: [] },
    lang: 'en',
    plain: true,
    demo: false,
    lockTimeout: 120,
    selection: EVERY_LESSON,
    exitCode: false,
    savePlanPath: undefined,
    applyPlanPath: undefined,
    undoPath: tempPath('undo.json'),
    stateDir: join(freshDir(), 'state'),
    createIndex: false,
    ...over,
  };
}

/** The engine in-process, as the CLI's plain mode runs it, with a report. */
export async function runSync(pair: DbPair, over: Partial<Config> = {}): Promise<RunResult> {
  const reportPath = tempPath('report.json');
  const out: string[] = [];
  const err: string[] = [];
  const config = testConfig(pair, { reportPath, ...over });
  const code = await runPlain(config, { out: (l) => out.push(l), err: (l) => err.push(l) });
  let report: any = null;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {
    // no report on a failed run
  }
  return { code, out: out.join('\n'), err: err.join('\n'), report };
}

const cliPath = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');

/** The binary, as a user runs it (no TTY), in a directory of its own: what it leaves there (an undo file) stays apart. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = freshDir()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      // undo files by default go to a state directory of the test's own, never the user's
      env: { PATH: process.env.PATH, LANG: 'en_US.UTF-8', XDG_STATE_HOME: join(cwd, 'state'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts the binary and hands back the child, for tests that interrupt it. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cwd = freshDir();
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd,
    env: { PATH: process.env.PATH, LANG: 'en_US.UTF-8', XDG_STATE_HOME: join(cwd, 'state'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (output.stdout += d));
  child.stderr.on('data', (d) => (output.stderr += d));
  const exited = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  return { child, output, exited };
}
