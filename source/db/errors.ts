import { BugError, ConnectError, isAppError, RunError, type ConnectCode, type RunFailureCode, type Side } from '../errors.js';
import { maskSecrets } from '../db-url.js';

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

const sqlState = (error: unknown): string | undefined => {
  const code = (error as PgLikeError | undefined)?.code;
  return code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** True when the failure is the connection itself, not a statement: the driver's or the socket's words. */
export function isConnectionFailure(error: unknown): boolean {
  if (isAppError(error) || error instanceof BugError) return false;
  const code = sqlState(error);
  if (!code) return true;
  return code.startsWith('08') || code.startsWith('57P') || code === '53300';
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
  const code = sqlState(error) ?? '';
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

/** A connection that dropped on its own, as the operator reads it. */
export function lostConnection(db: { side: Side; url: { masked: string }; describe(error: unknown): string }, error: unknown): ConnectError {
  return new ConnectError('lost', db.side, db.url.masked, db.describe(error));
}

export function toConnectError(error: unknown, side: Side, target: string, password?: string): ConnectError {
  if (error instanceof ConnectError) return error;
  return new ConnectError(connectCodeOf(error), side, target, safeMessage(error, password));
}
