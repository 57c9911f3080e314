/** The COPY text reader against what PostgreSQL itself writes, hostile values included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type Db } from '../../source/db/client.js';
import { CopyTextReader, TextPool, type CopyRow } from '../../source/db/copy-text.js';
import { parseDbUrl } from '../../source/common/db-url.js';
import { BugError } from '../../source/common/errors.js';
import { createPair, type DbPair } from '../helpers/databases.js';

const textsOf = (row: CopyRow) => Array.from({ length: row.length }, (_, i) => row.text(i));

function readAll(chunks: Buffer[]): (string | null)[][] {
  const rows: (string | null)[][] = [];
  const reader = new CopyTextReader((row) => rows.push(textsOf(row)));
  chunks.forEach((chunk) => reader.push(chunk));
  reader.end();
  return rows;
}

describe('CopyTextReader', () => {
  // what PostgreSQL writes for: a tab, a newline, a backslash, NULL, an empty text, Cyrillic, an emoji
  const output = Buffer.from('1\ta\\tb\t\\N\n2\tline\\nbreak\\r\t\n3\tback\\\\slash\tМария 🎓\n', 'utf8');
  const expected = [
    ['1', 'a\tb', null],
    ['2', 'line\nbreak\r', ''],
    ['3', 'back\\slash', 'Мария 🎓'],
  ];

  it('reads fields, NULLs and escapes, wherever the chunks split (inside a character too)', () => {
    expect(readAll([output])).toEqual(expected);
    for (let cut = 1; cut < output.length; cut++) {
      expect(readAll([output.subarray(0, cut), output.subarray(cut)])).toEqual(expected);
    }
    expect(readAll([...output].map((byte) => Buffer.from([byte])))).toEqual(expected);
  });

  it('reads integers from their digits and refuses what is not one', () => {
    const values: number[] = [];
    const reader = new CopyTextReader((row) => values.push(row.int(0), row.int(1)));
    reader.push(Buffer.from('-42\t9007199254740991\n'));
    expect(values).toEqual([-42, 9007199254740991]);
    expect(() => reader.push(Buffer.from('\\N\t1\n'))).toThrow(BugError);
    expect(() => reader.push(Buffer.from('12a\t1\n'))).toThrow(BugError);
  });

  it('says when the output stops inside a row', () => {
    const reader = new CopyTextReader(() => {});
    reader.push(Buffer.from('1\tcomplete\n2\tcut'));
    expect(() => reader.end()).toThrow(/middle of a row/);
  });

  it('keeps a repeated value once, and tells values apart by every byte', () => {
    const pool = new TextPool();
    const seen: (string | null)[] = [];
    const reader = new CopyTextReader((row) => seen.push(row.pooled(0, pool)));
    reader.push(Buffer.from('homework\nclasswork\nhomework\n\\N\nhomeworK\n'));
    expect(seen).toEqual(['homework', 'classwork', 'homework', null, 'homeworK']);
    const fresh: string[] = [];
    new CopyTextReader((row) => fresh.push(row.text(0)!)).push(Buffer.from('homework\n'));
    // same text, and the very string kept the first time
    expect(Object.is(seen[2], seen[0])).toBe(true);
    expect(seen[0]).toBe(fresh[0]);
  });
});

describe('Db.copyRows', () => {
  let pair: DbPair;
  let db: Db;
  beforeAll(async () => {
    pair = await createPair();
    db = await connectDb(parseDbUrl(pair.urls.sandbox, 'sandbox'), 'sandbox');
  });
  afterAll(async () => {
    await db?.close();
    await pair?.drop();
  });

  it('gives every value as PostgreSQL has it, control characters and literals included', async () => {
    const hostile = `(VALUES (1, 'tab' || chr(9) || 'nl' || chr(10) || 'cr' || chr(13) || 'bs\\' || chr(27) || '[2J' || chr(8) || chr(11) || chr(12), NULL::text),
                             (2, '', 'Мария ' || chr(127) || chr(155) || '🎓'),
                             (3, ${db.literal("O'Brien \\N")}, E'\\\\N'))`;
    const viaRows = await db.rows(`SELECT * FROM ${hostile} AS v(id, a, b) ORDER BY id`);
    const viaCopy: (string | null)[][] = [];
    await db.copyRows(`COPY (SELECT * FROM ${hostile} AS v(id, a, b) ORDER BY id) TO STDOUT`, (row) => viaCopy.push(textsOf(row)));
    expect(viaCopy).toEqual(viaRows.map((row) => row.map((value) => (value === null ? null : String(value)))));
    expect(viaCopy[2]![1]).toBe("O'Brien \\N");
    expect(viaCopy[2]![2]).toBe('\\N');
  });

  it('fails with the server error, and the connection stays usable', async () => {
    await expect(db.copyRows('COPY (SELECT 1 / 0) TO STDOUT', () => {})).rejects.toThrow(/division by zero/);
    const rows: (string | null)[][] = [];
    await db.copyRows('COPY (SELECT 7) TO STDOUT', (row) => rows.push(textsOf(row)));
    expect(rows).toEqual([['7']]);
    // a row this process cannot take: the rest of the output is drained, the read fails with it
    const odd = db.copyRows(`COPY (SELECT g, CASE WHEN g = 10 THEN 'x' ELSE g::text END FROM generate_series(1, 50000) g) TO STDOUT`, (row) => row.int(1));
    await expect(odd).rejects.toThrow(BugError);
    expect(await db.rows('SELECT 8')).toEqual([[8]]);
  });
});
