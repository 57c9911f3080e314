import { unreachable } from '../common/errors.js';
import { PlanEntries, type Tally } from './plan-entries.js';
import type { EntryList, PlanEntry, Summary } from './types.js';

const tallyOf = (entry: PlanEntry): Tally => ({
  action: entry.action,
  reason: entry.reason,
  tasksToCopy: entry.tasksToCopy.length,
  tasksCopied: entry.tasksCopied,
  tasksMissingInProd: entry.tasksMissingInProd.length,
});

/** `planned`: count the tasks the plan would copy (a preview) rather than those written. */
export function summarize(entries: EntryList, planned = false): Summary {
  const summary: Summary = {
    lessons: entries.length,
    created: 0,
    updated: 0,
    skipped: 0,
    errors: 0,
    tasksCopied: 0,
    tasksMissingInProd: 0,
    changedSincePreview: 0,
    excluded: 0,
    notInPlan: 0,
  };
  // a plan's columns are counted as they are, without making each entry an object
  const columns = entries instanceof PlanEntries ? entries : undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = columns ? columns.tallyAt(i) : tallyOf(entries.at(i)!);
    const action = entry.action;
    switch (action) {
      case 'create':
      case 'update':
        if (action === 'create') summary.created++;
        else summary.updated++;
        summary.tasksCopied += planned ? entry.tasksToCopy : entry.tasksCopied;
        summary.tasksMissingInProd += entry.tasksMissingInProd;
        break;
      case 'skip':
        summary.skipped++;
        break;
      case 'error':
        summary.errors++;
        break;
      default:
        unreachable(action);
    }
    if (entry.reason === 'changed-since-preview') summary.changedSincePreview++;
    if (entry.reason === 'excluded') summary.excluded++;
    if (entry.reason === 'not-in-plan') summary.notInPlan++;
  }
  return summary;
}
