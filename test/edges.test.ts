/**
 * SPEC §3's edges that any PostgreSQL shows (the embedded one too): hostile text from
 * the databases, a report path that cannot be written, a reader that closes stdout.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSchoolPerTest } from './helpers/databases.js';
import { runCli, runSync, startCli, tempPath } from './helpers/run.js';
import { closedPort } from './helpers/silent-server.js';

// C0 (ESC, BEL), an OSC title change, a screen clear, DEL and the one-byte CSI U+009B
const HOSTILE = `'Evil' || chr(27) || ']0;pwned' || chr(7) || chr(27) || '[2J' || chr(127) || chr(155) || '31m'`;
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('edges', () => {
  const school = demoSchoolPerTest();

  it('shows control characters from the databases escaped, reports them escaped, and writes prod the exact bytes', async () => {
    await school.pair.query('sandbox', `UPDATE "Students" SET name = ${HOSTILE} WHERE student_id = 1`);
    await school.pair.query('sandbox', `UPDATE "Students" SET platform_id = 'student_789' || chr(27) || '[1m' WHERE student_id = 3`);
    await school.pair.query('sandbox', `UPDATE "Lessons" SET topic = 'Red ' || chr(27) || '[31mtopic' || chr(155) WHERE lesson_id = 1`);
    const report = tempPath('report.json');
    const run = await runCli(['--plain', '--yes', '--report', report, '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('student Evil\\u001b]0;pwned\\u0007\\u001b[2J\\u007f\\u009b31m (ID: student_123)');
    expect(run.stdout).toContain('No prod student with platform_id student_789\\u001b[1m');

    const text = readFileSync(report, 'utf8');
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain('\\u001b]0;pwned\\u0007');
    expect(text).toContain('\\u009b31m');
    const parsed = JSON.parse(text);
    const created = parsed.lessons.find((l: any) => l.sandboxLessonId === 1);
    expect(created.studentName).toBe('Evil\u001b]0;pwned\u0007\u001b[2J\u007f\u009b31m');

    const [sandbox] = await school.pair.query<{ topic: string }>('sandbox', `SELECT topic FROM "Lessons" WHERE lesson_id = 1`);
    const [prod] = await school.pair.query<{ topic: string }>('prod', `SELECT topic FROM "Lessons" WHERE lesson_id = $1`, [created.prodLessonId]);
    expect(prod!.topic).toBe(sandbox!.topic);
    expect(prod!.topic).toBe('Red \u001b[31mtopic\u009b');
  });

  it('tries the report path before reading anything: a directory is refused (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lsync-report-dir-'));
    const dead = `postgresql://u:p@127.0.0.1:${await closedPort()}/x`;
    for (const path of [dir, join(dir, 'no-such-folder', 'r.json')]) {
      const run = await runCli(['--plain', '--dry-run', '--report', path, '--sandbox-url', dead, '--prod-url', dead]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`Cannot write the report to ${path}`);
      expect(run.stdout).toBe('');
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says what was committed when the report cannot be written after the commit, and leaves no temporary file', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'lsync-report-'));
    const path = join(parent, 'report.json');
    mkdirSync(path); // appears after the early check, as a directory where the report goes
    const run = await runSync(school.pair, { reportPath: path });
    expect(run.code).toBe(1);
    expect(run.err).toContain('Committed to prod (2 created, 2 updated, 9 tasks copied), but the report could not be written');
    expect(run.err).not.toContain('Nothing was committed');
    expect(readdirSync(parent)).toEqual(['report.json']);
    const [lessons] = await school.pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "Lessons"`);
    expect(lessons!.n).toBe(9); // the 7 prod had, and the 2 created
  });

  it('stops without a trace when its reader closes stdout before the first line (a dry run | head)', async () => {
    const run = startCli(['--plain', '--dry-run', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
    run.child.stdout.destroy();
    expect(await run.exited).toBe(141);
    expect(run.output.stderr).toBe('');
  });
});
