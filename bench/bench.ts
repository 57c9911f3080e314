/**
 * npm run bench [-- --lessons N] [--latency MS] [--json] [--naive-sample N] [--skip-naive] [--skip-wizard] [--skip-floor] [--skip-undo] [--prod-checks]
 *
 * Generates a sandbox/prod pair (on the server at BENCH_DATABASE_URL, else on two
 * embedded PGlite servers), then times what the CLI does: plan (dry-run), the wizard's
 * plan step, save the plan and plan from it, apply it; against the seed's per-row method
 * on a sample and against COPY.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedServer, type EmbeddedServer } from '../source/demo/pglite-server.js';
import { parseTargets, Session } from '../source/sync/session.js';
import type { PlanEntry, Summary } from '../source/engine/types.js';
import { readPlanFile } from '../source/storage/plan-file.js';
import { parseDbUrl } from '../source/common/db-url.js';
import { readUndoFile } from '../source/storage/undo-file.js';
import { summarizeUndo } from '../source/undo/plan.js';
import { UndoSession } from '../source/undo/session.js';
import { prodSql, sandboxSql } from './generate.js';
import { spawnLatencyProxy, viaProxy, type LatencyProxy } from './latency-proxy.js';
import { runNaive } from './naive.js';
import { cpuMark, cpuNote, cpuSince, type CpuSpent } from './cpu.js';
import { timeCopyFloor, timeReadFloor, timeWriteFloor, timeWriteFloorInProd } from './floor.js';

const { values: args } = parseArgs({
  options: {
    lessons: { type: 'string', default: '100000' },
    latency: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
    'naive-sample': { type: 'string' },
    'skip-naive': { type: 'boolean', default: false },
    'skip-wizard': { type: 'boolean', default: false },
    'skip-floor': { type: 'boolean', default: false },
    // undo removes each created lesson under a foreign-key scan of LessonTasks (no index on
    // lesson_id): quadratic, hours at a million lessons
    'skip-undo': { type: 'boolean', default: false },
    // prod with two CHECKs (a lesson's field, a LessonTask's): what predicting them costs the plan
    'prod-checks': { type: 'boolean', default: false },
    // internal: the wizard comparison runs in a process of its own, so its memory is not the engine's
    'wizard-child': { type: 'string' },
    // internal: so is the apply, as the CLI's process would hold one plan, not the several made here
    'apply-child': { type: 'string' },
  },
});
// as the CLI runs the wizard (cli.tsx): React's production build, loaded after this is set
process.env.NODE_ENV ??= 'production';
const { timeWizardPlan } = await import('./wizard-plan.js');

const lessons = Number(args.lessons);
const latency = Number(args.latency);
if (!Number.isInteger(lessons) || lessons < 10 || !Number.isFinite(latency) || latency < 0) {
  console.error('usage: npm run bench -- [--lessons N (≥ 10)] [--latency MS] [--json] [--naive-sample N]');
  process.exit(2);
}
const CORES = availableParallelism();
const log = (line: string) => {
  if (!args.json) process.stderr.write(line + '\n');
};

interface Phase {
  phase: string;
  seconds: number;
  queries?: number;
  rowsRead?: number;
  rowsWritten?: number;
  peakRssMb?: number;
  note?: string;
}

/** Samples RSS while a phase runs; the peak is what the phase cost in memory. */
async function measured<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number; peakRssMb: number }> {
  (globalThis as { gc?: () => void }).gc?.(); // what earlier phases left behind is not this phase's
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(peak / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

async function withAdmin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

interface Pair {
  sandbox: string;
  prod: string;
  engine: string;
  load(side: 'sandbox' | 'prod', sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * DROP … WITH (FORCE), waiting out autovacuum: after a million-lesson apply its workers
 * are on the database, and a role that is not a superuser may not end them (42501).
 */
async function dropDatabase(c: pg.Client, name: string, waitMs = 120_000): Promise<void> {
  const until = performance.now() + waitMs;
  for (;;) {
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || performance.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function openPair(): Promise<Pair> {
  const server = process.env.BENCH_DATABASE_URL;
  if (server) {
    const suffix = randomBytes(4).toString('hex');
    const names = { sandbox: `lsbench_${suffix}_sandbox`, prod: `lsbench_${suffix}_prod` };
    const version = await withAdmin(server, async (c) => {
      await c.query(`CREATE DATABASE ${names.sandbox}`);
      await c.query(`CREATE DATABASE ${names.prod}`);
      return (await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
    });
    const urlOf = (db: string) => {
      const u = new URL(server);
      u.pathname = `/${db}`;
      return u.toString();
    };
    return {
      sandbox: urlOf(names.sandbox),
      prod: urlOf(names.prod),
      engine: `PostgreSQL ${version} at ${new URL(server).hostname}`,
      load: (side, sql) => withAdmin(urlOf(names[side]), (c) => c.query(sql).then(() => undefined)),
      close: () =>
        withAdmin(server, async (c) => {
          for (const name of [names.sandbox, names.prod]) await dropDatabase(c, name);
        }),
    };
  }
  const [sandbox, prod] = (await Promise.all([startEmbeddedServer('sandbox'), startEmbeddedServer('prod')])) as [EmbeddedServer, EmbeddedServer];
  return {
    sandbox: sandbox.url,
    prod: prod.url,
    engine: 'PGlite (embedded PostgreSQL, WASM)',
    load: async (side, sql) => {
      await (side === 'sandbox' ? sandbox : prod).db.exec(sql);
    },
    close: async () => {
      await Promise.all([sandbox.close(), prod.close()]);
    },
  };
}

/** Every prod table's rows, digested in key order: equal digests, equal contents (sequences aside). */
async function prodDigest(url: string): Promise<string> {
  return withAdmin(url, async (c) => {
    const { rows } = await c.query<{ digest: string }>(
      `SELECT string_agg(t, ' ' ORDER BY t) AS digest FROM (
         SELECT 'Lessons:' || md5(string_agg(l::text, '|' ORDER BY lesson_id)) AS t FROM "Lessons" l
         UNION ALL SELECT 'LessonTasks:' || md5(string_agg(lt::text, '|' ORDER BY lesson_task_id)) FROM "LessonTasks" lt
         UNION ALL SELECT 'Students:' || md5(string_agg(s::text, '|' ORDER BY student_id)) FROM "Students" s
         UNION ALL SELECT 'Tasks:' || md5(string_agg(k::text, '|' ORDER BY task_id)) FROM "Tasks" k) d`,
    );
    return rows[0]!.digest;
  });
}

/**
 * `lesson-sync --plain --dry-run --report FILE` as an operator runs it, start to exit, its
 * log to a file; peak RSS from /proc (VmHWM only grows: its last reading is the peak).
 */
async function timeWholeDryRun(urls: { sandbox: string; prod: string }): Promise<{ seconds: number; peakRssMb: number | undefined; reportMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lsync-bench-log-'));
  const log = openSync(join(dir, 'log.txt'), 'w');
  const report = join(dir, 'report.json');
  const started = performance.now();
  const cli = fileURLToPath(new URL('../source/cli.js', import.meta.url));
  // as npm start runs it (memory.ts collects with --expose-gc)
  const child = spawn(process.execPath, ['--expose-gc', cli, '--plain', '--dry-run', '--report', report, '--sandbox-url', urls.sandbox, '--prod-url', urls.prod], {
    stdio: ['ignore', log, 'inherit'],
  });
  let peakKb: number | undefined;
  const timer = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKb = Number(match[1]);
    } catch {
      // gone already
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  closeSync(log);
  const reportMb = code === 0 || code === 1 ? statSync(report).size / 2 ** 20 : 0;
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 && code !== 1) throw new Error(`the dry run exited ${code}`);
  return { seconds, peakRssMb: peakKb === undefined ? undefined : Math.round(peakKb / 1024), reportMb };
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** When the wizard showed its first lessons: after both sides were read, or ahead (Session's Preview). */
const firstRows = (seconds: number, afterReading: number) =>
  `first rows at ${fmt(seconds, 2)} s (${afterReading >= 0 ? `${fmt(afterReading, 2)} s after reading` : `planned ahead, ${fmt(-afterReading, 2)} s before reading ended`})`;

async function main() {
  const pair = await openPair();
  const phases: Phase[] = [];
  const proxies: LatencyProxy[] = [];
  const result: Record<string, unknown> = { lessons, lessonTasks: lessons * 5, latencyMs: latency, engine: pair.engine };
  try {
    log(`generating ${fmt(lessons)} lessons on ${pair.engine}...`);
    const generated = await measured(async () => {
      await pair.load('sandbox', sandboxSql({ lessons }));
      await pair.load('prod', prodSql({ lessons, prodChecks: args['prod-checks'] }));
    });
    phases.push({ phase: 'generate', seconds: generated.seconds });

    let urls = { sandbox: pair.sandbox, prod: pair.prod };
    if (latency > 0) {
      for (const side of ['sandbox', 'prod'] as const) {
        const target = new URL(urls[side]);
        const proxy = await spawnLatencyProxy(target.hostname, Number(target.port || 5432), latency);
        proxies.push(proxy);
        urls = { ...urls, [side]: viaProxy(urls[side], proxy.port) };
      }
    }
    const disableSsl = (url: string) => {
      const u = new URL(url);
      if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
      return u.toString();
    };
    urls = { sandbox: disableSsl(urls.sandbox), prod: disableSsl(urls.prod) };

    const embedded = pair.engine.startsWith('PGlite');
    let readFloor: number | undefined;
    if (!args['skip-floor'] && !embedded) {
      log('timing the read floor (COPY TO STDOUT of what a plan reads)...');
      const floor = await timeReadFloor(urls.sandbox, urls.prod);
      readFloor = floor.seconds;
      phases.push({ phase: 'read floor (COPY TO)', seconds: floor.seconds, note: `${fmt(floor.bytes / 2 ** 20, 1)} MB; ${cpuNote(floor.cpu.self, floor.cpu.postgres, CORES)}` });
    }
    if (!embedded) {
      log('the plain dry run with its report, as a whole process, its log to a file...');
      const mark = cpuMark();
      const whole = await timeWholeDryRun(urls);
      const cpu = cpuSince(mark);
      phases.push({
        phase: 'plain dry run (process)',
        seconds: whole.seconds,
        peakRssMb: whole.peakRssMb,
        note: `${readFloor ? `${(whole.seconds / readFloor).toFixed(2)}× read floor, ` : ''}${fmt(whole.reportMb, 1)} MB report; ${cpuNote(cpu.children, cpu.postgres, CORES)}`,
      });
    }
    const open = () => Session.open(parseTargets(urls.sandbox, urls.prod));
    const opened = await measured(open);
    let session = opened.value;
    phases.push({ phase: 'connect + checks', seconds: opened.seconds, queries: session.queryCounts().sandbox + session.queryCounts().prod });
    try {
      log('planning (dry run)...');
      const before = session.queryCounts();
      const rowsBefore = session.sandboxDb.rowsRead + session.prodDb.rowsRead;
      const planned = await measured(() => session.plan({ students: [] }));
      const after = session.queryCounts();
      let plan = planned.value;
      phases.push({
        phase: 'plan',
        seconds: planned.seconds,
        queries: after.sandbox - before.sandbox + after.prod - before.prod,
        rowsRead: session.sandboxDb.rowsRead + session.prodDb.rowsRead - rowsBefore,
        peakRssMb: planned.peakRssMb,
      });
      result.plan = plan.summary;

      if (!args['skip-wizard'] && embedded) {
        // an embedded server takes one connection: the comparison runs here, on this session
        log("planning again in the wizard's plan step...");
        const wizard = await measured(() => timeWizardPlan(session, { students: [] }));
        phases.push({
          phase: 'wizard plan step',
          seconds: wizard.seconds,
          note: `${(wizard.seconds / planned.seconds).toFixed(2)}× headless, ${wizard.value.frames} frames, ${firstRows(wizard.value.firstRowsSeconds, wizard.value.afterReadingSeconds)}`,
        });
      } else if (!args['skip-wizard']) {
        log("planning again, headless then in the wizard's plan step, in another process...");
        const { stdout } = await promisify(execFile)(
          process.execPath,
          ['--expose-gc', fileURLToPath(import.meta.url), '--wizard-child', JSON.stringify(urls)],
          { maxBuffer: 1 << 20 },
        );
        const child = JSON.parse(stdout) as { headless: number; wizard: number; frames: number; firstRows: number; afterReading: number; peakRssMb: number };
        phases.push({
          phase: 'wizard plan step',
          seconds: child.wizard,
          peakRssMb: child.peakRssMb,
          note: `${(child.wizard / child.headless).toFixed(2)}× headless (${fmt(child.headless, 2)} s there), ${child.frames} frames, ${firstRows(child.firstRows, child.afterReading)}`,
        });
      }

      if (!args['skip-naive']) {
        const sample = Math.min(lessons, Number(args['naive-sample'] ?? (latency > 0 ? 100 : 1000)));
        log(`the seed's per-row method on ${fmt(sample)} lessons...`);
        if (embedded) await session.close(); // its connections are the only ones an embedded server takes
        const naive = await runNaive(urls.sandbox, urls.prod, sample);
        if (embedded) {
          session = await open();
          plan = await session.plan({ students: [] });
        }
        const extrapolated = (naive.seconds * lessons) / naive.lessons;
        phases.push({
          phase: `seed method (${fmt(sample)} sample)`,
          seconds: naive.seconds,
          queries: naive.queries,
          note: `≈ ${fmt(extrapolated)} s for ${fmt(lessons)} lessons`,
        });
        result.naiveExtrapolatedSeconds = extrapolated;
      }

      // SPEC §11: the plan saved, read back and followed; apply then writes that plan
      log('saving the plan, and planning again from it...');
      const planFile = join(mkdtempSync(join(tmpdir(), 'lsync-bench-')), 'plan.json');
      const countNow = () => session.queryCounts().sandbox + session.queryCounts().prod;
      let queriesBefore = countNow();
      const saving = await measured(() => session.savePlan(planFile, plan));
      phases.push({ phase: 'save plan', seconds: saving.seconds, queries: countNow() - queriesBefore, peakRssMb: saving.peakRssMb, note: `${fmt(statSync(planFile).size / 2 ** 20, 1)} MB file` });
      queriesBefore = countNow();
      const following = await measured(async () => session.planFromSaved(await readPlanFile(planFile)));
      phases.push({ phase: 'plan from the saved plan', seconds: following.seconds, queries: countNow() - queriesBefore, peakRssMb: following.peakRssMb });
      if (following.value.summary.created !== plan.summary.created || following.value.summary.updated !== plan.summary.updated) {
        throw new Error('the saved plan does not plan what it saved');
      }
      plan = following.value;
      const undoFile = join(dirname(planFile), 'undo.json');
      const prodBefore = await prodDigest(urls.prod);

      log('applying the saved plan, with its undo file, in another process...');
      // a process of its own, as the CLI's: this one still holds the plans made above
      if (embedded) await session.close(); // an embedded server takes one connection: the child's, then the undo's
      const { stdout: appliedJson } = await promisify(execFile)(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), '--apply-child', JSON.stringify({ urls, planFile, undoFile })],
        { maxBuffer: 256 << 20 },
      );
      const applied = JSON.parse(appliedJson) as AppliedInChild;
      const outcome = applied.summary;
      phases.push({
        phase: 'apply',
        seconds: applied.seconds,
        queries: applied.queries,
        rowsWritten: outcome.created + outcome.updated + outcome.tasksCopied,
        peakRssMb: applied.peakRssMb,
        note: `process peak, after planning from the saved plan in it; ${cpuNote(applied.cpu.self, applied.cpu.postgres, CORES)}`,
      });
      result.apply = outcome;

      if (!args['skip-undo']) {
        log('undoing it...');
        const undoing = await measured(async () => {
          const undo = await UndoSession.open(parseDbUrl(urls.prod, 'prod'), await readUndoFile(undoFile));
          try {
            const done = await undo.apply(await undo.plan());
            return { queries: undo.queries(), summary: summarizeUndo(done) };
          } finally {
            await undo.close();
          }
        });
        const roundTrip = (await prodDigest(urls.prod)) === prodBefore;
        phases.push({
          phase: 'undo',
          seconds: undoing.seconds,
          queries: undoing.value.queries,
          peakRssMb: undoing.peakRssMb,
          note: `${fmt(statSync(undoFile).size / 2 ** 20, 1)} MB undo file; prod ${roundTrip ? 'as before, row for row' : 'NOT as before'}`,
        });
        if (!roundTrip) throw new Error('apply + undo did not leave prod as it was');
      }
      rmSync(dirname(planFile), { recursive: true, force: true });

      const total = planned.seconds + applied.seconds;
      if (result.naiveExtrapolatedSeconds) result.speedUp = (result.naiveExtrapolatedSeconds as number) / total;

      if (!args['skip-floor']) {
        if (pair.engine.startsWith('PGlite')) {
          phases.push({ phase: 'COPY floor', seconds: NaN, note: 'needs a PostgreSQL server (COPY FROM STDIN does not pass pglite-socket)' });
        } else {
          log('timing the write floor (COPY into prod\'s own tables, rolled back)...');
          const inProd = await timeWriteFloorInProd(urls.sandbox, urls.prod, applied.written);
          phases.push({
            phase: 'write floor (COPY into prod)',
            seconds: inProd.seconds,
            rowsWritten: inProd.rows,
            note: `apply = ${(applied.seconds / inProd.seconds).toFixed(2)}× this floor; ${cpuNote(inProd.cpu.self, inProd.cpu.postgres, CORES)}`,
          });
          log('timing COPY into an empty copy of prod\'s schema, keys and foreign keys included...');
          const floor = await timeWriteFloor(urls.sandbox, urls.prod, applied.written);
          phases.push({
            phase: 'COPY into empty tables, keys',
            seconds: floor.seconds,
            rowsWritten: floor.rows,
            note: `apply = ${(applied.seconds / floor.seconds).toFixed(2)}×`,
          });
          const bare = await timeCopyFloor(urls.sandbox, urls.prod, applied.created, applied.taskLessons);
          phases.push({
            phase: 'COPY, tables without keys',
            seconds: bare.seconds,
            rowsWritten: bare.rows,
            note: `apply = ${(applied.seconds / bare.seconds).toFixed(1)}× (the old floor)`,
          });
        }
      }
    } finally {
      await session.close();
    }
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
    await pair.close().catch((error: unknown) => log(`could not drop the benchmark databases: ${(error as Error).message}`));
  }

  result.phases = phases;
  result.peakRssMbProcess = Math.round(process.resourceUsage().maxRSS / 1024);
  if (args.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const header = `lesson-sync benchmark · ${fmt(lessons)} lessons · ${fmt(lessons * 5)} lesson_tasks · ${pair.engine} · latency ${latency} ms each way`;
  const rows = [
    ['phase', 'seconds', 'queries', 'rows read', 'rows written', 'rows/s', 'peak RSS MB', 'note'],
    ...phases.map((p) => {
      const rows = (p.rowsRead ?? 0) + (p.rowsWritten ?? 0);
      return [
        p.phase,
        Number.isNaN(p.seconds) ? '-' : fmt(p.seconds, 2),
        fmt(p.queries),
        fmt(p.rowsRead),
        fmt(p.rowsWritten),
        rows && p.seconds ? fmt(rows / p.seconds) : '-',
        fmt(p.peakRssMb),
        p.note ?? '',
      ];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(header);
  for (const r of rows) console.log(r.map((cell, i) => (i === 0 || i === 7 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  if (result.speedUp) console.log(`plan + apply is ${fmt(result.speedUp as number)}× faster than the seed's method (extrapolated)`);
  console.log(`process peak RSS: ${result.peakRssMbProcess} MB`);
}

/** In the child: a headless plan, then the same plan drawn by the wizard's plan step. */
async function wizardChild(urls: { sandbox: string; prod: string }) {
  const session = await Session.open(parseTargets(urls.sandbox, urls.prod));
  try {
    // the headless plan is dropped before the wizard's: the process's peak is one plan's
    const headless = await measured(async () => {
      await session.plan({ students: [] });
    });
    const wizard = await measured(() => timeWizardPlan(session, { students: [] }));
    process.stdout.write(
      JSON.stringify({
        headless: headless.seconds,
        wizard: wizard.seconds,
        frames: wizard.value.frames,
        firstRows: wizard.value.firstRowsSeconds,
        afterReading: wizard.value.afterReadingSeconds,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
  } finally {
    await session.close();
  }
}

interface AppliedInChild {
  seconds: number;
  queries: number;
  peakRssMb: number;
  /** what the apply alone cost the cores, this process's and the local server's */
  cpu: CpuSpent;
  summary: Summary;
  /** sandbox ids of the lessons written, created, and given tasks: what the floors copy */
  written: number[];
  created: number[];
  taskLessons: number[];
}

async function applyChild(job: { urls: { sandbox: string; prod: string }; planFile: string; undoFile: string }) {
  const session = await Session.open(parseTargets(job.urls.sandbox, job.urls.prod));
  try {
    const plan = await session.planFromSaved(await readPlanFile(job.planFile));
    const before = session.queryCounts().prod;
    const mark = cpuMark();
    const applied = await measured(() => session.apply(plan, { undo: { path: job.undoFile, renamable: false } }));
    const cpu = cpuSince(mark);
    const ids = (keep: (e: PlanEntry) => boolean) => [...applied.value.entries].filter(keep).map((e) => e.sandboxLessonId);
    const report: AppliedInChild = {
      seconds: applied.seconds,
      queries: session.queryCounts().prod - before,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      cpu,
      summary: applied.value.summary,
      written: ids((e) => e.action === 'create' || e.action === 'update'),
      created: ids((e) => e.action === 'create'),
      taskLessons: ids((e) => e.tasksCopied > 0),
    };
    process.stdout.write(JSON.stringify(report));
  } finally {
    await session.close();
  }
}

(args['wizard-child'] ? wizardChild(JSON.parse(args['wizard-child'])) : args['apply-child'] ? applyChild(JSON.parse(args['apply-child'])) : main()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
