import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../source/engine/summary.js';
import { LessonJson, reportChunks, writeReport, type ReportInput } from '../source/storage/report.js';
import { syntheticEntries } from './helpers/entries.js';

function input(count: number, planned = true): ReportInput {
  const entries = syntheticEntries(count);
  return {
    mode: planned ? 'dry-run' : 'apply',
    sandbox: 'postgresql://u:***@db1:5432/sandbox',
    prod: 'postgresql://u:***@db2:5432/prod',
    startedAt: new Date('2026-01-02T03:04:05Z'),
    finishedAt: new Date('2026-01-02T03:04:06Z'),
    summary: summarize(entries, planned),
    entries,
    planned,
  };
}

describe('the JSON report', () => {
  it('is the SPEC §6 document, one lesson a line, for no lessons, one, and several', () => {
    for (const count of [0, 1, 7]) {
      const text = [...reportChunks(input(count))].join('');
      const report = JSON.parse(text);
      expect(report).toMatchObject({ version: 1, mode: 'dry-run', prod: 'postgresql://u:***@db2:5432/prod', startedAt: '2026-01-02T03:04:05.000Z' });
      expect(report.summary.lessons).toBe(count);
      expect(report.lessons).toHaveLength(count);
      const lines = text.split('\n').filter((line) => line.includes('"sandboxLessonId"'));
      expect(lines).toHaveLength(count);
    }
    const [create] = JSON.parse([...reportChunks(input(1))].join('')).lessons;
    expect(create).toEqual({
      sandboxLessonId: 1,
      platformId: 'pid-0000',
      studentName: 'Student 0',
      lessonDate: '2025-01-01 10:00:00',
      duration: 60,
      action: 'create',
      reason: null,
      prodLessonId: null,
      fieldsFilled: [],
      tasksCopied: 1,
      tasksMissingInProd: [],
      message: null,
    });
  });

  it('counts the tasks written after apply, the tasks planned before', () => {
    const applied = JSON.parse([...reportChunks(input(1, false))].join(''));
    expect(applied.mode).toBe('apply');
    expect(applied.lessons[0].tasksCopied).toBe(0);
  });

  it('writes a big report in pieces to its path, leaving no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lsync-report-'));
    const path = join(dir, 'report.json');
    writeReport(path, input(20_000));
    expect(JSON.parse(readFileSync(path, 'utf8')).lessons).toHaveLength(20_000);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('writes each lesson as JSON.stringify would, hostile text escaped, whatever repeats from lesson to lesson', () => {
    const hostile = 'Ann \u001b[2J\u009b31m "quoted" \\ \u2028 ✓';
    const entries = syntheticEntries(6);
    entries[1] = { ...entries[1]!, studentName: hostile, platformId: hostile, message: `db said: ${hostile}`, tasksMissingInProd: [3, 4] };
    entries[2] = { ...entries[2]!, studentName: null, platformId: null, lessonDate: '2025-01-02 03:04:05.123456', duration: null };
    entries[3] = { ...entries[3]!, studentName: hostile, platformId: hostile, fieldsFilled: entries[1]!.fieldsFilled };
    entries[4] = { ...entries[4]!, lessonDate: `infinity ${hostile}`, prodLessonId: 2 ** 40 };
    for (const planned of [true, false]) {
      const json = new LessonJson(planned);
      for (const entry of [...entries, ...entries]) {
        const line = json.line(entry);
        const expected = {
          sandboxLessonId: entry.sandboxLessonId,
          platformId: entry.platformId,
          studentName: entry.studentName,
          lessonDate: entry.lessonDate,
          duration: entry.duration,
          action: entry.action,
          reason: entry.reason,
          prodLessonId: entry.prodLessonId,
          fieldsFilled: entry.fieldsFilled,
          tasksCopied: planned ? entry.tasksToCopy.length : entry.tasksCopied,
          tasksMissingInProd: entry.tasksMissingInProd,
          message: entry.message,
        };
        // the same text as the object's JSON, but for DEL and the C1 controls, escaped
        expect(line).toBe(JSON.stringify(expected).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }
    }
  });
});
