/** A lesson's details read its values as each database prints them, and a long one capped in transfer. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseTargets, Session } from '../../source/sync/session.js';
import { demoSchoolPerTest } from '../helpers/databases.js';

const school = demoSchoolPerTest();
const sessions: Session[] = [];
afterEach(async () => Promise.all(sessions.splice(0).map((s) => s.close())));

describe("a lesson's values for its details", () => {
  it('are the databases\' own text (a timestamp with a space), and a 70,000-character text comes as its first 65,536 with its length', async () => {
    await school.pair.query('sandbox', `UPDATE "Lessons" SET notes = repeat('я', 70000) WHERE lesson_id = 1`);
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    sessions.push(session);
    const plan = await session.plan({ students: [] });
    const lesson = [...plan.entries].find((e) => e.sandboxLessonId === 1)!;
    const values = await session.lessonValues(lesson);
    expect(values.sandbox!.values.created_at).toBe('2025-01-15 15:05:00');
    expect(values.sandbox!.values.notes).toHaveLength(65_536);
    expect(values.sandbox!.lengths).toEqual({ notes: 70_000 });
    expect(values.sandbox!.values.homework_result_percent).toBeNull();
  });
});
