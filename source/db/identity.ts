import { randomInt } from 'node:crypto';
import type { Db } from './client.js';

/**
 * Do the two connections reach the same database? URLs can't tell (aliases, proxies,
 * another user), and system identifiers repeat across PGlite instances, so ask the
 * servers: one session takes an advisory lock on a random key, the other looks for
 * that lock in its own database. Locks are not writes: this works on the read-only
 * sandbox session too.
 */
export async function isSameDatabase(a: Db, b: Db): Promise<boolean> {
  const k1 = randomInt(1, 2 ** 31 - 1);
  const k2 = randomInt(1, 2 ** 31 - 1);
  await a.query('SELECT pg_advisory_lock($1::int4, $2::int4)', [k1, k2]);
  try {
    const { rows } = await b.query<{ seen: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND d.datname = current_database()
           AND l.classid = $1::int4::oid AND l.objid = $2::int4::oid AND l.objsubid = 2
       ) AS seen`,
      [k1, k2],
    );
    return rows[0]!.seen;
  } finally {
    await a.query('SELECT pg_advisory_unlock($1::int4, $2::int4)', [k1, k2]);
  }
}
