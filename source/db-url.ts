import { UsageError, type Side } from './errors.js';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** A database URL taken apart, as libpq reads it. */
export interface DbUrl {
  raw: string;
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  sslMode: SslMode;
  sslRootCert: string | undefined;
  /** Safe to print: the password replaced by ***. */
  masked: string;
}

const MASK = '***';

/**
 * Masks the password of anything that looks like a URL, even one that does not parse:
 * error messages echo what the operator typed.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s/]*@/gi, `$1${MASK}@`)
    .replace(/([?&]password=)[^&\s]*/gi, `$1${MASK}`);
}

export function parseDbUrl(raw: string, side: Side): DbUrl {
  const text = raw.trim();
  const invalid = (why: string) => new UsageError('invalid-url', { side, url: maskSecrets(text), why });
  if (!/^postgres(ql)?:\/\//i.test(text)) throw invalid('scheme');
  if (/^postgres(ql)?:\/\/([^/?#]*@)?([/?#]|$)/i.test(text)) throw invalid('host');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('syntax');
  }
  const host = decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1');
  if (!host) throw invalid('host');
  const port = url.port ? Number(url.port) : 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid('port');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw invalid('database');
  const params = url.searchParams;
  const sslMode = (params.get('sslmode') ?? 'prefer').toLowerCase();
  if (!SSL_MODES.includes(sslMode as SslMode)) throw invalid('sslmode');
  const user = decodeURIComponent(url.username) || params.get('user') || process.env.PGUSER || 'postgres';
  const password = url.password ? decodeURIComponent(url.password) : (params.get('password') ?? undefined);

  const shown = new URL(text);
  if (shown.password) shown.password = MASK;
  if (shown.searchParams.has('password')) shown.searchParams.set('password', MASK);
  return {
    raw: text,
    host,
    port,
    user,
    password,
    database,
    sslMode: sslMode as SslMode,
    sslRootCert: params.get('sslrootcert') ?? undefined,
    masked: shown.toString().replace(/%2A%2A%2A/g, MASK),
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::']);

function canonicalHost(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return LOOPBACK.has(lower) || lower.startsWith('127.') ? 'loopback' : lower;
}

/**
 * A first, cheap look before connecting. The servers themselves are asked later
 * (db/identity.ts), which also catches aliases this cannot see.
 */
export function looksLikeSameDatabase(a: DbUrl, b: DbUrl): boolean {
  return canonicalHost(a.host) === canonicalHost(b.host) && a.port === b.port && a.database === b.database;
}
