/** Content fields as a bit mask (bit i = CONTENT_FIELDS[i]), and back. */
import { CONTENT_FIELDS, type ContentField } from './rows.js';

/** One shared array per combination: a million lessons do not each carry their own. */
const FIELD_SETS = Array.from({ length: 1 << CONTENT_FIELDS.length }, (_, mask) =>
  Object.freeze(CONTENT_FIELDS.filter((_, bit) => mask & (1 << bit))),
);

/** The content fields whose bit is set. */
export function fieldsOfMask(mask: number): readonly ContentField[] {
  return FIELD_SETS[mask]!;
}

export function maskOfFields(fields: readonly ContentField[]): number {
  return fields.reduce((mask, field) => mask | (1 << CONTENT_FIELDS.indexOf(field)), 0);
}
