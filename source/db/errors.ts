import { ConnectError, type ConnectCode, type Side } from '../errors.js';
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

/** True when the failure is the connection itself, not one statement's data. */
export function isConnectionFailure(error: unknown): boolean {
  const e = (error ?? {}) as PgLikeError;
  if (!e.code || !/^[0-9A-Z]{5}$/.test(e.code)) return true;
  return e.code.startsWith('08') || e.code.startsWith('57P') || e.code === '53300';
}

/** The server's or the driver's words, with any password taken out. */
export function safeMessage(error: unknown, password?: string): string {
  let message = error instanceof Error ? error.message : String(error);
  if (password) message = message.split(password).join('***');
  return maskSecrets(message).split('\n')[0]!.trim();
}

export function toConnectError(error: unknown, side: Side, target: string, password?: string): ConnectError {
  if (error instanceof ConnectError) return error;
  return new ConnectError(connectCodeOf(error), side, target, safeMessage(error, password));
}
