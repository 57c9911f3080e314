/**
 * The sandbox's LessonTasks in columns (typed arrays), grouped by lesson: 9 bytes a task
 * (ids below 2^32) where an object a task cost about 80 with its array and map entry.
 * Planning reads one lesson's rows at a time, and a plan entry keeps the rows it copies
 * (TaskList).
 */
import { IntColumn } from './int-column.js';
import { TextCodes } from './text-codes.js';
import type { SandboxTask } from './rows.js';

export interface TaskRow extends SandboxTask {
  lessonId: number;
}

export class TaskTable {
  private constructor(
    /** distinct lesson ids, ascending */
    private readonly lessonIds: IntColumn,
    /** first row of lessonIds[i]; starts[i + 1] ends it */
    private readonly starts: IntColumn,
    private readonly ids: IntColumn,
    private readonly taskIds: IntColumn,
    /** index in typeNames */
    private readonly types: IntColumn,
    private readonly typeNames: readonly (string | null)[],
  ) {}

  /** Rows must come ordered by lesson id (then lesson_task_id). */
  static builder() {
    const lessonIds = new IntColumn();
    const starts = new IntColumn();
    const ids = new IntColumn();
    const taskIds = new IntColumn();
    const types = new IntColumn();
    const typeNames = new TextCodes();
    let last = Number.NaN;
    function addRow(lessonId: number, id: number, taskId: number, assignmentType: string | null): void {
      if (lessonId !== last) {
        if (lessonId < last) throw new Error('tasks must come ordered by lesson id');
        lessonIds.push(lessonId);
        starts.push(ids.length);
        last = lessonId;
      }
      ids.push(id);
      taskIds.push(taskId);
      types.push(typeNames.code(assignmentType));
    }
    return {
      add(row: TaskRow): void {
        addRow(row.lessonId, row.id, row.taskId, row.assignmentType);
      },
      /** add(), without an object a row */
      addRow,
      build(): TaskTable {
        starts.push(ids.length);
        for (const column of [lessonIds, starts, ids, taskIds, types]) column.trim();
        return new TaskTable(lessonIds, starts, ids, taskIds, types, typeNames.texts);
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
      const id = this.lessonIds.at(middle);
      if (id < lessonId) low = middle + 1;
      else if (id > lessonId) high = middle - 1;
      else return { first: this.starts.at(middle), end: this.starts.at(middle + 1) };
    }
    return { first: 0, end: 0 };
  }

  /** lesson_task_id of a row */
  idAt(row: number): number {
    return this.ids.at(row);
  }

  /** NaN for a sloppy sandbox's LessonTask without a task_id */
  taskIdAt(row: number): number {
    return this.taskIds.at(row);
  }

  assignmentTypeAt(row: number): string | null {
    return this.typeNames[this.types.at(row)]!;
  }

  /** Every task_id in the table, once (none for the rows without one). */
  distinctTaskIds(): Set<number> {
    const distinct = new Set<number>();
    for (let row = 0; row < this.taskIds.length; row++) {
      const taskId = this.taskIds.at(row);
      if (!Number.isNaN(taskId)) distinct.add(taskId);
    }
    return distinct;
  }
}

/**
 * Some rows of a TaskTable: the tasks a plan entry copies. A million lessons keep a few
 * million of them until apply. Most often they are all of the lesson's rows, one run of
 * the table: then only where it starts and how long it is are kept, no array.
 */
export class TaskList {
  static readonly none = new TaskList(undefined, []);

  private readonly first: number;
  readonly length: number;
  /** the rows, when they are not one run */
  private readonly picked: readonly number[] | undefined;

  /** `rows`: the rows themselves, or a run of them as where it starts and how long it is */
  constructor(
    private readonly table: TaskTable | undefined,
    rows: readonly number[] | { first: number; length: number },
  ) {
    this.length = rows.length;
    if (!Array.isArray(rows)) {
      this.first = (rows as { first: number }).first;
      this.picked = undefined;
      return;
    }
    const list = rows as readonly number[];
    const run = list.every((row, i) => row === list[0]! + i);
    this.first = run && list.length ? list[0]! : 0;
    this.picked = run ? undefined : list;
  }

  /** Where the rows start when they are one run of `table` (PlanEntries keeps only that); -1 otherwise. */
  runIn(table: TaskTable | undefined): number {
    return this.picked === undefined && this.table === table && this.length > 0 ? this.first : -1;
  }

  private row(i: number): number {
    return this.picked ? this.picked[i]! : this.first + i;
  }

  /** lesson_task_ids, in order: what apply copies */
  ids(): number[] {
    const ids = new Array<number>(this.length);
    for (let i = 0; i < this.length; i++) ids[i] = this.idAt(i);
    return ids;
  }

  private idAt(i: number): number {
    return this.table!.idAt(this.row(i));
  }

  tasks(): SandboxTask[] {
    return Array.from({ length: this.length }, (_, i) => {
      const row = this.row(i);
      return { id: this.table!.idAt(row), taskId: this.table!.taskIdAt(row), assignmentType: this.table!.assignmentTypeAt(row) };
    });
  }

  /** the same LessonTasks, in the same order */
  sameAs(other: TaskList): boolean {
    if (other.length !== this.length) return false;
    // the re-check compares a list with each written lesson's: no arrays made for it
    for (let i = 0; i < this.length; i++) if (this.idAt(i) !== other.idAt(i)) return false;
    return true;
  }
}
