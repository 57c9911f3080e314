/** SQL fragments shared by the reads and the writes. */
import { CONTENT_FIELDS } from '../engine/types.js';

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** NULL or only whitespace: the planner's isEmpty, in SQL. */
export function sqlIsEmpty(expr: string): string {
  return `coalesce((${expr})::text, '') ~ '^[[:space:]]*$'`;
}

/** A bit per content field with a value (bit i = CONTENT_FIELDS[i]): one int instead of five texts. */
export function sqlFilledMask(alias: string): string {
  return CONTENT_FIELDS.map((field, bit) => `(CASE WHEN ${sqlIsEmpty(`${alias}.${quoteIdent(field)}`)} THEN 0 ELSE ${1 << bit} END)`).join(' + ');
}

export interface JsonColumn {
  name: string;
  /** cast applied to the element's text; none keeps text */
  type?: string;
  values?: readonly unknown[];
  /** the values, already serialized as a JSON array of texts */
  serialized?: string;
  /** an array already serialized as JSON (rows straight from the sandbox), passed as it is */
  json?: string;
}

/**
 * Bulk parameters travel as JSON arrays, one per column, and come back as a table here,
 * aligned by position (ROWS FROM). pg's own array serialization costs about eight times
 * the time and memory of JSON.stringify (measured: 10 batches of 9 × 50,000 values, 3.6 s
 * and 713 MB of garbage against 0.44 s and 151 MB). A `json` column keeps its elements as
 * json: a row read from the sandbox as one JSON text and never taken apart in JavaScript;
 * it is decoded once, as jsonb (json's `->>` parses the element's text again for each
 * field: 100,000 lessons with 350,000 tasks applied in 10.0 s that way, 8.0 s as jsonb).
 * Appends the parameters to `params`; returns a subquery.
 */
export function jsonTable(params: unknown[], columns: readonly JsonColumn[]): string {
  const sources = columns.map((column) => {
    params.push(column.json ?? column.serialized ?? JSON.stringify(column.values));
    return column.json === undefined ? `json_array_elements_text($${params.length}::json)` : `jsonb_array_elements($${params.length}::jsonb)`;
  });
  const select = columns.map((c, i) => (c.type ? `u.c${i}::${c.type} AS ${c.name}` : `u.c${i} AS ${c.name}`));
  return `(SELECT ${select.join(', ')} FROM ROWS FROM (${sources.join(', ')}) AS u(${columns.map((_, i) => `c${i}`).join(', ')}))`;
}
