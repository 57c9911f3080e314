/**
 * What prod would reject of the values a plan writes, found by prod itself before anything
 * is written (SPEC §2.9), read-only: no row written, no lock beyond a SELECT's, no sequence
 * advanced. For the creates, the updates (the row as it would be, filled fields over prod's
 * row) and the LessonTasks they copy, prod evaluates:
 *
 * - its CHECK constraints on "Lessons" and "LessonTasks", the expressions as it holds them;
 * - NOT NULL columns a create or a copied task would leave NULL;
 * - whether each value fits the column's type: a length or precision prod declares narrower
 *   (it would cut or round), a number too big for numeric(p, s), an integer out of range,
 *   a label that is not one of an enum's, a domain's NOT NULL and CHECKs.
 *
 * Each value is made its typed self only once it is known to fit, so no row's value stops
 * the whole query. A constant number of queries a slice of the plan: the sandbox's values of
 * the columns some rule reads, then one query a table in prod. None at all where prod has
 * nothing to check (Predictor.for is undefined).
 */
import { CONTENT_FIELDS, isWrite, type PlanEntry } from '../engine/types.js';
import type { Db } from './client.js';
import { isRowLevel, safeMessage } from './errors.js';
import type { ColumnKind, TableGuards } from './guards.js';
import { rowsAsJson, wallType } from './read.js';
import { mayNotFit, typmodOf, type Column, type SyncSchema, type Table } from './schema.js';
import { jsonTable, quoteIdent } from './sql.js';

/** What a message shows of a value at most (a longer one is told by its length). */
const SHOWN = 60;

/** One thing prod checks of a row: SQL that is a text when the row breaks it (what it shows), NULL when not. */
interface Rule {
  sql: string;
  message: (shown: string) => string;
}

/** A column of the row under test: where its value comes from, and how it is made typed. */
interface Source {
  column: Column;
  /** SQL: the sandbox's text of it (`b.lesson_sync_r->>i`) */
  raw: string;
}

const INT_RANGES: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};
const NARROWER_OR_SAME: Record<string, readonly string[]> = {
  smallint: ['smallint'],
  integer: ['smallint', 'integer'],
  bigint: ['smallint', 'integer', 'bigint'],
};

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const shownValue = (text: string) => (text.length > SHOWN ? `a text of ${text.length} characters` : text);

/** A domain CHECK's expression over a value: VALUE (outside quoted text) replaced by it. */
function overValue(expression: string, value: string): string {
  return expression.replace(/('(?:[^']|'')*'|"(?:[^"]|"")*")|\bVALUE\b/g, (_match, quoted: string | undefined) => quoted ?? `(${value})`);
}

/**
 * The rules one written column brings, and its value typed for the table's CHECKs: made
 * only when every rule of the column's type holds (a NULL otherwise, which no CHECK fails).
 */
function columnRules(table: string, source: Source, sandboxType: string | undefined, sandboxNullable: boolean, kind: ColumnKind | undefined): { typed: string; rules: Rule[] } {
  const { column, raw } = source;
  const label = `${quoteIdent(table)}.${column.name}`;
  const domain = kind?.kind === 'domain' ? kind : undefined;
  const enumKind = kind?.kind === 'enum' ? kind : undefined;
  const declared = domain ? domain.baseType : column.type;
  const { base, args } = typmodOf(declared);
  const lenient = enumKind ? column.valueType : domain ? base : column.valueType;
  const rules: Rule[] = [];
  const fits: string[] = [];

  if (sandboxNullable && (column.notNull || domain?.notNull)) {
    rules.push({
      sql: `CASE WHEN ${raw} IS NULL THEN 'NULL' END`,
      message: () => (column.notNull ? `${label} is NOT NULL in prod, and the sandbox has no value` : `${label}: NULL is not allowed by prod's domain ${domain!.type}`),
    });
  }
  if (enumKind) {
    const member = `${raw} = ANY (ARRAY[${enumKind.labels.map(literal).join(', ')}]::text[])`;
    rules.push({
      sql: `CASE WHEN ${raw} IS NOT NULL AND NOT (${member}) THEN ${raw} END`,
      message: (shown) => `${label}: ${shownValue(shown)} is not a value of prod's enum ${enumKind.type} (${enumKind.labels.join(', ')})`,
    });
    fits.push(`coalesce(${member}, true)`);
  }
  if (base === 'numeric' && args.length) {
    const [precision, scale = 0] = args as [number, number?];
    const overflow = `abs(round((${raw})::numeric, ${scale})) >= 10::numeric ^ ${precision - scale}`;
    rules.push({ sql: `CASE WHEN ${raw} IS NOT NULL AND ${overflow} THEN ${raw} END`, message: (shown) => `${label}: ${shownValue(shown)} is too big for prod's ${declared}` });
    fits.push(`NOT coalesce(${overflow}, false)`);
  }
  const range = INT_RANGES[base];
  if (range && sandboxType !== undefined && !NARROWER_OR_SAME[base]!.includes(sandboxType)) {
    const outside = `(${raw})::numeric NOT BETWEEN ${range[0]} AND ${range[1]}`;
    rules.push({ sql: `CASE WHEN ${raw} IS NOT NULL AND ${outside} THEN ${raw} END`, message: (shown) => `${label}: ${shownValue(shown)} is out of range for prod's ${declared}` });
    fits.push(`NOT coalesce(${outside}, false)`);
  }
  const guarded = (sql: string) => (fits.length ? `CASE WHEN ${fits.join(' AND ')} THEN ${sql} END` : sql);
  // a length or precision prod declares narrower than the sandbox's: an explicit cast would cut or round without a word
  if (sandboxType !== undefined && mayNotFit(sandboxType, { type: declared, typmod: args.length > 0 })) {
    const kept = `((${raw})::${declared})::text`;
    rules.push({
      sql: guarded(`CASE WHEN ${raw} IS NOT NULL AND (${raw})::${lenient} IS DISTINCT FROM (${raw})::${declared} THEN json_build_array(${raw}, ${kept})::text END`),
      message: (shown) => {
        const [value, written] = JSON.parse(shown) as [string, string];
        return `${label}: ${shownValue(value)} would be written as ${shownValue(written)} (prod's ${declared})`;
      },
    });
  }
  const typed = guarded(`(${raw})::${lenient}`);
  for (const check of domain?.checks ?? []) {
    const expression = overValue(check.expression, typed);
    rules.push({
      sql: `CASE WHEN ${raw} IS NOT NULL AND (${expression}) IS FALSE THEN ${raw} END`,
      message: (shown) => `${label}: ${shownValue(shown)} breaks CHECK ${quoteIdent(check.name)} ${check.expression} of prod's domain ${domain!.type}`,
    });
  }
  return { typed, rules };
}

/** What one prod table checks of the rows the sync writes there. */
class TableRules {
  constructor(
    readonly table: Table,
    /** the written columns some rule reads, in the order the sandbox's values are read */
    readonly read: Column[],
    private readonly guards: TableGuards,
    private readonly sandbox: Table,
  ) {}

  /** Whether one of prod's CHECKs reads this column. */
  reads(name: string): boolean {
    return this.guards.checks.some((check) => check.columns.includes(name));
  }

  /** Whether prod checks anything of these rows at all. */
  get any(): boolean {
    return this.read.length > 0 || this.guards.checks.length > 0;
  }

  /**
   * The query's parts over `b` (the batch's rows, the sandbox's values in lesson_sync_r):
   * the typed row `t` with every column of the table, and the rules in the order they are told.
   * `when(column)`: SQL true where this write writes the column (null: always, 'false': never);
   * `written(column, typed)`: the column's value as the write leaves it (typed: the sandbox's).
   */
  parts(when: (column: Column) => string | null, written: (column: Column, typed: string | undefined) => string): { row: string; rules: Rule[] } {
    const rules: Rule[] = [];
    const typedOf = new Map<string, string>();
    this.read.forEach((column, i) => {
      const gate = when(column);
      if (gate === 'false') return;
      const sandboxColumn = this.sandbox.columns.get(column.name);
      const made = columnRules(this.table.name, { column, raw: `lesson_sync_r->>${i + 1}` }, sandboxColumn?.type, !sandboxColumn?.notNull, this.guards.kinds.get(column.name));
      typedOf.set(column.name, made.typed);
      rules.push(...made.rules.map((rule) => (gate === null ? rule : { ...rule, sql: `CASE WHEN ${gate} THEN ${rule.sql} END` })));
    });
    for (const check of this.guards.checks) {
      const values = check.columns.map((name) => `coalesce((t.${quoteIdent(name)})::text, 'NULL')`);
      const shown = values.length === 1 ? values[0]! : `concat_ws(', ', ${check.columns.map((name, i) => `${literal(`${name}=`)} || ${values[i]}`).join(', ')})`;
      rules.push({ sql: `CASE WHEN (${check.expression}) IS FALSE THEN ${shown} END`, message: (text) => `CHECK ${quoteIdent(check.name)} ${check.expression}: ${text}` });
    }
    const row = [...this.table.columns.values()].map((column) => `${written(column, typedOf.get(column.name))} AS ${quoteIdent(column.name)}`);
    return { row: row.join(', '), rules };
  }
}

/** A NULL of the column's type, loose enough that no domain refuses it. */
function nullOf(column: Column, kind: ColumnKind | undefined): string {
  return `NULL::${kind?.kind === 'domain' ? typmodOf(kind.baseType).base : column.valueType}`;
}

export class Predictor {
  private constructor(
    private readonly schema: SyncSchema,
    private readonly lessons: TableRules,
    private readonly tasks: TableRules,
  ) {}

  /** The predictor of this schema, or undefined when prod checks nothing the sync writes (no query is ever sent then). */
  static for(schema: SyncSchema): Predictor | undefined {
    const rulesOf = (sandbox: Table, prod: Table, guards: TableGuards, copied: SyncSchema['lessonCopy']) => {
      const referenced = new Set(guards.checks.flatMap((check) => check.columns));
      const read = copied
        .map((c) => prod.columns.get(c.name)!)
        .filter((column) => {
          const sandboxColumn = sandbox.columns.get(column.name)!;
          const kind = guards.kinds.get(column.name);
          const declared = kind?.kind === 'domain' ? kind.baseType : column.type;
          return (
            referenced.has(column.name) ||
            kind !== undefined ||
            (column.notNull && !sandboxColumn.notNull) ||
            mayNotFit(sandboxColumn.type, { type: declared, typmod: typmodOf(declared).args.length > 0 }) ||
            (INT_RANGES[typmodOf(declared).base] !== undefined && !NARROWER_OR_SAME[typmodOf(declared).base]!.includes(sandboxColumn.type))
          );
        });
      return new TableRules(prod, read, guards, sandbox);
    };
    const lessons = rulesOf(schema.sandbox.lessons, schema.prod.lessons, schema.prodGuards.lessons, schema.lessonCopy);
    const tasks = rulesOf(schema.sandbox.lessonTasks, schema.prod.lessonTasks, schema.prodGuards.lessonTasks, schema.taskCopy);
    return lessons.any || tasks.any ? new Predictor(schema, lessons, tasks) : undefined;
  }

  /**
   * The writes among `entries` prod would reject, by their index there, and why. A value no
   * rule foresaw that still stops prod's query (a text that is no number) is found by
   * halving the batch, read-only: its lesson is told with prod's own words.
   */
  async rejections(sandboxDb: Db, prodDb: Db, entries: readonly PlanEntry[]): Promise<Map<number, string>> {
    const found = new Map<number, string>();
    const writes = entries.flatMap((entry, i) => (isWrite(entry) ? [i] : []));
    if (!writes.length) return found;
    const values = await sandboxDb.guard(() => this.readValues(sandboxDb, writes.map((i) => entries[i]!)));
    const check = async (part: number[]): Promise<void> => {
      try {
        const told = await this.ask(prodDb, part.map((k) => entries[writes[k]!]!), part, values);
        for (const [k, why] of told) if (!found.has(writes[k]!)) found.set(writes[k]!, why);
      } catch (error) {
        // a value no rule foresaw stopped the query (a data error): found by halving
        if (!isRowLevel(error)) throw prodDb.explain(error);
        if (part.length === 1) return void found.set(writes[part[0]!]!, safeMessage(error));
        const half = Math.ceil(part.length / 2);
        await check(part.slice(0, half));
        await check(part.slice(half));
      }
    };
    await check(writes.map((_, k) => k));
    return found;
  }

  /**
   * The sandbox's values of the columns some rule reads, as rows `[id, value…]` in the writes'
   * order: a query a table, but none for LessonTasks whose rules read only what the plan holds
   * of them already (task_id, assignment_type).
   */
  private async readValues(db: Db, writes: PlanEntry[]): Promise<Values> {
    const { sandbox } = this.schema;
    const lessonDate = { lesson_date: `t.lesson_date::${wallType(sandbox.lessons.columns.get('lesson_date')!.type)}` };
    const ids = writes.map((e) => e.sandboxLessonId);
    const lessons = this.lessons.read.length ? (JSON.parse(await rowsAsJson(db, sandbox.lessons.sql, 'lesson_id', this.lessons.read, ids, lessonDate)) as Row[]) : ids.map((id) => [id]);
    const taskOwners: number[] = [];
    const tasks: Row[] = [];
    if (this.tasks.any) {
      const held = this.tasks.read.every((c) => c.name === 'task_id' || c.name === 'assignment_type');
      const taskIds: number[] = [];
      writes.forEach((entry, k) => {
        for (const task of entry.tasksToCopy.tasks()) {
          taskOwners.push(k);
          if (held) tasks.push([task.id, ...this.tasks.read.map((c) => (c.name === 'task_id' ? String(task.taskId) : task.assignmentType))]);
          else taskIds.push(task.id);
        }
      });
      if (!held && taskIds.length) tasks.push(...(JSON.parse(await rowsAsJson(db, sandbox.lessonTasks.sql, 'lesson_task_id', this.tasks.read, taskIds)) as Row[]));
    }
    return { lessons, tasks, taskOwners };
  }

  /**
   * One query in prod for these writes (`at`: each one's position among the batch's writes,
   * whose values `values` holds): the first rule each breaks, by that position. Creates and
   * LessonTasks whose values read alike are one row of the query: their verdict is the same.
   */
  private async ask(db: Db, writes: PlanEntry[], at: number[], values: Values): Promise<Map<number, string>> {
    const params: unknown[] = [];
    const parts: string[] = [];
    /** by part: its rules, and by the query's row index the positions it stands for */
    const told: { rules: Rule[]; owners: number[][] }[] = [];
    const judge = (rows: Sent, from: (sent: Sent) => string, made: { row: string; rules: Rule[] }) => {
      if (!made.rules.length || !rows.rows.length) return;
      told.push({ rules: made.rules, owners: rows.owners });
      const part = told.length - 1;
      const cases = made.rules.map((rule, n) => `(${n}, ${rule.sql})`);
      // the rules see the row under test alone: a CHECK's bare column names are its columns
      parts.push(
        `SELECT ${part}, t.lesson_sync_k, x.n, x.shown FROM (SELECT b.*, ${made.row} FROM ${from(rows)}) AS t
           CROSS JOIN LATERAL (SELECT n, shown FROM (VALUES ${cases.join(', ')}) AS v(n, shown) WHERE shown IS NOT NULL ORDER BY n LIMIT 1) AS x`,
      );
    };
    const kinds = this.schema.prodGuards.lessons.kinds;

    if (this.lessons.any) {
      const creates = writes.flatMap((e, j) => (e.action === 'create' ? [j] : []));
      const updates = writes.flatMap((e, j) => (e.action === 'update' ? [j] : []));
      const byStudent = this.lessons.reads('student_id');
      judge(
        alike(creates.map((j) => ({ row: values.lessons[at[j]!]!, k: at[j]!, also: byStudent ? writes[j]!.prodStudentId : null }))),
        (sent) => `${jsonTable(params, [
          { name: 'lesson_sync_r', json: JSON.stringify(sent.rows) },
          { name: 'lesson_sync_k', type: 'int4', values: sent.rows.map((_, g) => g) },
          { name: 'lesson_sync_student', type: 'int8', values: sent.also },
        ])} AS b`,
        this.lessons.parts(
          () => null,
          (column, typed) => typed ?? (column.name === 'student_id' ? `b.lesson_sync_student::${column.valueType}` : nullOf(column, kinds.get(column.name))),
        ),
      );
      const fillable = new Set<string>([...CONTENT_FIELDS, ...(this.schema.homeworkStatus ? ['homework_status'] : [])]);
      const gate = (column: Column) => (fillable.has(column.name) ? `lesson_sync_fill ? ${literal(column.name)}` : 'false');
      // an update's row is prod's own, filled: each is asked on its own
      judge(
        { rows: updates.map((j) => values.lessons[at[j]!]!), owners: updates.map((j) => [at[j]!]), also: updates.map((j) => writes[j]!.prodLessonId) },
        (sent) => `${jsonTable(params, [
          { name: 'lesson_sync_r', json: JSON.stringify(sent.rows) },
          { name: 'lesson_sync_k', type: 'int4', values: sent.rows.map((_, g) => g) },
          { name: 'lesson_sync_id', type: 'int8', values: sent.also },
          { name: 'lesson_sync_fill', type: 'jsonb', values: updates.map((j) => writes[j]!.fieldsFilled) },
        ])} AS b JOIN ${this.lessons.table.sql} AS p ON p.lesson_id = b.lesson_sync_id`,
        this.lessons.parts(gate, (column, typed) => {
          const own = `p.${quoteIdent(column.name)}`;
          if (column.name === 'updated_at' && this.schema.updatedAt) return `now()::${column.valueType}`;
          return typed !== undefined && fillable.has(column.name) ? `CASE WHEN ${gate(column)} THEN ${typed} ELSE ${own} END` : own;
        }),
      );
    }
    if (this.tasks.any) {
      const positions = new Set(at);
      const taskKinds = this.schema.prodGuards.lessonTasks.kinds;
      const mine = values.taskOwners.flatMap((owner, t) => (positions.has(owner) ? [{ row: values.tasks[t]!, k: owner, also: null }] : []));
      judge(
        alike(mine),
        (sent) => `${jsonTable(params, [
          { name: 'lesson_sync_r', json: JSON.stringify(sent.rows) },
          { name: 'lesson_sync_k', type: 'int4', values: sent.rows.map((_, g) => g) },
        ])} AS b`,
        this.tasks.parts(
          () => null,
          (column, typed) => typed ?? nullOf(column, taskKinds.get(column.name)),
        ),
      );
    }
    const found = new Map<number, string>();
    if (!parts.length) return found;
    // the lesson's own rules first, then its tasks'; each in the order they are listed
    const rows = (await db.rows(`${parts.join(' UNION ALL ')} ORDER BY 1, 3`, params)) as [number, number, number, string][];
    for (const [part, g, n, shown] of rows) {
      const { rules, owners } = told[part]!;
      for (const k of owners[g]!) if (!found.has(k)) found.set(k, rules[n]!.message(shown));
    }
    return found;
  }
}

/** A row of the sandbox's values: its id, then the read columns' texts. */
type Row = unknown[];

interface Values {
  /** by write, in the batch's order */
  lessons: Row[];
  /** the LessonTasks the writes copy, and the write each belongs to */
  tasks: Row[];
  taskOwners: number[];
}

/** The rows a part of the query sends, and the positions of the writes each stands for. */
interface Sent {
  rows: Row[];
  owners: number[][];
  also: unknown[];
}

/** Rows whose values (not their ids) and `also` read alike, sent once for every write they belong to. */
function alike(items: { row: Row; k: number; also: unknown }[]): Sent {
  const byKey = new Map<string, number>();
  const sent: Sent = { rows: [], owners: [], also: [] };
  for (const { row, k, also } of items) {
    const key = JSON.stringify([also, ...row.slice(1)]);
    let g = byKey.get(key);
    if (g === undefined) {
      byKey.set(key, (g = sent.rows.length));
      sent.rows.push(row);
      sent.owners.push([]);
      sent.also.push(also);
    }
    sent.owners[g]!.push(k);
  }
  return sent;
}
