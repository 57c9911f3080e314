/**
 * Finds the platform's tables in each database and works out, as a pure function of
 * what it found, which columns a sync reads, copies and leaves alone (SPEC §2 "Schema
 * tolerance").
 */
import { SchemaError, type SchemaProblem, type Side } from '../common/errors.js';
import { CONTENT_FIELDS } from '../engine/types.js';
import type { Db } from './client.js';
import { quoteIdent } from './sql.js';
import type { TableGuards, Trigger } from './guards.js';

export type TableRole = 'students' | 'lessons' | 'lessonTasks' | 'tasks';

/** The quoted CamelCase name the platform creates, then the lower-case form. */
export const TABLE_NAMES: Record<TableRole, readonly [string, string]> = {
  students: ['Students', 'students'],
  lessons: ['Lessons', 'lessons'],
  lessonTasks: ['LessonTasks', 'lessontasks'],
  tasks: ['Tasks', 'tasks'],
};

const REQUIRED: Record<TableRole, readonly string[]> = {
  students: ['student_id', 'platform_id', 'name'],
  lessons: ['lesson_id', 'student_id', 'lesson_date', 'duration', ...CONTENT_FIELDS],
  lessonTasks: ['lesson_task_id', 'lesson_id', 'task_id', 'assignment_type'],
  tasks: ['task_id'],
};

const NEEDED_ON: Record<Side, readonly TableRole[]> = {
  sandbox: ['students', 'lessons', 'lessonTasks'],
  prod: ['students', 'lessons', 'lessonTasks', 'tasks'],
};

export interface Column {
  name: string;
  /** format_type(): usable in a cast */
  type: string;
  /**
   * What a value is cast to before it is written: the type by its own name, which carries
   * no length or precision, so that the column itself rejects a value that does not fit (an
   * explicit cast to varchar(300) cuts a longer text to 300 characters without a word). Not
   * format_type's name: `character` and `bit` mean character(1) and bit(1) in a cast, where
   * `pg_catalog.bpchar` and `pg_catalog."bit"` take any length.
   */
  valueType: string;
  /** the column declares a length or precision (varchar(n), numeric(p, s), timestamp(p), interval fields) */
  typmod: boolean;
  notNull: boolean;
  hasDefault: boolean;
  generated: boolean;
  identityAlways: boolean;
  identity: boolean;
}

export interface Table {
  /** pg_class oid, in its own database */
  oid: number;
  /** a partitioned table: its rows live in its partitions, and RETURNING cannot give their xmin */
  partitioned: boolean;
  name: string;
  /** schema-qualified and quoted, ready for SQL */
  sql: string;
  columns: Map<string, Column>;
  primaryKey: string[];
  /** column → the table its foreign key points to */
  foreignKeys: Map<string, string>;
}

export type DbTables = Partial<Record<TableRole, Table>>;

export interface CopyColumn {
  name: string;
  /** prod's Column.valueType */
  prodType: string;
}

export type SchemaWarning =
  | { kind: 'unmapped-foreign-key'; table: string; column: string; references: string }
  | { kind: 'sandbox-only'; table: string; columns: string[] }
  | { kind: 'prod-only'; table: string; columns: string[] }
  /** prod declares the column narrower: a lesson with a value that does not fit is not written (prediction.ts) */
  | { kind: 'narrower-in-prod'; table: string; column: string; sandboxType: string; prodType: string }
  /** a user trigger on a table the sync writes: what it does is not in the preview */
  | { kind: 'prod-trigger'; table: string; trigger: Trigger };

export interface SyncSchema {
  sandbox: Record<'students' | 'lessons' | 'lessonTasks', Table>;
  prod: Record<TableRole, Table>;
  /** "Lessons" columns a create copies (lesson_date and duration among them) */
  lessonCopy: CopyColumn[];
  /** "LessonTasks" columns a copy carries (task_id and assignment_type among them) */
  taskCopy: CopyColumn[];
  /** homework_status exists on both sides */
  homeworkStatus: boolean;
  /** prod "Lessons" has updated_at: an update sets it */
  updatedAt: boolean;
  /** what prod enforces on the rows the sync writes (guards.ts), for the plan to predict */
  prodGuards: { lessons: TableGuards; lessonTasks: TableGuards };
  warnings: SchemaWarning[];
}


interface ColumnRow {
  oid: number;
  partitioned: boolean;
  schema: string;
  table: string;
  column: string;
  type: string;
  value_type: string;
  typmod: boolean;
  not_null: boolean;
  has_default: boolean;
  generated: string;
  identity: string;
  primary_key: boolean;
  /** the table a foreign key on this column points to */
  references: string | null;
}

/** One query, whatever the database holds: every candidate table's columns and keys. */
export async function introspect(db: Db): Promise<DbTables> {
  const names = Object.values(TABLE_NAMES).flat();
  const { rows } = await db.query<ColumnRow>(
    `SELECT c.oid::int AS oid, c.relkind = 'p' AS partitioned, n.nspname AS schema, c.relname AS table, a.attname AS column,
            format_type(a.atttypid, a.atttypmod) AS type, a.atttypmod <> -1 AS typmod, a.attnotnull AS not_null,
            (SELECT format('%I.%I', tn.nspname, t.typname) FROM pg_type t JOIN pg_namespace tn ON tn.oid = t.typnamespace
              WHERE t.oid = a.atttypid) AS value_type,
            a.atthasdef AS has_default, a.attgenerated::text AS generated, a.attidentity::text AS identity,
            EXISTS (SELECT 1 FROM pg_constraint p
                     WHERE p.conrelid = c.oid AND p.contype = 'p' AND a.attnum = ANY (p.conkey)) AS primary_key,
            (SELECT fc.relname FROM pg_constraint f JOIN pg_class fc ON fc.oid = f.confrelid
              WHERE f.conrelid = c.oid AND f.contype = 'f' AND a.attnum = ANY (f.conkey)
              ORDER BY f.oid LIMIT 1) AS references
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind IN ('r', 'p') AND c.relname = ANY($1::text[])
        AND n.nspname = ANY(current_schemas(false))
      ORDER BY array_position(current_schemas(false), n.nspname::text), c.relname, a.attnum`,
    [names],
  );
  const tables = new Map<number, Table & { schema: string }>();
  for (const row of rows) {
    let table = tables.get(row.oid);
    if (!table) {
      table = {
        oid: row.oid,
        partitioned: row.partitioned,
        schema: row.schema,
        name: row.table,
        sql: `${quoteIdent(row.schema)}.${quoteIdent(row.table)}`,
        columns: new Map(),
        primaryKey: [],
        foreignKeys: new Map(),
      };
      tables.set(row.oid, table);
    }
    table.columns.set(row.column, {
      name: row.column,
      type: row.type,
      valueType: row.value_type,
      typmod: row.typmod,
      notNull: row.not_null,
      hasDefault: row.has_default,
      generated: row.generated !== '',
      identity: row.identity !== '',
      identityAlways: row.identity === 'a',
    });
    if (row.primary_key) table.primaryKey.push(row.column);
    if (row.references !== null) table.foreignKeys.set(row.column, row.references);
  }

  // First schema on the search path wins; within it, the platform's quoted name.
  const found: DbTables = {};
  for (const [role, [camel, lower]] of Object.entries(TABLE_NAMES) as [TableRole, readonly [string, string]][]) {
    const candidates = [...tables.values()].filter((t) => t.name === camel || t.name === lower);
    const inFirstSchema = candidates.filter((t) => t.schema === candidates[0]?.schema);
    const pick = inFirstSchema.find((t) => t.name === camel) ?? inFirstSchema[0];
    if (pick) found[role] = pick;
  }
  return found;
}

function missing(side: Side, tables: DbTables): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const role of NEEDED_ON[side]) {
    const table = tables[role];
    if (!table) {
      problems.push({ side, kind: 'missing-table', table: TABLE_NAMES[role][0] });
      continue;
    }
    for (const column of REQUIRED[role]) {
      if (!table.columns.has(column)) problems.push({ side, kind: 'missing-column', table: table.name, column });
    }
  }
  return problems;
}

/**
 * Shared columns minus the row's id, the remapped foreign key, what prod computes itself,
 * and prod foreign keys into tables this tool does not map (their ids mean other rows
 * there). A primary key's other columns are copied unless prod fills them: a partitioned
 * "Lessons" keys its rows by (lesson_id, lesson_date).
 */
function copyColumns(
  sandbox: Table,
  prod: Table,
  key: string,
  remapped: string,
  mappedForeignKeys: Record<string, string>,
  warnings: SchemaWarning[],
  problems: SchemaProblem[],
): CopyColumn[] {
  const copy: CopyColumn[] = [];
  const filledByProd = (table: Table) => table.primaryKey.filter((name) => table.columns.get(name)!.hasDefault || table.columns.get(name)!.identity);
  const skip = new Set([key, remapped, ...filledByProd(prod), ...filledByProd(sandbox)]);
  for (const column of prod.columns.values()) {
    if (skip.has(column.name) || column.generated || column.identityAlways) continue;
    const references = prod.foreignKeys.get(column.name);
    const mappedTo = mappedForeignKeys[column.name];
    if (references !== undefined && references !== mappedTo) {
      warnings.push({ kind: 'unmapped-foreign-key', table: prod.name, column: column.name, references });
    } else if (sandbox.columns.has(column.name)) {
      const sandboxType = sandbox.columns.get(column.name)!.type;
      const narrower = mayNotFit(sandboxType, column);
      copy.push({ name: column.name, prodType: column.valueType });
      if (narrower) warnings.push({ kind: 'narrower-in-prod', table: prod.name, column: column.name, sandboxType, prodType: column.type });
      continue;
    }
    if (column.notNull && !column.hasDefault && !column.identity) {
      problems.push({ side: 'prod', kind: 'not-null-without-source', table: prod.name, column: column.name });
    }
  }
  const sandboxOnly = [...sandbox.columns.keys()].filter((name) => !prod.columns.has(name));
  const prodOnly = [...prod.columns.keys()].filter((name) => !sandbox.columns.has(name));
  if (sandboxOnly.length) warnings.push({ kind: 'sandbox-only', table: prod.name, columns: sandboxOnly });
  if (prodOnly.length) warnings.push({ kind: 'prod-only', table: prod.name, columns: prodOnly });
  return copy;
}

/** A type as format_type() writes it: its name without the modifier, and the modifier's numbers. */
export function typmodOf(type: string): { base: string; args: number[] } {
  const match = /^(.*?)\(([\d, ]+)\)(.*)$/.exec(type);
  return match ? { base: match[1]! + match[3]!, args: match[2]!.split(',').map(Number) } : { base: type, args: [] };
}

/**
 * Whether a value of the sandbox's column type may change when prod's column takes it:
 * prod's type has a modifier (varchar(n), numeric(p, s), timestamp(p), interval year to
 * month, …) and the sandbox's is not the same type declared at most as wide.
 */
export function mayNotFit(sandboxType: string, prod: Pick<Column, 'type' | 'typmod'>): boolean {
  if (!prod.typmod || sandboxType === prod.type) return false;
  const wanted = typmodOf(prod.type);
  const sandbox = typmodOf(sandboxType);
  if (!wanted.args.length || sandbox.base !== wanted.base || sandbox.args.length !== wanted.args.length) return true;
  const prodArgs = wanted.args;
  if (prodArgs.length === 2) {
    // numeric(precision, scale): as many digits before the point, and as many after
    const [p, s] = prodArgs as [number, number];
    const [sp, ss] = sandbox.args as [number, number];
    return s < ss || p - s < sp - ss;
  }
  return prodArgs[0]! < sandbox.args[0]!;
}

/** What the checks read of both databases' tables, beyond their columns (guards.ts), by table name. */
export type Guards = Record<Side, Map<string, TableGuards>>;

const NO_GUARDS: TableGuards = { rowSecurity: null, checks: [], triggers: [], kinds: new Map() };

/** The tables a side's guards are read for: those the sync reads or writes there. */
export function guardedTables(side: Side, tables: DbTables): Table[] {
  return NEEDED_ON[side].flatMap((role) => (tables[role] ? [tables[role]!] : []));
}

/**
 * Row-level security that applies to this user on a table the sync reads or writes: the
 * rows it hides would be planned as missing, and created twice (SPEC §2).
 */
function hiddenRows(side: Side, tables: DbTables, guards: Map<string, TableGuards>): SchemaProblem[] {
  return guardedTables(side, tables).flatMap((table) => {
    const security = guards.get(table.name)?.rowSecurity;
    return security ? [{ side, kind: 'row-level-security' as const, table: table.name, policies: security.policies }] : [];
  });
}

/** Throws SchemaError naming every missing piece on either side. */
export function checkSchema(sandbox: DbTables, prod: DbTables, guards: Guards = { sandbox: new Map(), prod: new Map() }): SyncSchema {
  const problems = [...missing('sandbox', sandbox), ...missing('prod', prod)];
  if (problems.length) throw new SchemaError(problems);
  problems.push(...hiddenRows('sandbox', sandbox, guards.sandbox), ...hiddenRows('prod', prod, guards.prod));
  const s = sandbox as SyncSchema['sandbox'];
  const p = prod as SyncSchema['prod'];
  // a timestamp and a timestamptz are compared by their wall clock (read.ts dateKey); a date, or a text, against either holds another thing
  const dates = { sandbox: s.lessons.columns.get('lesson_date')!.type, prod: p.lessons.columns.get('lesson_date')!.type };
  const dateKind = (type: string) => (type.startsWith('timestamp') ? 'timestamp' : type);
  if (dateKind(dates.sandbox) !== dateKind(dates.prod)) problems.push({ side: 'prod', kind: 'lesson-date-type', table: p.lessons.name, column: 'lesson_date', types: dates });
  const warnings: SchemaWarning[] = [];
  const lessonCopy = copyColumns(s.lessons, p.lessons, 'lesson_id', 'student_id', {}, warnings, problems);
  const taskCopy = copyColumns(s.lessonTasks, p.lessonTasks, 'lesson_task_id', 'lesson_id', { task_id: p.tasks.name }, warnings, problems);
  if (problems.length) throw new SchemaError(problems);
  const prodGuards = { lessons: guards.prod.get(p.lessons.name) ?? NO_GUARDS, lessonTasks: guards.prod.get(p.lessonTasks.name) ?? NO_GUARDS };
  for (const [table, guarded] of [[p.lessons, prodGuards.lessons], [p.lessonTasks, prodGuards.lessonTasks]] as const) {
    for (const trigger of guarded.triggers) warnings.push({ kind: 'prod-trigger', table: table.name, trigger });
  }
  return {
    sandbox: s,
    prod: p,
    lessonCopy,
    taskCopy,
    homeworkStatus: s.lessons.columns.has('homework_status') && p.lessons.columns.has('homework_status'),
    updatedAt: p.lessons.columns.has('updated_at'),
    prodGuards,
    warnings,
  };
}

/**
 * What an undo needs of prod: "Lessons" with the columns the sync wrote, and "LessonTasks".
 * Problems are named as a sync's are (SchemaError, exit 3).
 */
export function checkUndoSchema(prod: DbTables, restored: readonly string[]): { lessons: Table; lessonTasks: Table } {
  const problems: SchemaProblem[] = [];
  for (const role of ['lessons', 'lessonTasks'] as const) {
    const table = prod[role];
    if (!table) {
      problems.push({ side: 'prod', kind: 'missing-table', table: TABLE_NAMES[role][0] });
      continue;
    }
    const needed = role === 'lessons' ? ['lesson_id', ...restored] : ['lesson_task_id', 'lesson_id'];
    for (const column of needed) {
      if (!table.columns.has(column)) problems.push({ side: 'prod', kind: 'missing-column', table: table.name, column });
    }
  }
  if (problems.length) throw new SchemaError(problems);
  return { lessons: prod.lessons!, lessonTasks: prod.lessonTasks! };
}

/** The columns an update writes, which an undo restores. */
export function restoredColumns(schema: SyncSchema): string[] {
  return [...CONTENT_FIELDS, ...(schema.homeworkStatus ? ['homework_status'] : []), ...(schema.updatedAt ? ['updated_at'] : [])];
}
