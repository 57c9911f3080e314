import { DEFAULT_LOCK_TIMEOUT_S } from '../db/client.js';
import { resolve } from 'node:path';
import { readDotenv } from './dotenv.js';
import { stateDir } from '../storage/state-dir.js';
import { EVERY_LESSON, type Selection } from '../engine/selection.js';
import type { Filters } from '../engine/types.js';
import type { Lang } from '../i18n/index.js';

export type { Filters, Lang };
import { UsageError } from '../common/errors.js';



export interface Config {
  sandboxUrl: string | undefined;
  prodUrl: string | undefined;
  dryRun: boolean;
  yes: boolean;
  reportPath: string | undefined;
  filters: Filters;
  lang: Lang;
  plain: boolean;
  demo: boolean;
  /** seconds apply may wait for a lock before it gives up */
  lockTimeout: number;
  /** the lessons the operator chose (--lesson, --exclude-lesson) */
  selection: Selection;
  /** --exit-code: a dry run exits 4 when it would write something */
  exitCode: boolean;
  /** --save-plan: where the reviewed plan goes (SPEC §11) */
  savePlanPath: string | undefined;
  /** --apply-plan: the saved plan to apply, instead of planning afresh */
  applyPlanPath: string | undefined;
  /** --undo-file: where the apply's undo file goes, exactly (default: a name of its own in stateDir) */
  undoPath: string | undefined;
  /** where undo files go by default, and where `undo --list` looks (storage/state-dir.ts) */
  stateDir: string;
  /** undo --create-index: the index a slow removal lacks is made first, on this yes */
  createIndex: boolean;
}

export interface Flags {
  sandboxUrl?: string;
  prodUrl?: string;
  dryRun?: boolean;
  yes?: boolean;
  report?: string;
  student?: string[];
  since?: string;
  until?: string;
  lang?: string;
  plain?: boolean;
  demo?: boolean;
  lockTimeout?: string;
  lesson?: string[];
  excludeLesson?: string[];
  exitCode?: boolean;
  savePlan?: string;
  applyPlan?: string;
  undoFile?: string;
  createIndex?: boolean;
}

export { DEFAULT_LOCK_TIMEOUT_S };

function checkLockTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LOCK_TIMEOUT_S;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(seconds > 0)) throw new UsageError('bad-lock-timeout', { value });
  return seconds;
}

function lessonIds(values: string[] | undefined): number[] {
  return (values ?? []).map((value) => {
    if (!/^\d+$/.test(value.trim())) throw new UsageError('bad-lesson-id', { value });
    return Number(value);
  });
}

function selectionOf(flags: Flags): Selection {
  const only = lessonIds(flags.lesson);
  const exclude = lessonIds(flags.excludeLesson);
  if (!only.length && !exclude.length) return EVERY_LESSON;
  return { only: only.length ? new Set(only) : undefined, exclude: new Set(exclude) };
}

export function defaultLang(env: NodeJS.ProcessEnv): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

function checkDate(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!)) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value) throw new UsageError('bad-date', { flag, value });
  return value;
}

/**
 * Flags > environment > .env in `cwd`, as SPEC §1 orders them. `cwd`: where the command was
 * typed (npm start runs in the checkout, and says where in INIT_CWD): the paths given are
 * taken from there.
 */
export function resolveConfig(flags: Flags, env: NodeJS.ProcessEnv, cwd: string): Config {
  const path = (given: string | undefined) => (given ? (given === '-' || cwd === process.cwd() ? given : resolve(cwd, given)) : undefined);
  const dotenv = readDotenv(cwd);
  const pick = (flag: string | undefined, name: string) => flag || env[name] || dotenv[name] || undefined;

  const lang = flags.lang ?? defaultLang(env);
  if (lang !== 'ru' && lang !== 'en') throw new UsageError('bad-lang', { value: lang });
  if (flags.yes && flags.dryRun) throw new UsageError('yes-and-dry-run');
  if (flags.exitCode && !flags.dryRun) throw new UsageError('exit-code-needs-dry-run');
  if (flags.applyPlan) {
    const clash = (
      [
        ['--save-plan', flags.savePlan],
        ['--student', flags.student?.length],
        ['--since', flags.since],
        ['--until', flags.until],
        ['--lesson', flags.lesson?.length],
        ['--exclude-lesson', flags.excludeLesson?.length],
      ] as const
    ).find(([, given]) => given);
    if (clash) throw new UsageError('apply-plan-with', { flag: clash[0] });
  }
  const since = checkDate(flags.since, '--since');
  const until = checkDate(flags.until, '--until');
  if (since && until && since > until) throw new UsageError('bad-range', { since, until });

  return {
    sandboxUrl: flags.demo ? undefined : pick(flags.sandboxUrl, 'SANDBOX_DATABASE_URL'),
    prodUrl: flags.demo ? undefined : pick(flags.prodUrl, 'PROD_DATABASE_URL'),
    dryRun: Boolean(flags.dryRun),
    yes: Boolean(flags.yes),
    reportPath: path(flags.report),
    filters: { students: (flags.student ?? []).map((s) => s.trim()).filter(Boolean), since, until },
    lang,
    plain: Boolean(flags.plain),
    demo: Boolean(flags.demo),
    lockTimeout: checkLockTimeout(flags.lockTimeout),
    selection: selectionOf(flags),
    exitCode: Boolean(flags.exitCode),
    savePlanPath: path(flags.savePlan),
    applyPlanPath: path(flags.applyPlan),
    undoPath: path(flags.undoFile),
    stateDir: stateDir(env),
    createIndex: Boolean(flags.createIndex),
  };
}
