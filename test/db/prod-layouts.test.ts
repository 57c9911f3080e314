/**
 * SPEC §2: prod as real platforms lay it out. A partitioned "Lessons" is read and written like
 * a plain table; row-level security that hides rows from the connecting user is a schema
 * error before anything is read (its hidden lessons would be created twice).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformSchema } from '../../source/demo/platform-schema.js';
import { prodSchool, sandboxSchool } from '../../source/demo/school.js';
import { runUndoPlain } from '../../source/plain/undo.js';
import { createPair, onServer, type DbPair } from '../helpers/databases.js';
import { runSync, tempPath, testConfig } from '../helpers/run.js';

let pair: DbPair;
beforeAll(async () => {
  pair = await createPair();
});
afterAll(async () => {
  await pair.drop();
});

const prodTables = platformSchema({ prodChecks: true });
const prodRows = prodSchool.slice(prodTables.length);

/**
 * prod's "Lessons" partitioned by lesson_date: two ranges and a default partition (the key
 * must hold lesson_date); its "LessonTasks" by a hash of their id.
 */
const partitionedProd =
  prodTables
    .replace('lesson_id               SERIAL PRIMARY KEY,', 'lesson_id               SERIAL,')
    .replace(/(updated_at\s+TIMESTAMP\n)\);/, '$1    , PRIMARY KEY (lesson_id, lesson_date)\n) PARTITION BY RANGE (lesson_date);')
    .replace('REFERENCES "Lessons"(lesson_id)', '')
    .replace(/(submission_correct BOOLEAN\n)\);/, '$1) PARTITION BY HASH (lesson_task_id);') +
  `
CREATE TABLE "LessonTasks_0" PARTITION OF "LessonTasks" FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE "LessonTasks_1" PARTITION OF "LessonTasks" FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE "Lessons_2024" PARTITION OF "Lessons" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE "Lessons_2025" PARTITION OF "Lessons" FOR VALUES FROM ('2025-01-01') TO ('2025-01-10');
CREATE TABLE "Lessons_default" PARTITION OF "Lessons" DEFAULT;
CREATE INDEX ON "LessonTasks" (lesson_id);
${prodRows}`;

describe('a partitioned prod "Lessons"', () => {
  it('plans, applies, re-runs, follows a saved plan and undoes exactly as a plain table', async () => {
    await pair.reset({ sandbox: sandboxSchool, prod: prodSchool });
    const plain = await runSync(pair);
    await pair.reset({ sandbox: sandboxSchool, prod: partitionedProd });
    const layout = await pair.query<{ kind: string }>('prod', `SELECT relkind::text AS kind FROM pg_class WHERE relname IN ('Lessons', 'LessonTasks')`);
    expect(layout).toEqual([{ kind: 'p' }, { kind: 'p' }]);
    const before = await pair.checksum('prod');

    const dry = await runSync(pair, { dryRun: true });
    expect(dry.err).toBe('');
    const undoPath = tempPath('undo.json');
    const applied = await runSync(pair, { undoPath });
    expect(applied.err).toBe('');
    expect(applied.report.summary).toEqual(plain.report.summary);
    expect(applied.report.summary).toMatchObject({ created: 2, updated: 2 });
    // the creates landed in their partitions, dates and all
    const landed = await pair.query<{ part: string; n: number }>(
      'prod',
      `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM "Lessons" WHERE lesson_id > 1000 GROUP BY 1 ORDER BY 1`,
    );
    expect(landed).toEqual([
      { part: '"Lessons_2025"', n: 1 },
      { part: '"Lessons_default"', n: 1 },
    ]);
    const [tasks] = await pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "LessonTasks" WHERE lesson_task_id > 100`);
    expect(tasks!.n).toBe(applied.report.summary.tasksCopied);
    const again = await runSync(pair);
    expect(again.report.summary).toMatchObject({ created: 0, updated: 0 });

    const out: string[] = [];
    const undone = await runUndoPlain(testConfig(pair, { reportPath: undefined }), undoPath, { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(undone).toBe(0);
    expect(await pair.checksum('prod')).toBe(before);

    const planPath = tempPath('plan.json');
    await runSync(pair, { dryRun: true, savePlanPath: planPath });
    const followed = await runSync(pair, { applyPlanPath: planPath });
    expect(followed.err).toBe('');
    expect(followed.report.summary).toMatchObject({ created: 2, updated: 2 });
  });
});

describe('prod triggers', () => {
  it('are listed on the checks of the plain log: what they do is not in the preview', async () => {
    await pair.reset({
      sandbox: sandboxSchool,
      prod: `${prodSchool}
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON "Lessons" FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER audit_tasks AFTER INSERT OR DELETE ON "LessonTasks" FOR EACH ROW EXECUTE FUNCTION set_updated_at();
ALTER TABLE "LessonTasks" DISABLE TRIGGER audit_tasks;`,
    });
    const run = await runSync(pair, { dryRun: true });
    expect(run.out).toContain('⚠️ prod runs trigger set_updated_at BEFORE UPDATE on "Lessons": its effects are not in the preview');
    // a disabled trigger does nothing: not listed
    expect(run.out).not.toContain('audit_tasks');
  });
});

describe.runIf(onServer)('row-level security in prod', () => {
  const hideLegacy = `
ALTER TABLE "Lessons" ADD COLUMN source VARCHAR(30) NOT NULL DEFAULT 'platform';
UPDATE "Lessons" SET source = 'legacy' WHERE lesson_id IN (505, 506);
ALTER TABLE "Lessons" ENABLE ROW LEVEL SECURITY;
CREATE POLICY hide_legacy ON "Lessons" USING (source <> 'legacy');`;

  it('that applies to the user: a schema error naming the table and the policy, exit 3, nothing written', async () => {
    // FORCE: the policy applies to the table's owner too (the test's user owns the table)
    await pair.reset({ sandbox: sandboxSchool, prod: `${prodSchool}${hideLegacy}\nALTER TABLE "Lessons" FORCE ROW LEVEL SECURITY;` });
    const before = await pair.checksum('prod');
    const run = await runSync(pair);
    expect(run.code).toBe(3);
    expect(run.err).toContain('row-level security on "Lessons" hides rows from this user (policy hide_legacy)');
    expect(run.err).toContain('would be created twice');
    expect(await pair.checksum('prod')).toBe(before);
  });

  it('that does not apply to the user (the owner, not forced): syncs, the hidden-to-others lessons matched, none twice', async () => {
    await pair.reset({ sandbox: sandboxSchool, prod: `${prodSchool}${hideLegacy}` });
    const run = await runSync(pair);
    expect(run.err).toBe('');
    expect(run.report.summary).toMatchObject({ created: 2, updated: 2 });
    const [twice] = await pair.query<{ n: number }>('prod', `SELECT count(*)::int AS n FROM "Lessons" WHERE lesson_date = '2025-01-07 18:00:00'`);
    expect(twice!.n).toBe(1);
  });
});
