import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prodSchool, sandboxSchool } from '../source/demo/school.js';
import { connectDb } from '../source/db/client.js';
import { parseDbUrl } from '../source/common/db-url.js';
import { ConnectError } from '../source/common/errors.js';
import { createPair, onServer, type DbPair } from './helpers/databases.js';
import { runCli, startCli, tempPath } from './helpers/run.js';
import { closedPort, startSilentServer } from './helpers/silent-server.js';
import { waitFor } from './helpers/wait.js';

let pair: DbPair;
beforeAll(async () => {
  pair = await createPair();
  await pair.reset({ sandbox: sandboxSchool, prod: prodSchool });
});
afterAll(async () => {
  await pair.drop();
});

const noTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe('usage', () => {
  it('prints help with examples and the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run');
    expect(help.stdout).toContain('Examples');
    const ru = await runCli(['--help'], { LANG: 'ru_RU.UTF-8' });
    expect(ru.stdout).toContain('Примеры');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toBe('0.1.0');
  });

  it('lets --help, -h and --version win over every other flag, touching no database', async () => {
    const port = await closedPort();
    const dead = `postgresql://u:p@127.0.0.1:${port}/x`;
    for (const flag of ['--help', '-h']) {
      const run = await runCli(['--sandbox-url', dead, '--prod-url', dead, '--yes', '--frobnicate', flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('--dry-run');
      expect(run.stderr).toBe('');
    }
    const ru = await runCli(['--yes', '-h', '--lang', 'ru']);
    expect(ru.stdout).toContain('Примеры');
    const version = await runCli(['--prod-url', dead, '--yes', '--version']);
    expect([version.code, version.stdout.trim(), version.stderr]).toEqual([0, '0.1.0', '']);
  });

  it('rejects an unknown flag with exit 2: one line, in the chosen language, with the flag meant', async () => {
    const run = await runCli(['--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('❌ Unknown flag --frobnicate. lesson-sync --help lists them.\n');
    const near = await runCli(['--dryrun', '--sandbox-url', pair.urls.sandbox]);
    expect(near.stderr).toBe('❌ Unknown flag --dryrun. Did you mean --dry-run? lesson-sync --help lists them.\n');
    const ru = await runCli(['--lang', 'ru', '--prod-ulr', 'x']);
    expect(ru.code).toBe(2);
    expect(ru.stderr).toBe('❌ Неизвестный флаг --prod-ulr. Может быть, --prod-url? lesson-sync --help перечислит все.\n');
    noTrace(run.stderr);
  });

  it('takes `help` and -V as users type them; --help fits 80 columns in both languages', async () => {
    const help = await runCli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage');
    expect((await runCli(['-V'])).stdout.trim()).toBe('0.1.0');
    for (const lang of ['en', 'ru']) {
      const text = (await runCli(['--help', '--lang', lang])).stdout;
      expect(text.split('\n').filter((line) => [...line].length > 80)).toEqual([]);
    }
  });

  it('without a terminal and without URLs, says the URL is missing (not how to write)', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No sandbox database URL');
  });

  it('says when the filters keep no lesson, and what they were', async () => {
    const run = await runCli(['--plain', '--dry-run', '--student', 'nobody-has-this', '--sandbox-url', pair.urls.sandbox, '--prod-url', pair.urls.prod]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('⚠️ No sandbox lesson matches --student nobody-has-this (the sandbox holds 12 lessons)');
  });

  it('refuses to write without --yes when there is no terminal (exit 2)', async () => {
    const run = await runCli(['--sandbox-url', pair.urls.sandbox, '--prod-url', pair.urls.prod]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nothing will be written without --yes');
    expect(run.stdout).toBe('');
  });

  it('asks for the URLs it lacks, and explains a bad one without showing its password (exit 2)', async () => {
    const missing = await runCli(['--dry-run', '--prod-url', pair.urls.prod]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No sandbox database URL');
    const bad = await runCli(['--dry-run', '--sandbox-url', 'mysql://root:TopSecret1@db/x', '--prod-url', pair.urls.prod]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must start with postgresql://');
    expect(bad.stderr).not.toContain('TopSecret1');
    noTrace(bad.stderr);
  });

  it('refuses the same database given as localhost and 127.0.0.1 (exit 2)', async () => {
    const alias = pair.urls.prod.replace('127.0.0.1', 'localhost');
    expect(alias).not.toBe(pair.urls.prod);
    const run = await runCli(['--dry-run', '--sandbox-url', alias, '--prod-url', pair.urls.prod]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('point to the same database');
  });
});

describe('connection failures', () => {
  it('says a port is closed (exit 3) with a hint', async () => {
    const port = await closedPort();
    const run = await runCli(['--dry-run', '--sandbox-url', `postgresql://u:Hush123@127.0.0.1:${port}/s`, '--prod-url', pair.urls.prod]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('refused the connection');
    expect(run.stderr).toContain('💡');
    expect(run.stderr).not.toContain('Hush123');
    noTrace(run.stderr);
  });

  it('says a host name does not resolve (exit 3)', async () => {
    const run = await runCli(['--dry-run', '--sandbox-url', 'postgresql://u:p@no-such-host.invalid/s', '--prod-url', pair.urls.prod]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Cannot resolve the sandbox host');
  });

  it('gives up on a host that never answers within the connect timeout', async () => {
    const silent = await startSilentServer();
    try {
      const url = parseDbUrl(`postgresql://u:p@127.0.0.1:${silent.port}/s?sslmode=disable`, 'prod');
      const started = Date.now();
      const error = await connectDb(url, 'prod', { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await silent.close();
    }
  });

  it.runIf(onServer)('says the password is wrong (exit 3), never showing it', async () => {
    const wrong = new URL(pair.urls.sandbox);
    wrong.password = 'Wrong-Pa55word';
    const run = await runCli(['--dry-run', '--sandbox-url', wrong.toString(), '--prod-url', pair.urls.prod]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Wrong user name or password for the sandbox database');
    expect(run.stderr + run.stdout).not.toContain('Wrong-Pa55word');
  });
});

describe('secrets', () => {
  it('never prints or reports the password', async () => {
    const secret = onServer ? new URL(pair.urls.prod).password : 'Zq-Unique-S3cret';
    const withSecret = (url: string) => {
      const u = new URL(url);
      u.password = secret;
      return u.toString();
    };
    const report = tempPath('r.json');
    const run = await runCli([
      '--dry-run',
      '--sandbox-url',
      withSecret(pair.urls.sandbox),
      '--prod-url',
      withSecret(pair.urls.prod),
      '--report',
      report,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(':***@');
    const text = readFileSync(report, 'utf8');
    expect(JSON.parse(text).prod).toContain(':***@');
    for (const output of [run.stdout, run.stderr, text]) expect(output).not.toContain(secret);
  });
});

describe('interrupts and the demo', () => {
  it('exits 130 on Ctrl+C before anything is written', async () => {
    const silent = await startSilentServer();
    try {
      const run = startCli(['--plain', '--yes', '--sandbox-url', `postgresql://u:p@127.0.0.1:${silent.port}/s?sslmode=disable`, '--prod-url', pair.urls.prod]);
      await waitFor(() => run.output.stdout.includes('Connecting'), 'the CLI to start connecting');
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(run.output.stderr).toContain('Interrupted: nothing was written');
    } finally {
      await silent.close();
    }
  });

  it('runs the demo in plain dry-run mode with every status', async () => {
    const run = await runCli(['--demo', '--plain', '--dry-run']);
    expect(run.code).toBe(1);
    for (const text of ['➕', '🔄', '✅ Lesson already exists and is filled', '⏭️', '❌', '⚠️ Tasks not found in prod', 'Dry run: nothing was written']) {
      expect(run.stdout).toContain(text);
    }
  });
});
