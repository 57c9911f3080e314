/** SPEC §10, headless: --lesson and --exclude-lesson choose what is written; the rest ends `excluded`. */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../source/core/config.js';
import { applySelection, unknownLessons } from '../source/engine/selection.js';
import { summarize } from '../source/engine/summary.js';
import { UsageError } from '../source/common/errors.js';
import { demoSchoolPerTest } from './helpers/databases.js';
import { syntheticEntries } from './helpers/entries.js';
import { runCli, runSync } from './helpers/run.js';

describe('a selection', () => {
  it('leaves out only creates and updates it does not choose, and names ids the plan lacks', () => {
    const entries = syntheticEntries(5); // 1 create, 2 update, 3 filled, 4 not found, 5 error
    const only = applySelection(entries, { only: new Set([2, 3]), exclude: new Set() });
    expect(only.map((e) => [e.action, e.reason])).toEqual([
      ['skip', 'excluded'],
      ['update', null],
      ['skip', 'filled'],
      ['skip', 'student-not-found'],
      ['error', 'ambiguous-match'],
    ]);
    expect(only[0]!.tasksToCopy.length).toBe(0);
    expect(only[1]).toBe(entries[1]); // the chosen stay the same objects
    expect(summarize(only, true)).toMatchObject({ created: 0, updated: 1, skipped: 3, excluded: 1 });
    expect(applySelection(entries, { only: undefined, exclude: new Set([2]) })[1]).toMatchObject({ action: 'skip', reason: 'excluded' });
    expect(unknownLessons(entries, { only: new Set([2, 77]), exclude: new Set([88, 77]) })).toEqual([77, 88]);
  });

  it('reads the flags, and refuses an id that is not a number (exit 2)', () => {
    expect(resolveConfig({ lesson: ['3', ' 5'], excludeLesson: ['7'] }, {}, '/').selection).toEqual({ only: new Set([3, 5]), exclude: new Set([7]) });
    expect(() => resolveConfig({ excludeLesson: ['abc'] }, {}, '/')).toThrow(UsageError);
  });
});

describe('choosing lessons headless', () => {
  const school = demoSchoolPerTest();

  it('--exclude-lesson: prod gets the others, the report says excluded, the log counts it', async () => {
    const run = await runSync(school.pair, { selection: { only: undefined, exclude: new Set([1]) } });
    expect(run.code).toBe(1); // the demo's errors still stand
    expect(run.report.summary).toMatchObject({ created: 1, updated: 2, excluded: 1 });
    expect(run.report.lessons.find((l: any) => l.sandboxLessonId === 1)).toMatchObject({ action: 'skip', reason: 'excluded', prodLessonId: null, tasksCopied: 0 });
    expect(run.out).toContain('⏭️ Left out by you, skipping');
    expect(run.out).toContain('⏭️  Left out by you: 1');
    const [left] = await school.pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE lesson_date = '2025-01-15 14:00:00'`);
    expect(left!.n).toBe(0);
    const [kept] = await school.pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE lesson_date = '2025-01-09 12:00:00.25'`);
    expect(kept!.n).toBe(1);
  });

  it('--lesson: only that lesson is written; an id the sandbox does not hold is named (exit 2), nothing written', async () => {
    const before = await school.pair.checksum('prod');
    const unknown = await runCli(['--plain', '--yes', '--lesson', '3', '--exclude-lesson', '99999', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No such sandbox lesson (among the lessons the filters keep): 99999');
    expect(await school.pair.checksum('prod')).toBe(before);

    const only = await runCli(['--plain', '--yes', '--lesson', '3', '--sandbox-url', school.pair.urls.sandbox, '--prod-url', school.pair.urls.prod]);
    expect(only.stderr).toBe('');
    expect(only.stdout).toContain('✅ Synced: 1');
    expect(only.stdout).toContain('Left out by you: 3');
    const [updated] = await school.pair.query<{ topic: string }>('prod', `SELECT topic FROM "Lessons" WHERE lesson_id = 502`);
    expect(updated!.topic).toBe('Тригонометрия');
    const [created] = await school.pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE lesson_id > 1000`);
    expect(created!.n).toBe(0);
  });
});
