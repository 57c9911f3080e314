/**
 * What both views say about a lesson and a run: the seed's per-lesson block, its reason
 * line, the summary block and the exit code. Text from the databases is escaped here
 * (SPEC §3), so neither view can send it raw.
 */
import { isWrite, type Filters, type PlanEntry, type Summary } from '../engine/types.js';
import type { Messages } from '../i18n/index.js';
import type { SchemaWarning } from '../db/schema.js';
import { BugError, unreachable } from '../common/errors.js';
import { printable, utcTime } from '../common/printable.js';
import type { SavedPlan } from '../storage/plan-file.js';

/** The lesson's student as a list shows it: name (platform_id), escaped. */
export function studentText(entry: Pick<PlanEntry, 'studentName' | 'platformId'>, m: Messages): { name: string; platformId: string } {
  return { name: entry.studentName === null ? m.noName : printable(entry.studentName), platformId: entry.platformId ? printable(entry.platformId) : m.noId };
}

export function lessonHeader(entry: Pick<PlanEntry, 'studentName' | 'platformId' | 'lessonDate'>, m: Messages): string {
  const { name, platformId } = studentText(entry, m);
  return m.lessonHeader(entry.lessonDate || m.noDate, name, platformId);
}

/**
 * Each lesson's block of the plain log (an empty line, the 📝 header, what happens) as one
 * text. A student's escaped texts are made once, not twice a lesson.
 */
export class LessonBlocks {
  /** by name, then platform_id; at most STUDENTS_KEPT of them */
  private readonly students = new Map<string | null, Map<string | null, { name: string; platformId: string }>>();
  private kept = 0;

  constructor(
    private readonly m: Messages,
    private readonly dry: boolean,
  ) {}

  block(entry: PlanEntry): string {
    const { name, platformId } = this.student(entry);
    return `\n${this.m.lessonHeader(entry.lessonDate || this.m.noDate, name, platformId)}\n${entryLines(entry, this.m, this.dry).join('\n')}`;
  }

  private student(entry: PlanEntry): { name: string; platformId: string } {
    let byId = this.students.get(entry.studentName);
    let text = byId?.get(entry.platformId);
    if (text) return text;
    text = studentText(entry, this.m);
    if (this.kept < STUDENTS_KEPT) {
      if (!byId) this.students.set(entry.studentName, (byId = new Map()));
      byId.set(entry.platformId, text);
      this.kept++;
    }
    return text;
  }
}

const STUDENTS_KEPT = 50_000;

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
  if (isWrite(entry) && entry.tasksMissingInProd.length) {
    lines.push(m.taskMissing(missingTasksText(entry.tasksMissingInProd, m)));
  }
  for (const kept of entry.action === 'update' ? entry.keptProdValues : []) lines.push(m.keptValue(kept.field, printable(kept.value)));
  return lines;
}

/** The tasks a write skips: their task_ids, and a sandbox LessonTask without one said in words. */
export function missingTasksText(ids: readonly (number | null)[], m: Messages): string {
  return ids.map((id) => (id === null ? m.noTaskId : String(id))).join(', ');
}

/** Why a lesson is skipped or in error, as one line. */
export function reasonLine(entry: PlanEntry, m: Messages): string {
  const r = m.reasons;
  const message = printable(entry.message ?? '');
  const platformId = printable(entry.platformId ?? '');
  const reason = entry.reason;
  switch (reason) {
    case 'filled':
      return r.filled;
    case 'no-platform-id':
    case 'no-student':
    case 'no-lesson-date':
      return r[reason];
    case 'student-not-found':
      return r['student-not-found'](platformId);
    case 'up-to-date':
      return r['up-to-date'];
    case 'duplicate-in-sandbox':
      return r['duplicate-in-sandbox'](message);
    case 'changed-since-preview':
      return r['changed-since-preview'];
    case 'ambiguous-student':
      return r['ambiguous-student'](platformId, message.split(', '));
    case 'ambiguous-match':
      return r['ambiguous-match'](message.split(', '));
    case 'write-failed':
      return r['write-failed'](message);
    case 'prod-would-reject':
      return r['prod-would-reject'](message);
    case 'excluded':
      return r.excluded;
    case 'not-in-plan':
      return r['not-in-plan'];
    case null:
      throw new BugError(`lesson ${entry.sandboxLessonId} is ${entry.action} without a reason`);
    default:
      return unreachable(reason);
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
  if (summary.excluded) lines.push(m.excludedCount(summary.excluded));
  if (summary.notInPlan) lines.push(m.notInPlanCount(summary.notInPlan));
  lines.push(m.rule);
  if (dry) lines.push(m.dryRunNote);
  return lines;
}

export function warningLine(warning: SchemaWarning, m: Messages): string {
  const w = m.schemaWarnings;
  switch (warning.kind) {
    case 'unmapped-foreign-key':
      return w['unmapped-foreign-key'](printable(warning.table), printable(warning.column), printable(warning.references));
    case 'sandbox-only':
      return w['sandbox-only'](printable(warning.table), printable(warning.columns.join(', ')));
    case 'prod-only':
      return w['prod-only'](printable(warning.table), printable(warning.columns.join(', ')));
    case 'narrower-in-prod':
      return w['narrower-in-prod'](printable(warning.table), printable(warning.column), printable(warning.prodType), printable(warning.sandboxType));
    case 'prod-trigger':
      return w['prod-trigger'](printable(warning.table), printable(warning.trigger.name), warning.trigger.timing, warning.trigger.events.join(' OR '));
    default:
      return unreachable(warning);
  }
}

/** The filters as they were given on the command line; empty when there are none. */
export function filtersText(filters: Filters): string {
  return [...filters.students.map((s) => `--student ${s}`), ...(filters.since ? [`--since ${filters.since}`] : []), ...(filters.until ? [`--until ${filters.until}`] : [])].join(' ');
}

/** "📄 Plan FILE, saved …: 12 lessons, 5 to write": which reviewed plan this run follows. */
export function planLoadedLine(saved: SavedPlan, m: Messages): string {
  return m.planLoaded(printable(saved.path), utcTime(saved.header.createdAt), saved.lessons.size, saved.lessons.selectedCount());
}
