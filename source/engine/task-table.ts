/**
 * The sandbox's LessonTasks in columns (typed arrays), grouped by lesson: 17 bytes a task
 * where an object a task cost about 80 with its array and map entry. Planning asks for one
 * lesson's tasks at a time; only those it copies live on as objects.
 */
import type { SandboxTask } from './types.js';

export interface TaskRow extends SandboxTask {
  lessonId: number;
}

function grow<T extends Float64Array | Uint32Array | Uint16Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  bigger.set(array);
  return bigger;
}

export class TaskTable {
  private constructor(
    /** distinct lesson ids, ascending */
    private readonly lessonIds: Float64Array,
    /** first row of lessonIds[i]; starts[i + 1] ends it */
    private readonly starts: Uint32Array,
    private readonly ids: Float64Array,
    private readonly taskIds: Float64Array,
    private readonly types: Uint16Array,
    private readonly typeNames: readonly (string | null)[],
  ) {}

  /** Rows must come ordered by lesson id (then lesson_task_id). */
  static builder() {
    let lessonIds = new Float64Array(1024);
    let starts = new Uint32Array(1025);
    let ids = new Float64Array(4096);
    let taskIds = new Float64Array(4096);
    let types = new Uint16Array(4096);
    const typeNames: (string | null)[] = [];
    const typeCodes = new Map<string | null, number>();
    let lessons = 0;
    let rows = 0;
    return {
      add(row: TaskRow): void {
        if (lessons === 0 || lessonIds[lessons - 1] !== row.lessonId) {
          if (lessons > 0 && row.lessonId < lessonIds[lessons - 1]!) throw new Error('tasks must come ordered by lesson id');
          lessonIds = grow(lessonIds, lessons + 1);
          starts = grow(starts, lessons + 2);
          lessonIds[lessons] = row.lessonId;
          starts[lessons] = rows;
          lessons++;
        }
        ids = grow(ids, rows + 1);
        taskIds = grow(taskIds, rows + 1);
        types = grow(types, rows + 1);
        let code = typeCodes.get(row.assignmentType);
        if (code === undefined) {
          code = typeNames.length;
          typeNames.push(row.assignmentType);
          typeCodes.set(row.assignmentType, code);
        }
        ids[rows] = row.id;
        taskIds[rows] = row.taskId;
        types[rows] = code;
        rows++;
      },
      build(): TaskTable {
        starts[lessons] = rows;
        return new TaskTable(
          lessonIds.slice(0, lessons),
          starts.slice(0, lessons + 1),
          ids.slice(0, rows),
          taskIds.slice(0, rows),
          types.slice(0, rows),
          typeNames,
        );
      },
    };
  }

  /** For tests and small inputs: any order. */
  static from(rows: readonly TaskRow[]): TaskTable {
    const builder = TaskTable.builder();
    [...rows].sort((a, b) => a.lessonId - b.lessonId || a.id - b.id).forEach((row) => builder.add(row));
    return builder.build();
  }

  /** The lesson's tasks, in lesson_task_id order; new objects each call. */
  forLesson(lessonId: number): SandboxTask[] {
    let low = 0;
    let high = this.lessonIds.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const id = this.lessonIds[middle]!;
      if (id < lessonId) low = middle + 1;
      else if (id > lessonId) high = middle - 1;
      else {
        const tasks: SandboxTask[] = [];
        for (let row = this.starts[middle]!; row < this.starts[middle + 1]!; row++) {
          tasks.push({ id: this.ids[row]!, taskId: this.taskIds[row]!, assignmentType: this.typeNames[this.types[row]!]! });
        }
        return tasks;
      }
    }
    return [];
  }

  /** Every task_id in the table, once. */
  distinctTaskIds(): Set<number> {
    return new Set(this.taskIds);
  }
}
