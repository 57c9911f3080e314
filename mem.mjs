import pg from 'pg';
import { sandboxSql, prodSql } from './dist/bench/generate.js';
import { Session, parseTargets } from './dist/session.js';
import { readSandbox, readProd } from './dist/db/read.js';
import { planLessons } from './dist/engine/planner.js';
const admin = 'postgresql://lsync:lsync-secret@127.0.0.1:5432/lsync_test';
async function run(db, sql) { const c = new pg.Client({ connectionString: admin.replace('lsync_test', db) }); await c.connect(); await c.query(sql); await c.end(); }
const n = Number(process.argv[2] ?? 200000);
if (process.argv[3] !== 'keep') {
await run('lsync_test', 'DROP DATABASE IF EXISTS mem_s WITH (FORCE)'); await run('lsync_test', 'DROP DATABASE IF EXISTS mem_p WITH (FORCE)');
await run('lsync_test', 'CREATE DATABASE mem_s'); await run('lsync_test', 'CREATE DATABASE mem_p');
await run('mem_s', sandboxSql({lessons: n})); await run('mem_p', prodSql({lessons: n}));
}
let base = 0;
const heap = (label) => { gc(); const m = process.memoryUsage(); console.log(label.padEnd(14), 'heap', (m.heapUsed/2**20).toFixed(0), 'MB (+', ((m.heapUsed-base)/n).toFixed(0), 'B/lesson) rss', (m.rss/2**20).toFixed(0)); base = m.heapUsed; };
const s = await Session.open(parseTargets(admin.replace('lsync_test','mem_s') + '?sslmode=disable', admin.replace('lsync_test','mem_p') + '?sslmode=disable'));
heap('start');
await s.sandboxDb.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
const sb = await readSandbox(s.sandboxDb, s.schema, {students: []}); heap('sandbox');
const tasksOnly = { lessons: [], tasksByLesson: sb.tasksByLesson };
const pr = await readProd(s.prodDb, s.schema, sb); heap('prod');
const plan = planLessons(sb, pr); heap('plan');
console.log(plan.length, pr.lessons.length);
await s.close();
