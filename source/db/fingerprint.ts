/**
 * Fingerprints of lessons (SPEC §11, §12): an md5 of the lesson's whole row and of its
 * LessonTasks rows, in lesson_task_id order, as the database prints them (`row::text`:
 * 40% cheaper than row_to_json, measured on 100,000 lessons and 350,000 tasks). Any change to
 * the lesson or its tasks (a column, a task added or removed) changes it. Computed in SQL
 * for all the lessons asked at once: one query whatever their number, which also tells,
 * for an undo, the lessons' row versions (row-versions.ts).
 */
import { FingerprintTable } from '../engine/fingerprint-table.js';
import { collectIfGrown } from '../common/memory.js';
import type { Db } from './client.js';
import { ROW_VERSIONS_SQL, TASK_VERSIONS_SQL } from './row-versions.js';
import type { Table } from './schema.js';
import { jsonTable, quoteIdent } from './sql.js';

export interface LessonTables {
  lessons: Table;
  lessonTasks: Table;
}

const STREAM_COLLECT_EVERY = 10_000;

/** A lesson as it stands: its fingerprint, the columns asked for (as text), its and its LessonTasks' row versions. */
export interface LessonState {
  fingerprint: string;
  /** the columns asked for, in their order */
  values: (string | null)[];
  /** row-versions.ts: which also tells its LessonTasks' ids */
  versions: string;
}

/**
 * Lesson id → its state, for ids known before the states are read: the md5 as 16 bytes, the
 * columns and row versions as the texts the query gave. 300,000 updates' states as objects
 * (a map, the md5's string, the values' array and strings) were ~120 MB of an apply's peak.
 */
export class LessonStates {
  private readonly fingerprints: FingerprintTable;
  /** by position in `fingerprints`: the columns' JSON text, the row versions */
  private readonly values: string[] = [];
  private readonly versions: string[] = [];

  constructor(ids: readonly number[]) {
    this.fingerprints = new FingerprintTable(ids);
  }

  /** The ids to read, each once. */
  wanted(): number[] {
    return this.fingerprints.wanted();
  }

  set(id: number, fingerprint: string, valuesJson: string, versions: string): void {
    const at = this.fingerprints.set(id, fingerprint);
    if (at < 0) return;
    this.values[at] = valuesJson;
    this.versions[at] = versions;
  }

  /** Only the fingerprint: undefined when the lesson was not found. */
  fingerprint(id: number): string | undefined {
    return this.fingerprints.get(id);
  }

  /** The lesson's state as an object of its own, or undefined when it was not found. */
  get(id: number): LessonState | undefined {
    const at = this.fingerprints.positionOf(id);
    if (at < 0) return undefined;
    return { fingerprint: this.fingerprints.get(id)!, values: JSON.parse(this.values[at]!) as (string | null)[], versions: this.versions[at]! };
  }
}

/** A row of the states query: lesson id, fingerprint, the columns' texts (JSON), the row versions. */
type StateRow = [string, string, string, string];

interface StateQuery {
  /** the lesson columns to return as text */
  columns: readonly string[];
  /** FOR UPDATE of the lesson rows (inside a write transaction) */
  lock: boolean;
  /** the row versions too */
  versions: boolean;
}

/**
 * lesson id → its state, for those of `ids` that exist. `columns`: the lesson columns to
 * return as text; `lock`: FOR UPDATE of the lesson rows (inside a write transaction).
 */
export async function readLessonStates(
  db: Db,
  tables: LessonTables,
  ids: readonly number[],
  columns: readonly string[] = [],
  lock = false,
): Promise<LessonStates> {
  const states = new LessonStates(ids);
  await streamStateRows(db, tables, states.wanted(), { columns, lock, versions: true }, (row) => states.set(Number(row[0]), row[1], row[2], row[3]));
  return states;
}

/** The states query, its rows as they come. */
async function streamStateRows(
  db: Db,
  tables: LessonTables,
  ids: readonly number[],
  { columns, lock, versions }: StateQuery,
  onRow: (row: StateRow) => void,
): Promise<void> {
  if (!ids.length) return;
  const params: unknown[] = [];
  const keys = jsonTable(params, [{ name: 'id', type: 'int8', values: ids }]);
  const values = columns.length ? `json_build_array(${columns.map((c) => `l.${quoteIdent(c)}::text`).join(', ')})::text` : `'[]'`;
  let rows = 0;
  await db.hashJoinsOnly(() =>
    db.stream(
      `WITH k AS MATERIALIZED ${keys}
       SELECT l.lesson_id::int8::text, md5(l::text || coalesce(t.rows, '')), ${values},
              ${versions ? ROW_VERSIONS_SQL('l.xmin', 't.versions') : `''`}
         FROM ${tables.lessons.sql} l JOIN k ON l.lesson_id = k.id
         LEFT JOIN (SELECT lt.lesson_id, string_agg(lt::text, '|' ORDER BY lt.lesson_task_id) AS rows
                           ${versions ? `, ${TASK_VERSIONS_SQL('lt')} AS versions` : ''}
                      FROM ${tables.lessonTasks.sql} lt JOIN k ON lt.lesson_id = k.id
                     GROUP BY lt.lesson_id) t ON t.lesson_id = l.lesson_id
       ${lock ? 'FOR UPDATE OF l' : ''}`,
      params,
      (row) => {
        // a million rows' parsed texts would otherwise pile up in the heap before V8 collects them
        if (++rows % STREAM_COLLECT_EVERY === 0) collectIfGrown();
        onRow(row as StateRow);
      },
    ),
  );
}

/** Each of `ids` that exists with its fingerprint, handed over as it arrives (nothing else parsed). */
export function streamFingerprints(db: Db, tables: LessonTables, ids: readonly number[], onRow: (id: number, fingerprint: string) => void): Promise<void> {
  return streamStateRows(db, tables, ids, { columns: [], lock: false, versions: false }, (row) => onRow(Number(row[0]), row[1]));
}

/** lesson id → fingerprint, for those of `ids` that exist. */
export async function readFingerprints(db: Db, tables: LessonTables, ids: readonly number[]): Promise<FingerprintTable> {
  const fingerprints = new FingerprintTable(ids);
  await streamFingerprints(db, tables, fingerprints.wanted(), (id, fingerprint) => fingerprints.set(id, fingerprint));
  return fingerprints;
}
