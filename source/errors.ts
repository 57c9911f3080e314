/**
 * Errors that reach the operator. Each carries a code and the parameters its message
 * needs; the text lives in i18n so both views (and both languages) word it the same.
 */
export type Side = 'sandbox' | 'prod';

export type UsageCode =
  | 'missing-url'
  | 'invalid-url'
  | 'same-database'
  | 'plain-needs-yes'
  | 'bad-date'
  | 'bad-range'
  | 'bad-lang'
  | 'yes-and-dry-run'
  | 'report-unwritable';

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
  kind: 'missing-table' | 'missing-column' | 'not-null-without-source';
  table: string;
  column?: string;
}

/** Required tables or columns are missing (exit 3). */
export class SchemaError extends AppError {
  readonly exitCode = 3;
  constructor(readonly problems: SchemaProblem[]) {
    super('schema', { count: problems.length });
  }
}

/** The operator stopped the run (exit 130). */
export class InterruptedError extends AppError {
  readonly exitCode = 130;
  constructor(readonly rolledBack: boolean) {
    super('interrupted');
  }
}

export function isAppError(error: unknown): error is UsageError | ConnectError | SchemaError | InterruptedError {
  return error instanceof AppError;
}
