import { TaskList, TaskTable } from '../../source/engine/task-table.js';
import type { Action, PlanEntry, Reason } from '../../source/engine/types.js';

const SHAPES: [Action, Reason | null][] = [
  ['create', null],
  ['update', null],
  ['skip', 'filled'],
  ['skip', 'student-not-found'],
  ['error', 'ambiguous-match'],
];

/** Plan entries without a database: for the views. */
export function syntheticEntries(count: number): PlanEntry[] {
  const entries: PlanEntry[] = [];
  // one task a lesson, lesson i + 1's at row i: what a create copies
  const tasks = TaskTable.from(Array.from({ length: count }, (_, i) => ({ lessonId: i + 1, id: i + 1, taskId: 7, assignmentType: 'homework' })));
  for (let i = 0; i < count; i++) {
    const [action, reason] = SHAPES[i % SHAPES.length]!;
    entries.push({
      sandboxLessonId: i + 1,
      platformId: `pid-${String(i).padStart(4, '0')}`,
      studentName: `Student ${i}`,
      lessonDate: `2025-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`,
      duration: 60,
      action,
      reason,
      prodStudentId: 1,
      prodLessonId: action === 'create' ? null : 1000 + i,
      fieldsFilled: action === 'update' ? ['topic', 'notes'] : [],
      filledInProd: reason === 'filled' ? ['topic'] : [],
      keptProdValues: [],
      tasksToCopy: action === 'create' ? new TaskList(tasks, [i]) : TaskList.none,
      tasksMissingInProd: action === 'update' ? [99] : [],
      tasksAlreadyInProd: 0,
      tasksCopied: 0,
      message: reason === 'ambiguous-match' ? '5, 6' : null,
    });
  }
  return entries;
}
