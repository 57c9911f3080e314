import { BugError, ConnectError, isAppError, LockTimeoutError, RunError, type ConnectCode, type LockWait, type RunFailureCode, type Side } from '../common/errors.js';
import { maskSecrets } from '../common/db-url.js';

interface PgLikeError {
  code?: string;
  message?: string;
}

const BY_CODE: Record<string, ConnectCode> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  ETIMEDOUT: 'timeout',
  ECONNRESET: 'lost',
  EPIPE: 'lost',
  NO_PASSWORD: 'no-password',
  '28P01': 'auth',
  '28000': 'rejected',
  '3D000': 'no-database',
  '53300': 'too-many',
  '57P03': 'starting',
  '57P01': 'lost',
  '57P02': 'lost',
  '57P05': 'lost',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate',
  CERT_HAS_EXPIRED: 'certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate',
};

export function connectCodeOf(error: unknown): ConnectCode {
  const e = (error ?? {}) as PgLikeError;
  const byCode = e.code ? BY_CODE[e.code] : undefined;
  if (byCode) return byCode;
  const message = e.message ?? '';
  if (/client password must be a string|no password supplied/i.test(message)) return 'no-password';
  if (/timeout/i.test(message)) return 'timeout';
  if (/does not support SSL/i.test(message)) return 'ssl-unsupported';
  if (/terminated|closed|ended|socket hang up/i.test(message)) return 'lost';
  if (/certificate/i.test(message)) return 'certificate';
  return 'other';
}

/** The server's SQLSTATE: only an error the server sent has one (a socket's EPIPE is not one). */
export const sqlState = (error: unknown): string | undefined => {
  const e = error as (PgLikeError & { severity?: unknown }) | undefined;
  return typeof e?.code === 'string' && typeof e.severity === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
};

const PROTOCOL_VIOLATION = '08P01';

/** What the socket says when the connection itself failed (Node's errno codes, TLS's). */
const SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC',
]);
/** What pg says when its connection failed or was closed under it. */
const DRIVER_WORDS = /^(Connection terminated|Client has encountered a connection error|Client was closed|Connection closed|timeout expired)/i;

/**
 * True when the connection itself failed, not a statement and not this program: the socket's
 * and the driver's words, or a server that says the session is over (SQLSTATE 08, 57P).
 * Anything else without an SQLSTATE is a bug of ours, never told as a network problem.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (isAppError(error) || error instanceof BugError) return false;
  const code = sqlState(error);
  // 08P01 (protocol violation) is the server refusing what this program sent: a bug, on a live connection
  if (code) return (code.startsWith('08') && code !== PROTOCOL_VIOLATION) || code.startsWith('57P');
  const e = error as PgLikeError | undefined;
  if (typeof e?.code === 'string' && SOCKET_CODES.has(e.code)) return true;
  return error instanceof Error && DRIVER_WORDS.test(error.message);
}

/**
 * A failure that concerns one row's values (a CHECK, a NOT NULL, a bad value, a
 * trigger's RAISE), which isolating the lesson can get around; anything else concerns
 * the whole run.
 */
export function isRowLevel(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23') || code.startsWith('44') || code.startsWith('P0'));
}

export const isLockTimeout = (error: unknown) => sqlState(error) === '55P03';

/** A statement's failure that no lesson can get around, as the operator reads it. */
export function runFailure(error: unknown, side: Side, password?: string): RunError {
  const code = side === 'prod' ? (sqlState(error) ?? '') : '';
  const kind: RunFailureCode =
    code === '25006' ? 'read-only' : code === '42501' ? 'privilege' : code === '53100' ? 'disk-full' : code.startsWith('53') ? 'resources' : 'server';
  return new RunError(kind, side, safeMessage(error, password));
}

/** The server's or the driver's words, with any password taken out. */
export function safeMessage(error: unknown, password?: string): string {
  let message = error instanceof Error ? error.message : String(error);
  if (password) message = message.split(password).join('***');
  return maskSecrets(message).split('\n')[0]!.trim();
}

/** What the connection knows of a failure beyond the error itself. */
export interface FailureContext {
  side: Side;
  url: { masked: string; password?: string };
  /** the watchdog cut this connection, and why (ConnectError 'unresponsive') */
  cut: ConnectError | undefined;
  /** the last lock wait seen, for the error that ends it */
  lastWait: LockWait | undefined;
  lockTimeoutSeconds: number;
}

/**
 * Any failure of a statement, as the operator reads it: the one mapping every phase of every
 * operation goes through (client.ts's Db.explain). `committing`: the failure came while COMMIT
 * was on its way, so whether it took is the server's to say.
 */
export function explainFailure(error: unknown, at: FailureContext, committing = false): unknown {
  if (isAppError(error) || error instanceof BugError) return error;
  if (isConnectionFailure(error)) {
    const detail = safeMessage(error, at.url.password);
    if (committing) return new ConnectError('commit-unknown', at.side, at.url.masked, detail);
    return at.cut ?? new ConnectError('lost', at.side, at.url.masked, detail);
  }
  if (isLockTimeout(error)) return new LockTimeoutError(at.lockTimeoutSeconds, at.lastWait);
  const code = sqlState(error);
  if (!code || code === PROTOCOL_VIOLATION) return new BugError(safeMessage(error, at.url.password), { cause: error });
  return runFailure(error, at.side, at.url.password);
}

export function toConnectError(error: unknown, side: Side, target: string, password?: string): ConnectError {
  if (error instanceof ConnectError) return error;
  return new ConnectError(connectCodeOf(error), side, target, safeMessage(error, password));
}
