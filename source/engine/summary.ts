import type { PlanEntry, Summary } from './types.js';

/** `planned`: count the tasks the plan would copy (a preview) rather than those written. */
export function summarize(entries: readonly PlanEntry[], planned = false): Summary {
  const summary: Summary = {
    lessons: entries.length,
    created: 0,
    updated: 0,
    skipped: 0,
    errors: 0,
    tasksCopied: 0,
    tasksMissingInProd: 0,
    changedSincePreview: 0,
  };
  for (const entry of entries) {
    if (entry.action === 'create') summary.created++;
    else if (entry.action === 'update') summary.updated++;
    else if (entry.action === 'skip') summary.skipped++;
    else summary.errors++;
    if (entry.action === 'create' || entry.action === 'update') {
      summary.tasksCopied += planned ? entry.tasksToCopy.length : entry.tasksCopied;
      summary.tasksMissingInProd += entry.tasksMissingInProd.length;
    }
    if (entry.reason === 'changed-since-preview') summary.changedSincePreview++;
  }
  return summary;
}
