import { unreachable } from '../errors.js';
import type { EntryList, Summary } from './types.js';

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
  for (const entry of entries) {
    const action = entry.action;
    switch (action) {
      case 'create':
      case 'update':
        if (action === 'create') summary.created++;
        else summary.updated++;
        summary.tasksCopied += planned ? entry.tasksToCopy.length : entry.tasksCopied;
        summary.tasksMissingInProd += entry.tasksMissingInProd.length;
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
