/** SPEC §11's gate for scripts: --dry-run --exit-code says "anything to do?"; --report - puts the report on stdout. */
import { describe, expect, it } from 'vitest';
import { demoSchoolPerTest } from './helpers/databases.js';
import { runCli } from './helpers/run.js';

describe('a gate for scripts', () => {
  const school = demoSchoolPerTest();
  const cli = (...args: string[]) => runCli(['--plain', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod, ...args]);

  it('--exit-code: 4 while something would be written, 0 once nothing is left, 1 when lessons are in error', async () => {
    const ivan = ['--student', 'student_123']; // a create and two updates, no errors
    expect((await cli('--dry-run', '--exit-code', ...ivan)).code).toBe(4);
    expect((await cli('--dry-run', ...ivan)).code).toBe(0); // without the flag a dry run keeps 0
    expect((await cli('--yes', ...ivan)).code).toBe(0);
    expect((await cli('--dry-run', '--exit-code', ...ivan)).code).toBe(0);
    expect((await cli('--dry-run', '--exit-code')).code).toBe(1); // the whole school has lessons in error
    const misuse = await cli('--yes', '--exit-code');
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('--exit-code goes with --dry-run');
  });

  it('--report -: the report alone on stdout, as JSON; the log on stderr', async () => {
    const run = await cli('--dry-run', '--report', '-');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ version: 1, mode: 'dry-run', summary: { lessons: 12, created: 2, updated: 2, errors: 3 } });
    expect(report.lessons).toHaveLength(12);
    expect(run.stderr).toContain('📊 Found 12 lessons in the sandbox');
    expect(run.stderr).toContain('Dry run: nothing was written');
  });
});
