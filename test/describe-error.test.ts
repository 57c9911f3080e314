/** Every failure as the lines an operator reads: a message, details, a hint; never a trace, never a password. */
import { describe, expect, it } from 'vitest';
import { errorLines } from '../source/text/describe-error.js';
import { BugError, ConnectError, InterruptedError, LockTimeoutError, ReportError, RunError, SchemaError, UsageError } from '../source/common/errors.js';
import { messages } from '../source/i18n/index.js';

const en = messages('en');
const ru = messages('ru');

describe('describeError', () => {
  it.each([
    [new UsageError('missing-url', { side: 'prod' }), ['❌ No prod database URL.', expect.stringMatching(/^💡 --sandbox-url/)]],
    [
      new ConnectError('auth', 'sandbox', 'postgresql://u:***@h/db', 'password authentication failed for user "u"'),
      [
        '❌ Wrong user name or password for the sandbox database: postgresql://u:***@h/db',
        '   password authentication failed for user "u"',
        expect.stringMatching(/^💡 Check the credentials/),
      ],
    ],
    [
      new SchemaError([{ side: 'prod', kind: 'missing-column', table: 'Lessons', column: 'duration' }]),
      ['❌ The database schema is not what lesson-sync needs (1 problem):', '  • prod: column "Lessons".duration is missing', expect.stringMatching(/^💡/)],
    ],
    [
      new LockTimeoutError(120, { side: 'prod', target: { kind: 'table', name: '"Lessons"' }, holders: [{ pid: 7, user: 'ops', application: 'psql', client: null, state: 'idle in transaction', since: '10:00:00' }], waitedMs: 120_000, limitSeconds: 120 }),
      [
        '❌ Gave up after 120 s waiting for table "Lessons" in prod, held by pid 7 (ops, psql, in a transaction since 10:00:00): nothing was written to prod.',
        expect.stringMatching(/^💡 Let that transaction finish/),
      ],
    ],
    [new LockTimeoutError(5, undefined), ['❌ Gave up after 5 s waiting for a lock: nothing was written to prod.', expect.any(String)]],
    [new RunError('read-only', 'prod', 'cannot execute INSERT in a read-only transaction'), ['❌ Prod is read-only: cannot execute INSERT in a read-only transaction', expect.stringMatching(/^💡 Nothing was written/)]],
    [new InterruptedError(true, 'SIGTERM'), ['❌ Stopped by SIGTERM: the transaction was rolled back, prod is as it was before.']],
    [new InterruptedError(false), ['❌ Interrupted: nothing was written to prod.']],
    [
      new ReportError({ created: 2, updated: 1, tasksCopied: 4 }, 'r.json', Object.assign(new Error('x'), { code: 'ENOSPC' })),
      ['❌ Committed to prod (2 created, 1 updated, 4 tasks copied), but the report could not be written to r.json: ENOSPC', expect.stringMatching(/^💡 The sync itself is done/)],
    ],
  ])('%s', (error, lines) => {
    expect(errorLines(error, en)).toEqual(lines);
  });

  it('gives every exit code its meaning', () => {
    expect(new UsageError('same-database').exitCode).toBe(2);
    expect([new LockTimeoutError(1, undefined), new RunError('privilege', 'prod', ''), new ConnectError('unresponsive', 'prod', '', '')].map((e) => e.exitCode)).toEqual([3, 3, 3]);
    expect(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'].map((s) => new InterruptedError(true, s as never).exitCode)).toEqual([130, 143, 129, 141]);
  });

  it('words a bug as unexpected, masks any URL in it, and escapes control characters', () => {
    const lines = errorLines(new BugError('lost row of postgresql://u:hunter2@h/db \u001b[2J'), en);
    expect(lines[0]).toBe('❌ Unexpected failure: lost row of postgresql://u:***@h/db \\u001b[2J');
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('speaks Russian too', () => {
    expect(errorLines(new RunError('privilege', 'prod', 'permission denied'), ru)[0]).toBe('❌ У пользователя прода нет прав на запись: permission denied');
  });
});
