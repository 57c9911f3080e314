/**
 * What a database's schema enforces beyond its columns, read once at the checks: row-level
 * security that applies to this session's user (SPEC §2: rows it hides would be created
 * twice), prod's CHECK constraints, enum and domain column types (what prediction.ts
 * evaluates before anything is written) and user triggers (whose effects nobody can
 * predict). One query a side, whatever the tables hold.
 */
import type { Db } from './client.js';

/** A table as introspection found it (schema.ts Table): its oid and its name. */
interface FoundTable {
  oid: number;
  name: string;
}

export interface CheckRule {
  name: string;
  /** as pg_get_constraintdef prints it: `CHECK ((homework_result_percent <= 100))` */
  definition: string;
  /** the boolean expression alone, over the table's bare column names */
  expression: string;
  /** the columns it reads */
  columns: string[];
}

export type ColumnKind =
  | { kind: 'enum'; type: string; labels: string[] }
  | { kind: 'domain'; type: string; baseType: string; notNull: boolean; checks: { name: string; expression: string }[] };

export interface Trigger {
  name: string;
  timing: 'BEFORE' | 'AFTER' | 'INSTEAD OF';
  events: string[];
}

export interface TableGuards {
  /** row-level security applies to this user: the policies that do (none: every row is hidden) */
  rowSecurity: { policies: string[] } | null;
  checks: CheckRule[];
  triggers: Trigger[];
  /** the table's columns of an enum or a domain type */
  kinds: Map<string, ColumnKind>;
}

interface GuardRow {
  oid: number;
  rls: boolean;
  policies: string[];
  checks: { name: string; definition: string; expression: string; columns: string[] }[];
  triggers: { name: string; type: number }[];
  kinds: { column: string; kind: string; type: string; labels: string[] | null; base: string | null; not_null: boolean; checks: { name: string; expression: string }[] | null }[];
}

// pg_trigger.tgtype bits (PostgreSQL's trigger.h)
const BEFORE = 1 << 1;
const INSERT = 1 << 2;
const DELETE = 1 << 3;
const UPDATE = 1 << 4;
const TRUNCATE = 1 << 5;
const INSTEAD = 1 << 6;

function triggerOf(name: string, type: number): Trigger {
  const events = [[INSERT, 'INSERT'], [UPDATE, 'UPDATE'], [DELETE, 'DELETE'], [TRUNCATE, 'TRUNCATE']] as const;
  return {
    name,
    timing: type & INSTEAD ? 'INSTEAD OF' : type & BEFORE ? 'BEFORE' : 'AFTER',
    events: events.filter(([bit]) => type & bit).map(([, event]) => event),
  };
}

/** The guards of these tables, by table name: one query. */
export async function readGuards(db: Db, tables: readonly FoundTable[]): Promise<Map<string, TableGuards>> {
  const { rows } = await db.query<GuardRow>(
    `SELECT c.oid::int AS oid,
            c.relrowsecurity AND NOT r.rolsuper AND NOT r.rolbypassrls
              AND (c.relforcerowsecurity OR NOT pg_has_role(c.relowner, 'USAGE')) AS rls,
            ARRAY(SELECT p.polname::text FROM pg_policy p
                   WHERE p.polrelid = c.oid AND EXISTS (SELECT 1 FROM unnest(p.polroles) AS pr WHERE pr = 0 OR pg_has_role(pr, 'USAGE'))
                   ORDER BY p.polname) AS policies,
            (SELECT coalesce(json_agg(json_build_object(
                      'name', k.conname, 'definition', pg_get_constraintdef(k.oid), 'expression', pg_get_expr(k.conbin, k.conrelid),
                      'columns', ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) ORDER BY a.attnum))
                    ORDER BY k.conname), '[]')
               FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c') AS checks,
            (SELECT coalesce(json_agg(json_build_object('name', t.tgname, 'type', t.tgtype) ORDER BY t.tgname), '[]')
               FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgenabled <> 'D') AS triggers,
            (SELECT coalesce(json_agg(json_build_object(
                      'column', a.attname, 'kind', t.typtype, 'type', format_type(t.oid, NULL),
                      'labels', CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END,
                      'base', CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
                      'not_null', t.typnotnull,
                      'checks', CASE WHEN t.typtype = 'd' THEN
                        (SELECT json_agg(json_build_object('name', d.conname, 'expression', pg_get_expr(d.conbin, 0)) ORDER BY d.conname)
                           FROM pg_constraint d WHERE d.contypid = t.oid AND d.contype = 'c') END)
                    ORDER BY a.attnum), '[]')
               FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype IN ('e', 'd')) AS kinds
       FROM pg_class c, pg_roles r
      WHERE c.oid = ANY ($1::oid[]) AND r.rolname = current_user`,
    [tables.map((t) => t.oid)],
  );
  const byOid = new Map(rows.map((row) => [row.oid, row]));
  const guards = new Map<string, TableGuards>();
  for (const table of tables) {
    const row = byOid.get(table.oid);
    if (!row) continue;
    guards.set(table.name, {
      rowSecurity: row.rls ? { policies: row.policies } : null,
      checks: row.checks,
      triggers: row.triggers.map((t) => triggerOf(t.name, t.type)),
      kinds: new Map(
        row.kinds.map((k): [string, ColumnKind] => [
          k.column,
          k.kind === 'e'
            ? { kind: 'enum', type: k.type, labels: k.labels ?? [] }
            : { kind: 'domain', type: k.type, baseType: k.base!, notNull: k.not_null, checks: k.checks ?? [] },
        ]),
      ),
    });
  }
  return guards;
}
