/**
 * Every way libpq lets an operator name a database, end to end through the CLI against
 * the real server: the URL's password, PGPASSWORD, ~/.pgpass, keyword/value strings and
 * the Unix socket. CI sets TEST_DATABASE_URL (and lets its role in over the socket).
 */
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prodSchool, sandboxSchool } from '../../source/demo/school.js';
import { createPair, onServer, serverUrl, type DbPair } from '../helpers/databases.js';
import { runCli } from '../helpers/run.js';

describe.runIf(onServer)('connection strings, as libpq takes them', () => {
  let pair: DbPair;
  let server: URL;
  let socketDir: string;
  const database = (side: 'sandbox' | 'prod') => new URL(pair.urls[side]).pathname.slice(1);
  const withoutPassword = (side: 'sandbox' | 'prod') => {
    const u = new URL(pair.urls[side]);
    u.password = '';
    return u.toString();
  };
  /** a dry run of the demo school: exit 1 (it has lessons in error), the plan on stdout */
  const dryRun = (sandbox: string, prod: string, env: NodeJS.ProcessEnv = {}) =>
    runCli(['--plain', '--dry-run', '--sandbox-url', sandbox, '--prod-url', prod], { HOME: mkdtempSync(join(tmpdir(), 'lsync-home-')), ...env });

  beforeAll(async () => {
    pair = await createPair();
    await pair.reset({ sandbox: sandboxSchool, prod: prodSchool });
    server = new URL(serverUrl!);
    // where Debian's server (and most others) put the socket; CI runs on the same machine
    const dir = ['/var/run/postgresql', '/tmp'].find((d) => existsSync(join(d, `.s.PGSQL.${server.port || 5432}`)));
    if (!dir) throw new Error('the test server has no Unix socket in /var/run/postgresql or /tmp');
    socketDir = dir;
  });
  afterAll(() => pair.drop());

  it('takes the password from PGPASSWORD when the URL has none', async () => {
    const run = await dryRun(withoutPassword('sandbox'), withoutPassword('prod'), { PGPASSWORD: decodeURIComponent(server.password) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('📊 Found 12 lessons');
  });

  it('takes the password from ~/.pgpass, as libpq matches its lines', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lsync-home-'));
    const pgpass = join(home, '.pgpass');
    const escaped = decodeURIComponent(server.password).replace(/\\/g, '\\\\').replace(/:/g, '\\:');
    writeFileSync(pgpass, `# ours\nother-host:*:*:*:wrong\n${server.hostname}:${server.port || 5432}:*:${server.username}:${escaped}\n`);
    chmodSync(pgpass, 0o600);
    const run = await dryRun(withoutPassword('sandbox'), withoutPassword('prod'), { HOME: home });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
  });

  it('says plainly when the server wants a password and none was given anywhere', async () => {
    const run = await dryRun(withoutPassword('sandbox'), pair.urls.prod);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('The sandbox server asks for a password and none was given');
    expect(run.stderr).toContain('PGPASSWORD');
    expect(run.stderr).not.toMatch(/SASL|must be a string/);
  });

  it('takes keyword/value strings, the password quoted, and never prints it', async () => {
    const password = decodeURIComponent(server.password);
    const kv = (side: 'sandbox' | 'prod') =>
      `host=${server.hostname} port=${server.port || 5432} dbname=${database(side)} user=${server.username} password='${password.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' sslmode=disable`;
    const run = await dryRun(kv('sandbox'), kv('prod'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('password=***');
    expect(run.stdout + run.stderr).not.toContain(password);
  });

  it('reaches the server through its Unix socket (?host=/dir)', async () => {
    const socket = (side: 'sandbox' | 'prod') => `postgresql://${server.username}@/${database(side)}?host=${encodeURIComponent(socketDir)}&port=${server.port || 5432}`;
    const run = await dryRun(socket('sandbox'), socket('prod'), { PGPASSWORD: decodeURIComponent(server.password) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('📊 Found 12 lessons');
  });

  it('refuses the same database reached once by TCP and once by the socket (exit 2)', async () => {
    const socket = `postgresql://${server.username}@/${database('prod')}?host=${encodeURIComponent(socketDir)}&port=${server.port || 5432}`;
    const run = await dryRun(socket, pair.urls.prod, { PGPASSWORD: decodeURIComponent(server.password) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('point to the same database');
  });
});
