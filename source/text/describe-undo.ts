/** What both views say about an undo: each lesson's lines and the summary block. */
import { unreachable } from '../common/errors.js';
import type { Messages } from '../i18n/index.js';
import { printable, utcTime } from '../common/printable.js';
import type { UndoFile, UndoFileSummary } from '../storage/undo-file.js';
import { changedColumns, type UndoEntry, type UndoSummary } from '../undo/plan.js';

/** "📄 Undo file FILE: the sync of …, N lessons". */
export function undoFileLine(file: UndoFile, m: Messages): string {
  return m.undo.file(printable(file.path), utcTime(file.header.createdAt), file.lessons.length);
}

/** `dry`: what it would do; otherwise what it did. */
export function undoEntryLines(entry: UndoEntry, columns: readonly string[], m: Messages, dry: boolean): string[] {
  const u = m.undo;
  const { lesson } = entry;
  switch (entry.action) {
    case 'remove':
      return [dry ? u.remove(lesson.tasks.length) : u.removed(lesson.tasks.length)];
    case 'restore': {
      const fields = printable(changedColumns(lesson, columns).join(', '));
      return [dry ? u.restore(fields) : u.restored(fields), ...(lesson.tasks.length ? [u.removeAdded(lesson.tasks.length)] : [])];
    }
    case 'keep':
      return [u.reasons[entry.reason ?? 'changed-since']];
    default:
      return unreachable(entry.action);
  }
}

/** An undo's lesson in full, for its details: what it does, each value it puts back (now → before), the LessonTasks it removes. */
export function undoDetailsLines(entry: UndoEntry, columns: readonly string[], m: Messages, dry: boolean): string[] {
  const d = m.undo.ui.details;
  const { lesson } = entry;
  // a value of only spaces is shown quoted, or it would read as nothing
  const shown = (value: string | null | undefined) => (value === null || value === undefined ? d.nullValue : /^\s*$/.test(value) ? printable(JSON.stringify(value)) : printable(value));
  const lines = [d.ids(lesson.sandboxLessonId, lesson.prodLessonId), ...undoEntryLines(entry, columns, m, dry)];
  if (lesson.kind === 'updated' && lesson.before && lesson.written) {
    lines.push('', d.valuesTitle);
    columns.forEach((column, i) => {
      if (lesson.before![i] !== lesson.written![i]) lines.push(`  ${printable(column)}: ${shown(lesson.written![i])} → ${shown(lesson.before![i])}`);
    });
  }
  if (lesson.tasks.length) lines.push('', d.tasksTitle, `  ${lesson.tasks.map((id) => `#${id}`).join(', ')}`);
  return lines;
}

/** One sync of `undo --list` (and the wizard's pick): when, which prod, what it wrote, where it stands. */
export function syncLine(sync: UndoFileSummary, m: Messages): string {
  const l = m.undo.list;
  const counts = sync.created === undefined || sync.updated === undefined ? l.lessons(sync.lessons) : l.counts(sync.created, sync.updated);
  const state = sync.undone ? l.undone : sync.committed ? l.committed : l.notCommitted;
  return `${utcTime(sync.createdAt)}  ${printable(sync.prod.database)}  ${counts}  ${state}`;
}

/** `undo --list`: every sync, newest first, each with its file. */
export function syncListLines(syncs: readonly UndoFileSummary[], dir: string, m: Messages): string[] {
  if (!syncs.length) return [m.undo.list.none(printable(dir))];
  return [m.undo.list.title(printable(dir)), ...syncs.flatMap((sync) => [`  ${syncLine(sync, m)}`, `     ${printable(sync.path)}`])];
}

export function undoSummaryLines(summary: UndoSummary, m: Messages, dry: boolean): string[] {
  const u = m.undo;
  const lines = [m.rule, dry ? u.summaryTitleDry : u.summaryTitle, ...u.summary(summary.removed, summary.restored, summary.tasksRemoved)];
  if (summary.kept) lines.push(u.kept(summary.kept));
  if (summary.alreadyUndone) lines.push(u.alreadyUndone(summary.alreadyUndone));
  lines.push(m.rule);
  if (dry) lines.push(m.dryRunNote);
  return lines;
}

