/** The undo wizard as a person uses it: checks, the plan, the typed name, the summary. */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDbUrl } from '../../source/common/db-url.js';
import { readUndoFile } from '../../source/storage/undo-file.js';
import { UndoApp } from '../../source/wizard/undo/UndoApp.js';
import type { Config } from '../../source/core/config.js';
import { demoSchoolPerTest, onServer, withClient } from '../helpers/databases.js';
import { frameOf, keys, press, settle, waitFor, waitForText } from '../helpers/ink.js';
import { runSync, tempPath, testConfig } from '../helpers/run.js';

const school = demoSchoolPerTest();
const mounted: { unmount(): void }[] = [];
afterEach(() => mounted.splice(0).forEach((app) => app.unmount()));

async function start(path: string, over: Partial<Config> = {}) {
  const exit: { code?: number; lines: string[] } = { lines: [] };
  const config = testConfig(school.pair, { yes: false, ...over });
  const app = render(
    <UndoApp
      config={config}
      prod={parseDbUrl(config.prodUrl!, 'prod')}
      file={await readUndoFile(path)}
      onExit={(code, lines) => {
        exit.code = code;
        exit.lines = lines;
      }}
    />,
  );
  mounted.push(app);
  return { app, exit, exited: () => waitFor(() => exit.code !== undefined, 'the wizard to exit') };
}

describe('the undo wizard', () => {
  it('shows what it will take back, asks for the prod name, and leaves prod as it was before the sync', async () => {
    const before = await school.pair.checksum('prod');
    const path = tempPath('undo.json');
    await runSync(school.pair, { undoPath: path });
    await school.pair.query('prod', `UPDATE "Lessons" SET notes = 'by a teacher' WHERE lesson_id = 506`);

    const { app, exit, exited } = await start(path);
    await waitForText(app, 'Enter continue to the plan');
    await settle();
    let frame = await press(app, keys.enter, '2/5 Plan');
    expect(frame).toContain('📊 4 lessons in the undo file');
    expect(frame).toContain('➖ 2 ↩️ 1 ⏭️ 1');
    expect(frame).toContain('remove, with 5 tasks');
    expect(frame).toContain('keep: changed since');
    await settle();
    // the name prompt is there at once: what is typed is not lost to an Enter first
    frame = await press(app, 'c', 'Type the prod database name');
    expect(frame).toContain('Confirm the undo');
    expect(frame).toContain('➖ remove 2 lessons · ↩️ restore 1 · ➖ 8 tasks');
    await settle();
    app.stdin.write(parseDbUrl(school.pair.urls.prod, 'prod').database);
    frame = await press(app, keys.enter, '5/5 Summary');
    expect(frame).toContain('Kept, changed since the sync: 1');
    await settle();
    app.stdin.write('q');
    await exited();
    expect(exit.code).toBe(1); // one lesson kept
    await school.pair.query('prod', `UPDATE "Lessons" SET notes = NULL, topic = NULL, homework_result_percent = NULL, homework_status = NULL, updated_at = NULL WHERE lesson_id = 506;
      DELETE FROM "LessonTasks" WHERE lesson_id = 506`);
    expect(await school.pair.checksum('prod')).toBe(before);
  });

  it('shows the undo plan as a sync plan is shown: details with the values put back, a filter, a search', async () => {
    const path = tempPath('undo.json');
    await runSync(school.pair, { undoPath: path });
    const { app, exited } = await start(path, { dryRun: true });
    await waitForText(app, 'Enter continue to the plan');
    await settle();
    let frame = await press(app, keys.enter, '2/5 Plan');
    expect(frame).toContain('filter: all · 1/4');
    await settle();
    frame = await press(app, 'f', 'filter: ➖ remove · 2 of 4');
    expect(frame).not.toMatch(/↩️ 2025/);
    await settle();
    frame = await press(app, 'f', 'filter: ↩️ restore · 2 of 4');
    await settle();
    // lesson 502 had 'not_assigned' and no topic: its details show both going back
    frame = await press(app, keys.enter, 'Values it puts back (now → before the sync):');
    expect(frame).toContain('Sandbox lesson #3 → prod lesson #502');
    expect(frame).toContain('  topic: Тригонометрия → ∅');
    expect(frame).toContain('  homework_status: assigned → not_assigned');
    await settle();
    frame = await press(app, keys.down, 'Sandbox lesson #11 → prod lesson #506');
    expect(frame).toContain('LessonTasks the sync wrote (prod ids):');
    await settle();
    frame = await press(app, keys.escape, 'filter: ↩️ restore');
    await settle();
    await press(app, keys.escape, 'filter: all');
    await settle();
    await press(app, '/', '🔎 /');
    await settle();
    app.stdin.write('ольга');
    frame = await waitForText(app, '🔎 / ольга');
    await settle();
    frame = await press(app, keys.enter, 'search: ольга');
    expect(frame).toContain('filter: all · search: ольга · 1 of 4');
    expect(frame).toContain('Ольга Соколова');
    expect(frame).not.toContain('Иван Иванов');
    await settle();
    app.stdin.write('q');
    await exited();
  });

  it('in a dry run shows the plan and never offers to undo', async () => {
    const path = tempPath('undo.json');
    await runSync(school.pair, { undoPath: path });
    const after = await school.pair.checksum('prod');
    const { app, exit, exited } = await start(path, { dryRun: true });
    await waitForText(app, 'Enter continue to the plan');
    await settle();
    const frame = await press(app, keys.enter, '2/5 Plan');
    expect(frame).toContain('DRY RUN');
    expect(frame).not.toContain('c continue');
    await settle();
    app.stdin.write('c');
    app.stdin.write('q');
    await exited();
    expect(exit.code).toBe(0);
    expect(exit.lines.join('\n')).toContain('Undo summary (dry run');
    expect(await school.pair.checksum('prod')).toBe(after);
  });

  it.runIf(onServer)('shows a lock wait while undoing, and Ctrl+C asks first: n goes on, y rolls back, prod as the sync left it', async () => {
    const path = tempPath('undo.json');
    await runSync(school.pair, { undoPath: path });
    const after = await school.pair.checksum('prod');
    await withClient(school.pair.urls.prod, async (holder) => {
      const { app, exit, exited } = await start(path);
      await waitForText(app, 'Enter continue to the plan');
      await settle();
      await press(app, keys.enter, '2/5 Plan');
      await settle();
      await press(app, 'c', 'Type the prod database name');
      await settle();
      app.stdin.write(parseDbUrl(school.pair.urls.prod, 'prod').database);
      await holder.query(`SET application_name = 'migration'; BEGIN; LOCK TABLE "Lessons" IN ACCESS EXCLUSIVE MODE`);
      await press(app, keys.enter, '4/5');
      await waitForText(app, /⏳ Waiting \d+ s for table "Lessons" in prod\n\s+held by pid \d+ \(\S+, migration/);
      await settle();
      await press(app, keys.ctrlC, 'Abort? The transaction is rolled back');
      await settle();
      let frame = await press(app, 'n');
      expect(frame).not.toContain('Abort?');
      expect(frame).toContain('⏳ Waiting');
      await settle();
      await press(app, keys.ctrlC, 'Abort?');
      await settle();
      frame = await press(app, 'y', '5/5 Summary');
      expect(frameOf(app)).toContain('the transaction was rolled back, prod is as it was before');
      await settle();
      app.stdin.write('q');
      await exited();
      expect(exit.code).toBe(130);
      await holder.query('ROLLBACK');
    });
    expect(await school.pair.checksum('prod')).toBe(after);
  });
});
