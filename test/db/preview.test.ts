/**
 * The preview (Session's Preview): the plan's first lessons, planned from their own rows
 * before the rest is read, are the plan's first lessons as the full plan has them.
 */
import { describe, expect, it } from 'vitest';
import type { Filters } from '../../source/core/config.js';
import { prodSql, sandboxSql } from '../../bench/generate.js';
import type { Selection } from '../../source/engine/selection.js';
import type { PlanEntry } from '../../source/engine/types.js';
import { parseTargets, Session, type Preview, type SessionEvent } from '../../source/sync/session.js';
import { demoSchoolPerTest } from '../helpers/databases.js';

const school = demoSchoolPerTest();
const EVERY: Filters = { students: [] };

/** What a view is told while planning, and the plan: the preview's entries, the full plan's. */
async function planWatched(filters: Filters, preview: Preview | undefined, selection?: Selection) {
  const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
  const events: SessionEvent['type'][] = [];
  let previewed: PlanEntry[] | undefined;
  let previewAll: PlanEntry[] | undefined;
  session.subscribe((event) => {
    if (event.type === 'preview') {
      previewed = event.entries;
      previewAll = [...event.all];
    }
    if (events.at(-1) !== event.type) events.push(event.type);
  });
  try {
    const plan = await session.plan(filters, selection, preview);
    return { previewed, previewAll, entries: [...plan.entries], events, queries: session.queryCounts() };
  } finally {
    await session.close();
  }
}

/** An entry as a report would show it (its TaskList as the task rows it copies). */
const shown = (entry: PlanEntry) => JSON.stringify({ ...entry, tasksToCopy: entry.tasksToCopy.ids() });

describe('the preview of the first lessons', () => {
  it('is the full plan\'s first lessons, whatever their number, every status of the demo school among them', async () => {
    const whole = await planWatched(EVERY, undefined);
    expect(new Set(whole.entries.map((e) => e.reason ?? e.action)).size).toBeGreaterThanOrEqual(8);
    for (let lessons = 1; lessons <= whole.entries.length + 1; lessons++) {
      const run = await planWatched(EVERY, { lessons, whenAtLeast: 0 });
      expect(run.entries.map(shown)).toEqual(whole.entries.map(shown));
      const first = whole.entries.slice(0, lessons).map(shown);
      expect(run.previewed!.map(shown)).toEqual(first);
      expect(run.previewAll!.map(shown)).toEqual(first);
      // told while the sandbox is read, before the plan's own slices
      expect(run.events).toEqual(['stage', 'preview', 'stage', 'planned']);
    }
  });

  it('takes the filters and the operator\'s choice as the plan does', async () => {
    const filters: Filters = { students: ['student_123', 'student_456'], since: '2025-01-08', until: '2025-01-20' };
    const selection: Selection = { only: undefined, exclude: new Set([3]) };
    const whole = await planWatched(filters, undefined, selection);
    expect(whole.entries.length).toBeGreaterThan(2);
    expect(whole.entries.some((e) => e.reason === 'excluded')).toBe(true);
    const run = await planWatched(filters, { lessons: whole.entries.length - 1, whenAtLeast: 0 }, selection);
    expect(run.previewed!.map(shown)).toEqual(whole.entries.slice(0, -1).map(shown));
  });

  it('matches the plan over a few thousand lessons and their tasks', async () => {
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 3000 }), prod: prodSql({ lessons: 3000 }) });
    const run = await planWatched(EVERY, { lessons: 500, whenAtLeast: 0 });
    expect(run.entries).toHaveLength(3000);
    expect(new Set(run.previewed!.map((e) => e.action))).toEqual(new Set(['create', 'update', 'skip']));
    expect(run.previewed!.reduce((n, e) => n + e.tasksToCopy.length, 0)).toBeGreaterThan(500);
    expect(run.previewed!.map(shown)).toEqual(run.entries.slice(0, 500).map(shown));
  });

  it('is left out below its size, and when nobody listens: the plan pays nothing for it', async () => {
    const whole = await planWatched(EVERY, undefined);
    const small = await planWatched(EVERY, { lessons: 5, whenAtLeast: 1000 });
    expect(small.previewed).toBeUndefined();
    expect(small.events).not.toContain('preview');
    expect(small.queries).toEqual({ sandbox: whole.queries.sandbox + 1, prod: whole.queries.prod }); // the count alone
    const previewed = await planWatched(EVERY, { lessons: 5, whenAtLeast: 0 });
    expect(previewed.queries.prod).toBeGreaterThan(whole.queries.prod);

    const unheard = async (preview: Preview | undefined) => {
      const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
      try {
        const before = session.queryCounts();
        await session.plan(EVERY, undefined, preview);
        const after = session.queryCounts();
        return { sandbox: after.sandbox - before.sandbox, prod: after.prod - before.prod };
      } finally {
        await session.close();
      }
    };
    expect(await unheard({ lessons: 5, whenAtLeast: 0 })).toEqual(await unheard(undefined));
  });

  // its scans have parallel workers; the plan's long reads must not (client.ts)
  it('leaves the sandbox session without parallel workers once it is read', async () => {
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    const workers = async () => (await session.sandboxDb.query<{ w: string }>('SELECT current_setting(\'max_parallel_workers_per_gather\') AS w')).rows[0]!.w;
    let previewed = false;
    session.subscribe((event) => {
      if (event.type === 'preview') previewed = true;
    });
    try {
      expect(await workers()).toBe('0');
      await session.plan(EVERY, undefined, { lessons: 3, whenAtLeast: 0 });
      expect(previewed).toBe(true);
      expect(await workers()).toBe('0');
    } finally {
      await session.close();
    }
  });
});
