/**
 * A sandbox/prod pair of real PostgreSQL databases for a test file: the embedded
 * servers by default, fresh databases on the server at TEST_DATABASE_URL otherwise.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { prodSchool, sandboxSchool } from '../../source/demo/school.js';

export type Side = 'sandbox' | 'prod';
export const serverUrl = process.env.TEST_DATABASE_URL;
export const onServer = Boolean(serverUrl);

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A connection, and on an embedded server a second try: it takes one connection at a time
 * and closes the socket of another, and a connection that just ended (through a proxy, in
 * another process) may still hold it for a moment.
 */
async function connectClient(url: string): Promise<pg.Client> {
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      // An embedded server is one backend for every connection: session settings of an
      // earlier connection (the app's read-only sandbox session) are still in force.
      await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE');
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if (onServer || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectClient(url);
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface DbPair {
  urls: Record<Side, string>;
  /** Empties both databases' public schema and runs each side's SQL. */
  reset(sql: Record<Side, string>): Promise<void>;
  query<R extends pg.QueryResultRow = Record<string, unknown>>(side: Side, text: string, values?: unknown[]): Promise<R[]>;
  /** A digest of every row of every table on that side: equal digests, equal contents. */
  checksum(side: Side): Promise<string>;
  drop(): Promise<void>;
}

export async function createPair(): Promise<DbPair> {
  let urls: Record<Side, string>;
  let drop = async () => {};
  if (serverUrl) {
    const suffix = randomBytes(4).toString('hex');
    const names = { sandbox: `lsync_${suffix}_sandbox`, prod: `lsync_${suffix}_prod` };
    await withClient(serverUrl, async (c) => {
      await c.query(`CREATE DATABASE ${names.sandbox}`);
      await c.query(`CREATE DATABASE ${names.prod}`);
    });
    urls = { sandbox: withDatabase(serverUrl, names.sandbox), prod: withDatabase(serverUrl, names.prod) };
    // Autovacuum may be working in a database we just filled, and this role may not
    // terminate it: wait for it a little, then leave the databases (and say so) rather than fail.
    drop = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await withClient(serverUrl, async (c) => {
            await c.query(`DROP DATABASE IF EXISTS ${names.sandbox} WITH (FORCE)`);
            await c.query(`DROP DATABASE IF EXISTS ${names.prod} WITH (FORCE)`);
          });
          return;
        } catch (error) {
          if (attempt === 10) {
            console.warn(`left test databases ${names.sandbox}, ${names.prod}: ${(error as Error).message}`);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    };
  } else {
    const embedded = inject('embedded');
    if (!embedded) throw new Error('embedded test servers were not started');
    urls = { sandbox: embedded.sandboxUrl, prod: embedded.prodUrl };
  }
  const pair: DbPair = {
    urls,
    async reset(sql) {
      for (const side of ['sandbox', 'prod'] as const) {
        await withClient(urls[side], async (c) => {
          await c.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
          await c.query(sql[side]);
        });
      }
    },
    query: (side, text, values) => withClient(urls[side], async (c) => (await c.query(text, values)).rows),
    checksum: (side) =>
      withClient(urls[side], async (c) => {
        const { rows } = await c.query<{ name: string }>(
          `SELECT quote_ident(relname) AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname`,
        );
        const parts: string[] = [];
        for (const { name } of rows) {
          const r = await c.query<{ digest: string | null }>(
            `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM public.${name} t`,
          );
          parts.push(`${name}:${r.rows[0]!.digest ?? 'empty'}`);
        }
        return parts.join(' ');
      }),
    drop,
  };
  return pair;
}

/** This file's pair, put back to the demo school before each test. */
export function demoSchoolPerTest(): { readonly pair: DbPair } {
  const holder = {} as { pair: DbPair };
  beforeAll(async () => {
    holder.pair = await createPair();
  });
  afterAll(() => holder.pair.drop());
  beforeEach(() => holder.pair.reset({ sandbox: sandboxSchool, prod: prodSchool }));
  return holder;
}

/**
 * What no schema shows, so only the write finds it: on the demo school's prod, a trigger in
 * place of the CHECK on homework_result_percent refuses lesson 12's 120 % at the write
 * (write-failed) where the CHECK would have made it an error of the plan.
 */
export const REFUSED_AT_THE_WRITE = `
  ALTER TABLE "Lessons" DROP CONSTRAINT "Lessons_homework_result_percent_check";
  CREATE FUNCTION no_bonus() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.homework_result_percent > 100 THEN RAISE EXCEPTION 'no bonus points: %', NEW.homework_result_percent; END IF; RETURN NEW; END $$;
  CREATE TRIGGER no_bonus BEFORE INSERT OR UPDATE ON "Lessons" FOR EACH ROW EXECUTE FUNCTION no_bonus();`;
