/** The seed's status marks (SPEC §4): the same in every language, kept with the words. */
export const marks = {
  create: '➕',
  update: '🔄',
  filled: '✅',
  skip: '⏭️',
  error: '❌',
  warning: '⚠️',
  ok: '✅',
  pending: '·',
  hint: '💡',
  /** a create or update that will be written, or that the operator left out */
  chosen: '●',
  leftOut: '○',
} as const;
