/**
 * Connection strings as libpq takes them: URLs (parsed by pg-connection-string in its
 * libpq-compatible mode) and keyword/value strings (`host=… dbname=…`). What comes out
 * is what connecting needs, plus a masked form that is safe to print.
 */
import { existsSync } from 'node:fs';
import { parse as parseUrl } from 'pg-connection-string';
import { UsageError, type Side } from './errors.js';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** A connection string taken apart, as libpq reads it. */
export interface DbUrl {
  raw: string;
  /** a host name or address, or a Unix-socket directory (starts with /) */
  host: string;
  port: number;
  user: string;
  /** from the string itself; PGPASSWORD and ~/.pgpass are read when connecting */
  password: string | undefined;
  database: string;
  sslMode: SslMode;
  sslRootCert: string | undefined;
  sslCert: string | undefined;
  sslKey: string | undefined;
  applicationName: string | undefined;
  /** libpq's `options`: command-line options for the server (`-c search_path=…`) */
  options: string | undefined;
  /** libpq's connect_timeout, in seconds; undefined = the tool's default */
  connectTimeout: number | undefined;
  /** Safe to print: the password replaced by ***. */
  masked: string;
}

const MASK = '***';

/**
 * Masks every password in free text: URLs (even ones that do not parse, with a `/` or
 * `@` in the password), `?password=` parameters and keyword/value `password=` pairs.
 * Error messages echo what the operator typed; over-masking is the safe side.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^\s]*@/gi, `$1${MASK}@`)
    .replace(/([?&]password=)[^&\s]*/gi, `$1${MASK}`)
    .replace(/(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&]*)/gi, `$1${MASK}`);
}

const KEYWORDS = new Set([
  'host',
  'hostaddr',
  'port',
  'dbname',
  'user',
  'password',
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'application_name',
  'options',
  'connect_timeout',
]);

/** libpq's keyword/value form: `key=value` pairs, values optionally 'quoted' with \' and \\. */
function parseKeywordValue(text: string, invalid: (why: string) => UsageError): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  while (true) {
    skipSpace();
    if (i >= text.length) return out;
    const key = /^[A-Za-z_]+/.exec(text.slice(i))?.[0];
    if (!key) throw invalid('syntax');
    i += key.length;
    skipSpace();
    if (text[i] !== '=') throw invalid('syntax');
    i++;
    skipSpace();
    let value = '';
    if (text[i] === "'") {
      i++;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      if (text[i] !== "'") throw invalid('syntax');
      i++;
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
    }
    if (!KEYWORDS.has(key.toLowerCase())) throw invalid('keyword');
    out[key.toLowerCase()] = value;
  }
}

/** Where libpq looks for the local server's socket when no host is given. */
function defaultHost(env: NodeJS.ProcessEnv): string {
  if (env.PGHOST) return env.PGHOST;
  return ['/var/run/postgresql', '/tmp'].find((dir) => existsSync(dir)) ?? 'localhost';
}

/** The fields of either form, by libpq's keyword names. */
function fieldsOf(text: string, invalid: (why: string) => UsageError): Record<string, string | undefined> {
  if (/^postgres(ql)?:\/\//i.test(text)) {
    let parsed: ReturnType<typeof parseUrl>;
    try {
      // useLibpqCompat: sslmode has libpq's meaning; it reads the sslrootcert/cert/key files
      parsed = parseUrl(text, { useLibpqCompat: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') throw invalid('ssl-file');
      if (/verify-ca/.test((error as Error).message)) throw invalid('verify-ca-root');
      throw invalid('syntax');
    }
    const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    return {
      host: str(parsed.host),
      port: str(parsed.port),
      user: str(parsed.user),
      password: str(parsed.password),
      dbname: str(parsed.database),
      sslmode: str(parsed.sslmode),
      sslrootcert: str(parsed.sslrootcert),
      sslcert: str(parsed.sslcert),
      sslkey: str(parsed.sslkey),
      application_name: str(parsed.application_name),
      options: str(parsed.options),
      connect_timeout: str(parsed.connect_timeout),
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || !text.includes('=')) throw invalid('scheme');
  return parseKeywordValue(text, invalid);
}

function maskedForm(text: string): string {
  if (/^postgres(ql)?:\/\//i.test(text)) {
    try {
      const shown = new URL(text);
      if (shown.password) shown.password = MASK;
      if (shown.searchParams.has('password')) shown.searchParams.set('password', MASK);
      return maskSecrets(shown.toString().replace(/%2A%2A%2A/g, MASK));
    } catch {
      // pg-connection-string takes some strings WHATWG URL does not: mask the text itself
    }
  }
  return maskSecrets(text);
}

export function parseDbUrl(raw: string, side: Side, env: NodeJS.ProcessEnv = process.env): DbUrl {
  const text = raw.trim();
  const invalid = (why: string) => new UsageError('invalid-url', { side, url: maskSecrets(text), why });
  const f = fieldsOf(text, invalid);

  const host = f.host || f.hostaddr || defaultHost(env);
  const port = Number(f.port || env.PGPORT || 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid('port');
  const user = f.user || env.PGUSER || env.USER || 'postgres';
  const database = f.dbname || env.PGDATABASE || user;
  const sslMode = (f.sslmode ?? env.PGSSLMODE ?? 'prefer').toLowerCase();
  if (!SSL_MODES.includes(sslMode as SslMode)) throw invalid('sslmode');
  let connectTimeout: number | undefined;
  if (f.connect_timeout !== undefined) {
    connectTimeout = Number(f.connect_timeout);
    if (!Number.isInteger(connectTimeout) || connectTimeout < 0) throw invalid('connect_timeout');
    // libpq: 0 waits forever, and less than 2 s is raised to 2; here nothing waits forever
    connectTimeout = connectTimeout === 0 ? undefined : Math.max(2, connectTimeout);
  }

  return {
    raw: text,
    host,
    port,
    user,
    password: f.password,
    database,
    sslMode: sslMode as SslMode,
    sslRootCert: f.sslrootcert,
    sslCert: f.sslcert,
    sslKey: f.sslkey,
    applicationName: f.application_name,
    options: f.options,
    connectTimeout,
    masked: maskedForm(text),
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::']);

function canonicalHost(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return LOOPBACK.has(lower) || lower.startsWith('127.') ? 'loopback' : lower.replace(/\/+$/, '');
}

/**
 * A first, cheap look before connecting. The servers themselves are asked later
 * (db/identity.ts), which also catches aliases this cannot see.
 */
export function looksLikeSameDatabase(a: DbUrl, b: DbUrl): boolean {
  return canonicalHost(a.host) === canonicalHost(b.host) && a.port === b.port && a.database === b.database;
}
