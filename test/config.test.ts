import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLang, resolveConfig } from '../source/core/config.js';
import { looksLikeSameDatabase, maskSecrets, parseDbUrl } from '../source/common/db-url.js';
import { parseDotenv } from '../source/core/dotenv.js';
import { UsageError } from '../source/common/errors.js';

function usageCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error.code;
    throw error;
  }
  return undefined;
}

describe('database URLs', () => {
  it('takes a URL apart as libpq would, and masks the password', () => {
    const url = parseDbUrl('postgresql://admin:p%40ss:w0rd@db.example.com:6543/school?sslmode=require', 'prod');
    expect(url).toMatchObject({ host: 'db.example.com', port: 6543, user: 'admin', password: 'p@ss:w0rd', database: 'school', sslMode: 'require' });
    expect(url.masked).toBe('postgresql://admin:***@db.example.com:6543/school?sslmode=require');
    expect(url.masked).not.toContain('w0rd');
  });

  it('defaults to port 5432 and sslmode prefer, and reads IPv6 hosts', () => {
    expect(parseDbUrl('postgres://u@[::1]/d', 'sandbox')).toMatchObject({ host: '::1', port: 5432, sslMode: 'prefer', password: undefined });
  });

  it.each([
    ['mysql://u:p@h/d', 'scheme'],
    ['postgresql://u:p@h:99999/d', 'syntax'],
    ['postgresql://u:p/x@h/d', 'syntax'],
    ['postgresql://u:p@h/d?sslmode=always', 'sslmode'],
    ['postgresql://u:p@h/d?connect_timeout=soon', 'connect_timeout'],
    ["host=h password='p' colour=blue", 'keyword'],
    ["host=h password='p", 'syntax'],
    ['just-some-words', 'scheme'],
  ])('rejects %s (%s) without echoing the password', (raw, why) => {
    try {
      parseDbUrl(raw, 'sandbox');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).params.why).toBe(why);
      expect(JSON.stringify((error as UsageError).params)).not.toMatch(/:p@|:p\/x|'p/);
    }
  });

  it('takes keyword/value strings, with quoted values and escapes', () => {
    const url = parseDbUrl("host=db.example.com port=6543 dbname=school user=admin password='it\\'s a secret' sslmode=require", 'prod');
    expect(url).toMatchObject({ host: 'db.example.com', port: 6543, database: 'school', user: 'admin', password: "it's a secret", sslMode: 'require' });
    expect(url.masked).toBe("host=db.example.com port=6543 dbname=school user=admin password=*** sslmode=require");
  });

  it('reads the Unix-socket forms, and the rest of libpq\'s parameters', () => {
    expect(parseDbUrl('postgresql:///school?host=/var/run/postgresql', 'prod', {})).toMatchObject({ host: '/var/run/postgresql', port: 5432, database: 'school' });
    expect(parseDbUrl('postgresql://%2Ftmp%2Fpg/school', 'prod', {})).toMatchObject({ host: '/tmp/pg', database: 'school' });
    expect(parseDbUrl('host=/tmp dbname=school', 'prod', {})).toMatchObject({ host: '/tmp', database: 'school' });
    const full = parseDbUrl('postgresql://u@h/d?application_name=ops&options=-c%20search_path%3Dx&connect_timeout=1', 'prod');
    expect(full).toMatchObject({ applicationName: 'ops', options: '-c search_path=x', connectTimeout: 2 });
  });

  it('falls back on libpq\'s environment for what the string leaves out', () => {
    expect(parseDbUrl('postgresql:///', 'prod', { PGHOST: '/sock', PGPORT: '5433', PGUSER: 'ann' })).toMatchObject({
      host: '/sock',
      port: 5433,
      user: 'ann',
      database: 'ann',
    });
  });

  it('masks passwords in free text, even in URLs that do not parse', () => {
    expect(maskSecrets('bad postgresql://bob:hunter2@host:5432/db and ?password=abc&x=1')).toBe(
      'bad postgresql://bob:***@host:5432/db and ?password=***&x=1',
    );
    expect(maskSecrets('postgresql://bob:hun/ter@2@host/db')).toBe('postgresql://bob:***@host/db');
    expect(maskSecrets("host=h password='a b c' user=u")).toBe('host=h password=*** user=u');
    expect(maskSecrets('host=h PASSWORD = s3cret')).toBe('host=h PASSWORD = ***');
  });

  it('sees localhost and 127.0.0.1 as the same host', () => {
    const a = parseDbUrl('postgresql://a:x@localhost:5432/school', 'sandbox');
    const b = parseDbUrl('postgresql://b:y@127.0.0.1/school', 'prod');
    const c = parseDbUrl('postgresql://b:y@127.0.0.1/school_sandbox', 'prod');
    expect(looksLikeSameDatabase(a, b)).toBe(true);
    expect(looksLikeSameDatabase(a, c)).toBe(false);
  });
});

describe('.env and precedence', () => {
  it('parses comments, export and quotes', () => {
    expect(parseDotenv('# c\nexport A="x y"\nB=\'q#1\'\nC=plain # note\n\nbad line')).toEqual({ A: 'x y', B: 'q#1', C: 'plain' });
  });

  it('reads an inline comment after a quoted value, and CRLF lines, as dotenv does', () => {
    expect(parseDotenv('PROD_DATABASE_URL="postgresql://u:p@h/d"  # prod\r\nSANDBOX_DATABASE_URL=\'postgresql://u@h/s\' #sb\r\n')).toEqual({
      PROD_DATABASE_URL: 'postgresql://u:p@h/d',
      SANDBOX_DATABASE_URL: 'postgresql://u@h/s',
    });
  });

  it('takes flags over the environment over .env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lsync-'));
    writeFileSync(join(dir, '.env'), 'SANDBOX_DATABASE_URL=postgresql://env-file/s\nPROD_DATABASE_URL=postgresql://env-file/p\n');
    const fromFile = resolveConfig({}, {}, dir);
    expect([fromFile.sandboxUrl, fromFile.prodUrl]).toEqual(['postgresql://env-file/s', 'postgresql://env-file/p']);
    const fromEnv = resolveConfig({}, { PROD_DATABASE_URL: 'postgresql://env/p' }, dir);
    expect([fromEnv.sandboxUrl, fromEnv.prodUrl]).toEqual(['postgresql://env-file/s', 'postgresql://env/p']);
    const fromFlag = resolveConfig({ prodUrl: 'postgresql://flag/p' }, { PROD_DATABASE_URL: 'postgresql://env/p' }, dir);
    expect(fromFlag.prodUrl).toBe('postgresql://flag/p');
  });

  it('validates dates, the range, the language and contradicting flags', () => {
    expect(usageCode(() => resolveConfig({ since: '2025-02-30' }, {}, '/'))).toBe('bad-date');
    expect(usageCode(() => resolveConfig({ since: '2025-03-01', until: '2025-02-01' }, {}, '/'))).toBe('bad-range');
    expect(usageCode(() => resolveConfig({ lang: 'de' }, {}, '/'))).toBe('bad-lang');
    expect(usageCode(() => resolveConfig({ yes: true, dryRun: true }, {}, '/'))).toBe('yes-and-dry-run');
    expect(resolveConfig({ since: '2024-02-29', student: [' a ', ''] }, {}, '/').filters).toEqual({ students: ['a'], since: '2024-02-29', until: undefined });
  });

  it('picks Russian from the locale', () => {
    expect(defaultLang({ LANG: 'ru_RU.UTF-8' })).toBe('ru');
    expect(defaultLang({ LC_ALL: 'en_US.UTF-8', LANG: 'ru_RU.UTF-8' })).toBe('en');
    expect(defaultLang({})).toBe('en');
  });
});
