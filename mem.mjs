import pg from 'pg';
import { sandboxSql, prodSql } from './dist/bench/generate.js';
import { Session, parseTargets } from './dist/session.js';
const admin = 'postgresql://lsync:lsync-secret@127.0.0.1:5432/lsync_test';
async function run(db, sql) { const c = new pg.Client({ connectionString: admin.replace('lsync_test', db) }); await c.connect(); await c.query(sql); await c.end(); }
const n = Number(process.argv[2] ?? 100000);
await run('lsync_test', 'DROP DATABASE IF EXISTS mem_s WITH (FORCE)'); await run('lsync_test', 'DROP DATABASE IF EXISTS mem_p WITH (FORCE)');
await run('lsync_test', 'CREATE DATABASE mem_s'); await run('lsync_test', 'CREATE DATABASE mem_p');
await run('mem_s', sandboxSql({lessons: n})); await run('mem_p', prodSql({lessons: n}));
let peakHeap = 0, peakRss = 0;
setInterval(() => { const m = process.memoryUsage(); peakHeap = Math.max(peakHeap, m.heapUsed); peakRss = Math.max(peakRss, m.rss); }, 10).unref();
const heap = (label) => { const m = process.memoryUsage(); console.log(label.padEnd(14), 'peak heap', (peakHeap/2**20).toFixed(0), 'peak rss', (peakRss/2**20).toFixed(0)); gc(); const g = process.memoryUsage(); console.log(''.padEnd(14), 'after gc heap', (g.heapUsed/2**20).toFixed(0), 'rss', (g.rss/2**20).toFixed(0)); peakHeap = 0; };
const s = await Session.open(parseTargets(admin.replace('lsync_test','mem_s') + '?sslmode=disable', admin.replace('lsync_test','mem_p') + '?sslmode=disable'));
heap('start');
const plan = await s.plan({students: []}); heap('plan');
const out = await s.apply(plan, { chunkSize: Number(process.argv[3] ?? 10000), onProgress: (d) => { if (d === 0) heap('replanned'); } }); heap('apply');
await s.close();
