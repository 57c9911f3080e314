/**
 * Errors that reach the operator. Each carries a code and the parameters its message
 * needs; the text lives in i18n so both views (and both languages) word it the same.
 */
export type Side = 'sandbox' | 'prod';

export type LockTarget =
  | { kind: 'run' }
  | { kind: 'table'; name: string }
  | { kind: 'row' }
  | { kind: 'other'; type: string };

export interface LockHolder {
  pid: number;
  user: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
  /** when its transaction started, HH:MM:SS in the server's zone */
  since: string | null;
}

/** A statement waits for a lock another session holds: on which database, what, who holds it, for how long. */
export interface LockWait {
  side: Side;
  target: LockTarget;
  holders: LockHolder[];
  waitedMs: number;
  /** the wait ends after this (--lock-timeout) */
  limitSeconds: number;
}

export type UsageCode =
  | 'missing-url'
  | 'invalid-url'
  | 'same-database'
  | 'plain-needs-yes'
  | 'bad-date'
  | 'bad-range'
  | 'bad-lang'
  | 'yes-and-dry-run'
  | 'report-unwritable'
  | 'bad-lock-timeout'
  | 'unknown-lesson'
  | 'bad-lesson-id'
  | 'exit-code-needs-dry-run'
  | 'plan-unwritable'
  | 'save-plan-needs-dry-run'
  | 'apply-plan-with'
  | 'bad-plan-file'
  | 'plan-other-databases'
  | 'undo-file-exists'
  | 'undo-unwritable'
  | 'same-output'
  | 'bad-undo-file'
  | 'undo-other-database'
  | 'undo-cut-committed'
  | 'undo-outcome-unknown'
  | 'unknown-command'
  | 'undo-needs-file'
  | 'no-undo-file'
  | 'undo-flag';

export type ConnectCode =
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'auth'
  | 'no-password'
  | 'rejected'
  | 'no-database'
  | 'too-many'
  | 'starting'
  | 'certificate'
  | 'ssl-unsupported'
  | 'lost'
  | 'unresponsive'
  | 'commit-unknown'
  | 'other';

export type Params = Record<string, string | number>;

abstract class AppError extends Error {
  abstract readonly exitCode: number;
  constructor(
    readonly code: string,
    readonly params: Params = {},
  ) {
    super(code);
  }
}

/** Bad flags or configuration: nothing was read or written (exit 2). */
export class UsageError extends AppError {
  readonly exitCode = 2;
  constructor(
    override readonly code: UsageCode,
    params: Params = {},
  ) {
    super(code, params);
  }
}

/** A database could not be reached or used (exit 3). `detail` is the server's own words, already free of secrets. */
export class ConnectError extends AppError {
  readonly exitCode = 3;
  constructor(
    override readonly code: ConnectCode,
    readonly side: Side,
    readonly target: string,
    readonly detail: string,
  ) {
    super(code, { side, target, detail });
  }
}

export interface SchemaProblem {
  side: Side;
  kind: 'missing-table' | 'missing-column' | 'not-null-without-source' | 'lesson-date-type' | 'row-level-security';
  table: string;
  column?: string;
  /** lesson-date-type: each side's type of lesson_date */
  types?: Record<Side, string>;
  /** row-level-security: the policies that apply to the user (none: every row hidden) */
  policies?: string[];
}

/** Required tables or columns are missing (exit 3). */
export class SchemaError extends AppError {
  readonly exitCode = 3;
  constructor(readonly problems: SchemaProblem[]) {
    super('schema', { count: problems.length });
  }
}

/** Prod waited for a lock longer than --lock-timeout (exit 3): nothing was written. */
export class LockTimeoutError extends AppError {
  readonly exitCode = 3;
  constructor(
    readonly seconds: number,
    readonly wait: LockWait | undefined,
  ) {
    super('lock-timeout', { seconds });
  }
}

export type RunFailureCode = 'read-only' | 'privilege' | 'disk-full' | 'resources' | 'server';

/**
 * Prod refused the run as a whole, not one lesson (a read-only database, a missing
 * privilege, a full disk): reported once, exit 3, nothing written.
 */
export class RunError extends AppError {
  readonly exitCode = 3;
  constructor(
    override readonly code: RunFailureCode,
    readonly side: Side,
    readonly detail: string,
  ) {
    super(code, { side, detail });
  }
}

/** The operator stopped the run by a signal: SIGINT 130, SIGTERM 143, SIGHUP 129, a closed stdout 141. */
export class InterruptedError extends AppError {
  readonly exitCode: number;
  constructor(
    readonly rolledBack: boolean,
    readonly signal: InterruptSignal = 'SIGINT',
  ) {
    super('interrupted');
    this.exitCode = EXIT_BY_SIGNAL[signal];
  }
}

export type InterruptSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGPIPE';
export const EXIT_BY_SIGNAL: Record<InterruptSignal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGPIPE: 141 };

/**
 * The apply committed, then its report could not be written (exit 1): the message says
 * what went in, so the operator does not run it again in doubt.
 */
export class ReportError extends AppError {
  readonly exitCode = 1;
  constructor(
    readonly committed: { created: number; updated: number; tasksCopied: number },
    readonly path: string,
    readonly reason: unknown,
  ) {
    super('report-after-commit');
  }
}

/** Something that cannot happen did: the message is for the maintainers, not the operator. */
export class BugError extends Error {}

/** The end of an exhaustive switch: a new status or reason is a compile error until handled. */
export function unreachable(value: never): never {
  throw new BugError(`unhandled case: ${JSON.stringify(value)}`);
}

export type AnyAppError = UsageError | ConnectError | SchemaError | InterruptedError | LockTimeoutError | RunError | ReportError;

export function isAppError(error: unknown): error is AnyAppError {
  return error instanceof AppError;
}
