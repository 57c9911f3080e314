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
