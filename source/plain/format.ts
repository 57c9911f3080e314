/** The seed's per-lesson block and summary, as lines: shared by the plain log and the report view. */
import type { PlanEntry, Summary } from '../engine/types.js';
import type { Messages } from '../i18n/index.js';
import type { SchemaWarning } from '../db/schema.js';

export function lessonHeader(entry: PlanEntry, m: Messages): string {
  return m.lessonHeader(entry.lessonDate, entry.studentName ?? m.noName, entry.platformId || m.noId);
}

/** What happens to one lesson: its action line and its result line(s). `dry`: "would". */
export function entryLines(entry: PlanEntry, m: Messages, dry: boolean): string[] {
  const lines: string[] = [];
  const tasks = dry ? entry.tasksToCopy.length : entry.tasksCopied;
  switch (entry.action) {
    case 'create':
      lines.push(dry ? m.plan.createDry : m.plan.create, dry ? m.done.createdDry(tasks) : m.done.created(tasks));
      break;
    case 'update':
      lines.push(dry ? m.plan.updateDry : m.plan.update, dry ? m.done.updatedDry(tasks) : m.done.updated(tasks));
      break;
    case 'skip':
    case 'error':
      lines.push(reasonLine(entry, m));
      break;
  }
  if ((entry.action === 'create' || entry.action === 'update') && entry.tasksMissingInProd.length) {
    lines.push(m.taskMissing(entry.tasksMissingInProd.join(', ')));
  }
  for (const kept of entry.action === 'update' ? entry.keptProdValues : []) lines.push(m.keptValue(kept.field, kept.value));
  return lines;
}

export function reasonLine(entry: PlanEntry, m: Messages): string {
  const r = m.reasons;
  switch (entry.reason) {
    case 'filled':
      return r.filled;
    case 'no-platform-id':
      return r['no-platform-id'];
    case 'student-not-found':
      return r['student-not-found'](entry.platformId ?? '');
    case 'up-to-date':
      return r['up-to-date'];
    case 'duplicate-in-sandbox':
      return r['duplicate-in-sandbox'](entry.message ?? '');
    case 'changed-since-preview':
      return r['changed-since-preview'];
    case 'ambiguous-student':
      return r['ambiguous-student'](entry.platformId ?? '', entry.message ?? '');
    case 'ambiguous-match':
      return r['ambiguous-match'](entry.message ?? '');
    case 'write-failed':
    default:
      return r['write-failed'](entry.message ?? '');
  }
}

export function summaryLines(summary: Summary, m: Messages, dry: boolean): string[] {
  const lines = [
    m.rule,
    dry ? m.summaryTitleDry : m.summaryTitle,
    m.synced(summary.created + summary.updated),
    m.skipped(summary.skipped),
    m.errors(summary.errors),
    ...m.breakdown(summary.created, summary.updated, summary.tasksCopied, summary.tasksMissingInProd),
  ];
  if (summary.changedSincePreview) lines.push(m.changedCount(summary.changedSincePreview));
  lines.push(m.rule);
  if (dry) lines.push(m.dryRunNote);
  return lines;
}

export function warningLine(warning: SchemaWarning, m: Messages): string {
  const w = m.schemaWarnings;
  switch (warning.kind) {
    case 'unmapped-foreign-key':
      return w['unmapped-foreign-key'](warning.table, warning.column, warning.references);
    case 'sandbox-only':
      return w['sandbox-only'](warning.table, warning.columns.join(', '));
    case 'prod-only':
      return w['prod-only'](warning.table, warning.columns.join(', '));
  }
}
