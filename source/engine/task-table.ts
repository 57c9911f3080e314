/**
 * The sandbox's LessonTasks in columns (typed arrays), grouped by lesson: 26 bytes a task
 * where an object a task cost about 80 with its array and map entry. Planning reads one
 * lesson's rows at a time, and a plan entry keeps the rows it copies (TaskList).
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
    function addRow(lessonId: number, id: number, taskId: number, assignmentType: string | null): void {
      if (lessons === 0 || lessonIds[lessons - 1] !== lessonId) {
        if (lessons > 0 && lessonId < lessonIds[lessons - 1]!) throw new Error('tasks must come ordered by lesson id');
        lessonIds = grow(lessonIds, lessons + 1);
        starts = grow(starts, lessons + 2);
        lessonIds[lessons] = lessonId;
        starts[lessons] = rows;
        lessons++;
      }
      ids = grow(ids, rows + 1);
      taskIds = grow(taskIds, rows + 1);
      types = grow(types, rows + 1);
      let code = typeCodes.get(assignmentType);
      if (code === undefined) {
        code = typeNames.length;
        typeNames.push(assignmentType);
        typeCodes.set(assignmentType, code);
      }
      ids[rows] = id;
      taskIds[rows] = taskId;
      types[rows] = code;
      rows++;
    }
    return {
      add(row: TaskRow): void {
        addRow(row.lessonId, row.id, row.taskId, row.assignmentType);
      },
      /** add(), without an object a row */
      addRow,
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

  /** The rows [first, end) of the lesson's tasks, in lesson_task_id order; empty when it has none. */
  rowsOf(lessonId: number): { first: number; end: number } {
    let low = 0;
    let high = this.lessonIds.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const id = this.lessonIds[middle]!;
      if (id < lessonId) low = middle + 1;
      else if (id > lessonId) high = middle - 1;
      else return { first: this.starts[middle]!, end: this.starts[middle + 1]! };
    }
    return { first: 0, end: 0 };
  }

  /** lesson_task_id of a row */
  idAt(row: number): number {
    return this.ids[row]!;
  }

  taskIdAt(row: number): number {
    return this.taskIds[row]!;
  }

  assignmentTypeAt(row: number): string | null {
    return this.typeNames[this.types[row]!]!;
  }

  /** Every task_id in the table, once. */
  distinctTaskIds(): Set<number> {
    return new Set(this.taskIds);
  }
}

/**
 * Some rows of a TaskTable: the tasks a plan entry copies. A million lessons keep a few
 * million of them until apply; as rows they cost 8 bytes each, as objects about 80.
 */
export class TaskList {
  static readonly none = new TaskList(undefined, []);

  constructor(
    private readonly table: TaskTable | undefined,
    private readonly rows: readonly number[],
  ) {}

  get length(): number {
    return this.rows.length;
  }

  /** lesson_task_ids, in order: what apply copies */
  ids(): number[] {
    return this.rows.map((row) => this.table!.idAt(row));
  }

  tasks(): SandboxTask[] {
    return this.rows.map((row) => ({ id: this.table!.idAt(row), taskId: this.table!.taskIdAt(row), assignmentType: this.table!.assignmentTypeAt(row) }));
  }

  /** the same LessonTasks, in the same order */
  sameAs(other: TaskList): boolean {
    if (other.length !== this.length) return false;
    const ids = other.ids();
    return this.ids().every((id, i) => id === ids[i]);
  }
}
