/** The README's quick start, as printed, where it needs no server: what it promises as JSON is JSON. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const env = { PATH: process.env.PATH, LANG: 'en_US.UTF-8', XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'lsync-quick-')) };

/** The demo's preview as a report on stdout: the summary its plan predicts (lesson 12: prod's CHECK). */
function expectDemoReport(stdout: string): void {
  const report = JSON.parse(stdout);
  expect(report).toMatchObject({ mode: 'dry-run', summary: { lessons: 12, created: 2, updated: 2, errors: 3 } });
}

describe("the README's quick start", () => {
  it('npm start --silent -- --demo --plain --dry-run --report -: the report alone on stdout, valid JSON', () => {
    const run = spawnSync('npm', ['start', '--silent', '--', '--demo', '--plain', '--dry-run', '--report', '-'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1); // the demo has lessons in error
    expectDemoReport(run.stdout);
    expect(run.stderr).toContain('Dry run: nothing was written');
  });

  it('lesson-sync --demo --plain --dry-run --report - (the bin): the same', () => {
    const run = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), '--demo', '--plain', '--dry-run', '--report', '-'], { env, encoding: 'utf8', timeout: 60_000 });
    expectDemoReport(run.stdout);
  });
});
