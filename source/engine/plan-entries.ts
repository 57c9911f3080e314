/**
 * A plan's entries held in columns, one position a lesson: a million entries as objects
 * were ~250 bytes each (their fields, the TaskList, the arrays) and lived from the plan to
 * the end of apply; here a lesson is 23 bytes. An entry becomes an object again only when
 * it is asked for (`at`, iteration), and that object is the caller's: changing it changes
 * nothing here (`set` does).
 *
 * Where the entry comes from the sandbox lesson at the same position (the planner's order),
 * who the lesson is is read back from the sandbox's columns. What most lessons do not have
 * (a message, kept prod values, tasks prod lacks, rows that are not one run of the task
 * table, an identity of its own) is kept apart, by position.
 */
import { ACTIONS, NONE, type Action, type ContentField, type EntryList, type LessonIdentity, type PlanEntry, type Reason } from './types.js';
import type { SandboxLessons } from './sandbox-lessons.js';
import { TaskList, type TaskTable } from './task-table.js';

const REASONS: readonly (Reason | null)[] = [
  null,
  'no-platform-id',
  'no-student',
  'no-lesson-date',
  'student-not-found',
  'ambiguous-student',
  'ambiguous-match',
  'filled',
  'up-to-date',
  'duplicate-in-sandbox',
  'changed-since-preview',
  'write-failed',
  'prod-would-reject',
  'excluded',
  'not-in-plan',
];
const LEFT_OUT: readonly PlanEntry['leftOut'][] = [undefined, 'create', 'update'];
const codesOf = <T>(values: readonly T[]) => new Map(values.map((value, code) => [value, code]));
const ACTION_CODES = codesOf(ACTIONS);
const REASON_CODES = codesOf(REASONS);
const LEFT_OUT_CODES = codesOf(LEFT_OUT);

/** A field list's code when the list is kept apart (more distinct lists than a byte counts). */
const APART = 255;
/** How many frozen field lists are found by identity: the planner shares a few dozen. */
const SHARED_LISTS = 1024;
/** taskCounts' mark of a TaskList kept apart; counts, the most a column holds */
const LIST_APART = 0xffff;
/** prodStudentIds' and prodLessonIds' NULL; ids, the most a column holds */
const NULL_ID = 0xffffffff;

/** What few entries have, by position. */
interface Rare {
  identity?: LessonIdentity;
  message?: string;
  keptProdValues?: PlanEntry['keptProdValues'];
  tasksMissingInProd?: PlanEntry['tasksMissingInProd'];
  tasksToCopy?: TaskList;
  /** an id or a count too big for its column (or negative): all four kept here */
  numbers?: Numbers;
  fieldsFilled?: readonly string[];
  filledInProd?: readonly ContentField[];
}

/** What a summary counts of an entry. */
export interface Tally {
  action: Action;
  reason: Reason | null;
  /** how many */
  tasksToCopy: number;
  tasksCopied: number;
  tasksMissingInProd: number;
}

type Numbers = Pick<PlanEntry, 'prodStudentId' | 'prodLessonId' | 'tasksAlreadyInProd' | 'tasksCopied'>;

type Column = Uint8Array | Uint16Array | Uint32Array;

const idFits = (id: number | null) => id === null || (Number.isInteger(id) && id >= 0 && id < NULL_ID);
const countFits = (n: number) => Number.isInteger(n) && n >= 0 && n < LIST_APART;
const fits = (n: Numbers) => idFits(n.prodStudentId) && idFits(n.prodLessonId) && countFits(n.tasksAlreadyInProd) && countFits(n.tasksCopied);
const idOf = (held: number) => (held === NULL_ID ? null : held);

export class PlanEntries implements EntryList {
  private count = 0;
  private actions: Uint8Array;
  private reasons: Uint8Array;
  private leftOuts: Uint8Array;
  /** codes in `fieldLists` */
  private fieldsFilled: Uint8Array;
  private filledInProd: Uint8Array;
  /** NULL_ID: null */
  private prodStudentIds: Uint32Array;
  private prodLessonIds: Uint32Array;
  private tasksAlreadyInProd: Uint16Array;
  private tasksCopied: Uint16Array;
  /** the rows a write copies, as one run of the task table: where it starts, how many (LIST_APART: kept apart) */
  private taskFirsts: Uint32Array;
  private taskCounts: Uint16Array;
  private rare = new Map<number, Rare>();
  /** the distinct field lists, each once, frozen; code 0 is the empty one */
  private fieldLists: (readonly string[])[] = [NONE];
  private fieldCodes = new Map<string, number>([['', 0]]);
  /** the codes of frozen lists met, by identity (at most SHARED_LISTS of them) */
  private sharedCodes = new Map<readonly string[], number>();

  /**
   * `lessons`, `tasks`: the snapshot the entries were planned from; `capacity`: how many
   * are expected (more may come, at the price of a copy).
   */
  constructor(
    private readonly lessons: SandboxLessons | undefined,
    private readonly tasks: TaskTable | undefined,
    capacity = 0,
  ) {
    const size = Math.max(capacity, 16);
    this.actions = new Uint8Array(size);
    this.reasons = new Uint8Array(size);
    this.leftOuts = new Uint8Array(size);
    this.fieldsFilled = new Uint8Array(size);
    this.filledInProd = new Uint8Array(size);
    this.prodStudentIds = new Uint32Array(size);
    this.prodLessonIds = new Uint32Array(size);
    this.tasksAlreadyInProd = new Uint16Array(size);
    this.tasksCopied = new Uint16Array(size);
    this.taskFirsts = new Uint32Array(size);
    this.taskCounts = new Uint16Array(size);
  }

  /** Entries given as objects (a test's, a small list's): kept whole, no snapshot behind them. */
  static of(entries: Iterable<PlanEntry>): PlanEntries {
    const list = new PlanEntries(undefined, undefined);
    for (const entry of entries) list.push(entry);
    return list;
  }

  get length(): number {
    return this.count;
  }

  push(entry: PlanEntry): void {
    if (this.count === this.actions.length) this.grow();
    this.encode(this.count++, entry);
  }

  /** Entry i is now this one. */
  set(i: number, entry: PlanEntry): void {
    this.check(i);
    this.encode(i, entry);
  }

  /** Entry i, as a new object; undefined past the end. */
  at(i: number): PlanEntry | undefined {
    if (!(i >= 0 && i < this.count)) return undefined;
    const rare = this.rare.get(i);
    const identity = rare?.identity ?? this.identityAt(i);
    const fieldsFilled = this.fieldsFilled[i]!;
    const filledInProd = this.filledInProd[i]!;
    const tasks = this.taskCounts[i]!;
    const numbers = rare?.numbers;
    return {
      sandboxLessonId: identity.sandboxLessonId,
      platformId: identity.platformId,
      studentName: identity.studentName,
      lessonDate: identity.lessonDate,
      duration: identity.duration,
      action: ACTIONS[this.actions[i]!]!,
      reason: REASONS[this.reasons[i]!]!,
      prodStudentId: numbers ? numbers.prodStudentId : idOf(this.prodStudentIds[i]!),
      prodLessonId: numbers ? numbers.prodLessonId : idOf(this.prodLessonIds[i]!),
      fieldsFilled: fieldsFilled === APART ? rare!.fieldsFilled! : this.fieldLists[fieldsFilled]!,
      filledInProd: (filledInProd === APART ? rare!.filledInProd! : this.fieldLists[filledInProd]!) as readonly ContentField[],
      keptProdValues: rare?.keptProdValues ?? NONE,
      tasksToCopy: tasks === 0 ? TaskList.none : tasks === LIST_APART ? rare!.tasksToCopy! : new TaskList(this.tasks, { first: this.taskFirsts[i]!, length: tasks }),
      tasksMissingInProd: rare?.tasksMissingInProd ?? NONE,
      tasksAlreadyInProd: numbers ? numbers.tasksAlreadyInProd : this.tasksAlreadyInProd[i]!,
      tasksCopied: numbers ? numbers.tasksCopied : this.tasksCopied[i]!,
      message: rare?.message ?? null,
      ...(this.leftOuts[i] ? { leftOut: LEFT_OUT[this.leftOuts[i]!] } : {}),
    };
  }

  // what a pass over every entry reads, without making it an object
  /** What a summary counts of entry i (summary.ts): no identity, so no text made. */
  tallyAt(i: number): Tally {
    this.check(i);
    const rare = this.rare.get(i);
    const tasks = this.taskCounts[i]!;
    return {
      action: ACTIONS[this.actions[i]!]!,
      reason: REASONS[this.reasons[i]!]!,
      tasksToCopy: tasks === LIST_APART ? rare!.tasksToCopy!.length : tasks,
      tasksCopied: rare?.numbers ? rare.numbers.tasksCopied : this.tasksCopied[i]!,
      tasksMissingInProd: rare?.tasksMissingInProd?.length ?? 0,
    };
  }

  actionAt(i: number): Action {
    this.check(i);
    return ACTIONS[this.actions[i]!]!;
  }

  /** Entry i is a create or an update (types.ts isWrite). */
  isWriteAt(i: number): boolean {
    const action = this.actionAt(i);
    return action === 'create' || action === 'update';
  }

  /** The positions of the creates and updates, in order; the first `limit` of them. */
  writePositions(limit = Infinity): number[] {
    const positions: number[] = [];
    for (let i = 0; i < this.count && positions.length < limit; i++) if (this.isWriteAt(i)) positions.push(i);
    return positions;
  }

  sandboxLessonIdAt(i: number): number {
    this.check(i);
    return this.rare.get(i)?.identity?.sandboxLessonId ?? this.lessons!.idAt(i);
  }

  prodLessonIdAt(i: number): number | null {
    this.check(i);
    const numbers = this.rare.get(i)?.numbers;
    return numbers ? numbers.prodLessonId : idOf(this.prodLessonIds[i]!);
  }

  /** What apply wrote to entry i: its prod lesson and the LessonTasks copied. */
  setWritten(i: number, prodLessonId: number, tasksCopied: number): void {
    this.check(i);
    const rare = this.rare.get(i);
    const numbers = rare?.numbers;
    if (numbers) {
      numbers.prodLessonId = prodLessonId;
      numbers.tasksCopied = tasksCopied;
    } else if (idFits(prodLessonId) && countFits(tasksCopied)) {
      this.prodLessonIds[i] = prodLessonId;
      this.tasksCopied[i] = tasksCopied;
    } else {
      const held = { prodStudentId: idOf(this.prodStudentIds[i]!), prodLessonId, tasksAlreadyInProd: this.tasksAlreadyInProd[i]!, tasksCopied };
      this.rare.set(i, { ...rare, numbers: held });
    }
  }

  /** The same entries, to change apart from these (apply's outcomes of a plan). */
  copy(): PlanEntries {
    const copy = new PlanEntries(this.lessons, this.tasks, this.count);
    copy.count = this.count;
    for (const name of COLUMNS) (copy[name] as Column).set((this[name] as Column).subarray(0, this.count));
    copy.rare = new Map(this.rare);
    copy.fieldLists = this.fieldLists.slice();
    copy.fieldCodes = new Map(this.fieldCodes);
    copy.sharedCodes = new Map(this.sharedCodes);
    return copy;
  }

  [Symbol.iterator](): Iterator<PlanEntry> {
    let i = 0;
    return {
      next: (): IteratorResult<PlanEntry> => (i < this.count ? { value: this.at(i++)!, done: false } : { value: undefined, done: true }),
    };
  }

  private check(i: number): void {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`no plan entry ${i} of ${this.count}`);
  }

  private identityAt(i: number): LessonIdentity {
    const lessons = this.lessons!;
    const duration = lessons.durationAt(i);
    return {
      sandboxLessonId: lessons.idAt(i),
      platformId: lessons.platformIdAt(i),
      studentName: lessons.studentNameAt(i),
      lessonDate: lessons.dateDisplayAt(i),
      duration: duration === null ? null : Number(duration),
    };
  }

  /** The entry at i is the sandbox lesson at i (as the planner makes them): who it is need not be kept. */
  private isLessonAt(i: number, entry: PlanEntry): boolean {
    return this.lessons !== undefined && i < this.lessons.length && this.lessons.idAt(i) === entry.sandboxLessonId;
  }

  private encode(i: number, entry: PlanEntry): void {
    // most entries have nothing kept apart: the object is made only for those that do
    let rare: Rare | undefined;
    const apart = () => (rare ??= {});
    if (!this.isLessonAt(i, entry)) {
      const { sandboxLessonId, platformId, studentName, lessonDate, duration } = entry;
      apart().identity = { sandboxLessonId, platformId, studentName, lessonDate, duration };
    }
    this.actions[i] = code(ACTION_CODES, entry.action, 'action');
    this.reasons[i] = code(REASON_CODES, entry.reason, 'reason');
    this.leftOuts[i] = code(LEFT_OUT_CODES, entry.leftOut, 'leftOut');
    if (fits(entry)) {
      this.prodStudentIds[i] = entry.prodStudentId ?? NULL_ID;
      this.prodLessonIds[i] = entry.prodLessonId ?? NULL_ID;
      this.tasksAlreadyInProd[i] = entry.tasksAlreadyInProd;
      this.tasksCopied[i] = entry.tasksCopied;
    } else {
      const { prodStudentId, prodLessonId, tasksAlreadyInProd, tasksCopied } = entry;
      apart().numbers = { prodStudentId, prodLessonId, tasksAlreadyInProd, tasksCopied };
    }
    this.fieldsFilled[i] = this.fieldCode(entry.fieldsFilled);
    if (this.fieldsFilled[i] === APART) apart().fieldsFilled = entry.fieldsFilled;
    this.filledInProd[i] = this.fieldCode(entry.filledInProd);
    if (this.filledInProd[i] === APART) apart().filledInProd = entry.filledInProd;
    if (entry.keptProdValues.length) apart().keptProdValues = entry.keptProdValues;
    if (entry.tasksMissingInProd.length) apart().tasksMissingInProd = entry.tasksMissingInProd;
    if (entry.message !== null) apart().message = entry.message;
    const tasks = entry.tasksToCopy;
    const first = tasks.runIn(this.tasks);
    this.taskFirsts[i] = Math.max(first, 0);
    this.taskCounts[i] = tasks.length === 0 ? 0 : first >= 0 && countFits(tasks.length) ? tasks.length : LIST_APART;
    if (this.taskCounts[i] === LIST_APART) apart().tasksToCopy = tasks;
    if (rare) this.rare.set(i, rare);
    else if (this.rare.size) this.rare.delete(i);
  }

  /** A field list's code, the same for lists that read alike; APART past a byte's worth. */
  private fieldCode(fields: readonly string[]): number {
    // the planner's lists are a few shared frozen arrays: found by identity, no key made
    const shared = this.sharedCodes.get(fields);
    if (shared !== undefined) return shared;
    const code = this.codeOfKey(fields);
    if (Object.isFrozen(fields) && this.sharedCodes.size < SHARED_LISTS) this.sharedCodes.set(fields, code);
    return code;
  }

  private codeOfKey(fields: readonly string[]): number {
    const key = fields.join(',');
    let found = this.fieldCodes.get(key);
    if (found === undefined) {
      if (this.fieldLists.length === APART) return APART;
      found = this.fieldLists.length;
      this.fieldLists.push(Object.isFrozen(fields) ? fields : Object.freeze([...fields]));
      this.fieldCodes.set(key, found);
    }
    return found;
  }

  private grow(): void {
    const size = Math.ceil(this.actions.length * 1.5);
    for (const name of COLUMNS) {
      const old = this[name] as Column;
      const wider = new (old.constructor as new (size: number) => Column)(size);
      wider.set(old);
      (this as unknown as Record<string, Column>)[name] = wider;
    }
  }
}

const COLUMNS = [
  'actions',
  'reasons',
  'leftOuts',
  'fieldsFilled',
  'filledInProd',
  'prodStudentIds',
  'prodLessonIds',
  'tasksAlreadyInProd',
  'tasksCopied',
  'taskFirsts',
  'taskCounts',
] as const;

function code<T>(codes: ReadonlyMap<T, number>, value: T, what: string): number {
  const found = codes.get(value);
  if (found === undefined) throw new Error(`unknown ${what}: ${String(value)}`);
  return found;
}
