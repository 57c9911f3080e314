import { describe, expect, it } from 'vitest';
import { fieldsOfMask, isEmpty, planLessons, taskKey } from '../../source/engine/planner.js';
import { HashGroups, hashStart, mixText } from '../../source/engine/hash-groups.js';
import { summarize } from '../../source/engine/summary.js';
import type { KeyedProdLesson, ProdSnapshot, KeyedSandboxLesson, SandboxSnapshot } from '../../source/engine/types.js';
import { TaskList, TaskTable, type TaskRow } from '../../source/engine/task-table.js';
import { SandboxLessons } from '../../source/engine/sandbox-lessons.js';
import { ProdLessons } from '../../source/engine/prod-lessons.js';
import { PlanEntries } from '../../source/engine/plan-entries.js';
import { notWritten } from '../../source/engine/selection.js';


function lesson(id: number, over: Partial<KeyedSandboxLesson> = {}): KeyedSandboxLesson {
  return {
    id,
    platformId: 'p1',
    studentName: 'Ivan',
    dateKey: '2025-01-15 14:00:00',
    dateDisplay: '2025-01-15 14:00:00',
    duration: '60',
    filled: ['topic'],
    homeworkStatus: 'assigned',
    ...over,
  };
}

function prodLesson(id: number, over: Partial<KeyedProdLesson> = {}): KeyedProdLesson {
  return { id, studentId: 100, dateKey: '2025-01-15 14:00:00', duration: '60', filled: [], homeworkStatus: null, ...over };
}

function task(lessonId: number, taskId: number, assignmentType: string | null = 'homework'): TaskRow {
  return { id: lessonId * 100 + taskId, lessonId, taskId, assignmentType };
}

function sandbox(lessons: KeyedSandboxLesson[], tasks: TaskRow[] = []): SandboxSnapshot {
  return { lessons: SandboxLessons.from(lessons), tasks: TaskTable.from(tasks) };
}

function prod(over: Partial<Omit<ProdSnapshot, 'lessons'>> & { lessons?: KeyedProdLesson[] } = {}): ProdSnapshot {
  const { lessons = [], ...rest } = over;
  return {
    studentsByPlatformId: new Map([['p1', [100]]]),
    taskKeysByLesson: new Map(),
    existingTaskIds: new Set([1, 2, 3]),
    ...rest,
    lessons: ProdLessons.from(lessons),
  };
}

describe('emptiness (the seed filled rule)', () => {
  it('treats NULL and whitespace as empty, and 0 as a value', () => {
    expect(isEmpty(null)).toBe(true);
    expect(isEmpty(' \t\n\r')).toBe(true);
    expect(isEmpty('\u00a0x')).toBe(false);
    expect(isEmpty('0')).toBe(false);
  });
});

describe('content masks', () => {
  it('turns the SQL bit mask into the fields, sharing one array per combination', () => {
    expect(fieldsOfMask(0)).toEqual([]);
    expect(fieldsOfMask(0b01001)).toEqual(['topic', 'homework_result_percent']);
    expect(fieldsOfMask(31)).toHaveLength(5);
    expect(fieldsOfMask(9)).toBe(fieldsOfMask(9));
  });
});

describe('step 1: student', () => {
  it('skips a sandbox student without platform_id', () => {
    const [entry] = planLessons(sandbox([lesson(1, { platformId: '  ' })]), prod());
    expect(entry).toMatchObject({ action: 'skip', reason: 'no-platform-id' });
  });

  it('skips when prod has no student with that platform_id', () => {
    const [entry] = planLessons(sandbox([lesson(1, { platformId: 'p9' })]), prod());
    expect(entry).toMatchObject({ action: 'skip', reason: 'student-not-found' });
  });

  it('errors when several prod students share the platform_id', () => {
    const [entry] = planLessons(sandbox([lesson(1)]), prod({ studentsByPlatformId: new Map([['p1', [100, 101]]]) }));
    expect(entry).toMatchObject({ action: 'error', reason: 'ambiguous-student', message: '100, 101' });
  });
});

describe('step 2: match', () => {
  it('creates when no prod lesson has the student, date and duration', () => {
    const [entry] = planLessons(sandbox([lesson(1)]), prod({ lessons: [prodLesson(7, { duration: '90' })] }));
    expect(entry).toMatchObject({ action: 'create', reason: null, prodStudentId: 100, prodLessonId: null });
    expect(entry!.fieldsFilled).toEqual(['topic', 'homework_status']);
  });

  it('matches NULL duration with NULL duration only', () => {
    const nullDuration = lesson(1, { duration: null });
    expect(planLessons(sandbox([nullDuration]), prod({ lessons: [prodLesson(7, { duration: null })] }))[0]!.action).toBe('update');
    expect(planLessons(sandbox([nullDuration]), prod({ lessons: [prodLesson(7)] }))[0]!.action).toBe('create');
  });

  it('compares lesson_date exactly, microseconds included', () => {
    const precise = lesson(1, { dateKey: '2025-01-15 14:00:00.000001' });
    expect(planLessons(sandbox([precise]), prod({ lessons: [prodLesson(7)] }))[0]!.action).toBe('create');
  });

  it('errors and leaves prod alone when several prod lessons match', () => {
    const [entry] = planLessons(sandbox([lesson(1)]), prod({ lessons: [prodLesson(7), prodLesson(8)] }));
    expect(entry).toMatchObject({ action: 'error', reason: 'ambiguous-match', message: '7, 8' });
  });
});

describe('step 3: filled', () => {
  it('skips a prod lesson with any content, and lists what prod keeps', () => {
    const filled = prodLesson(7, { filled: ['homework'] });
    const [entry] = planLessons(sandbox([lesson(1)]), prod({ lessons: [filled] }));
    expect(entry).toMatchObject({ action: 'skip', reason: 'filled', prodLessonId: 7 });
    expect(entry!.filledInProd).toEqual(['homework']);
    expect(entry!.keptProdValues).toEqual([]);
  });

});

describe('step 4: update', () => {
  it('fills the non-empty sandbox fields and homework_status', () => {
    const source = lesson(1, { filled: ['notes', 'homework_result_percent'] });
    const [entry] = planLessons(sandbox([source]), prod({ lessons: [prodLesson(7, { homeworkStatus: 'not_assigned' })] }));
    expect(entry).toMatchObject({ action: 'update', prodLessonId: 7 });
    expect(entry!.fieldsFilled).toEqual(['notes', 'homework_result_percent', 'homework_status']);
  });

  it('keeps prod homework_status when the sandbox has none', () => {
    const source = lesson(1, { homeworkStatus: null });
    const [entry] = planLessons(sandbox([source]), prod({ lessons: [prodLesson(7, { homeworkStatus: 'graded' })] }));
    expect(entry!.fieldsFilled).toEqual(['topic']);
    expect(entry!.keptProdValues).toEqual([{ field: 'homework_status', value: 'graded' }]);
  });

  it('does not touch homework_status when a database lacks the column', () => {
    const source = lesson(1, { homeworkStatus: undefined });
    const [entry] = planLessons(sandbox([source]), prod({ lessons: [prodLesson(7, { homeworkStatus: undefined })] }));
    expect(entry!.fieldsFilled).toEqual(['topic']);
  });

  it('is up-to-date when the sandbox has no content and no new task', () => {
    const empty = lesson(1, { filled: [] });
    const existing = new Map([[7, new Set([taskKey(1, 'homework')])]]);
    const [entry] = planLessons(
      sandbox([empty], [task(1, 1)]),
      prod({ lessons: [prodLesson(7)], taskKeysByLesson: existing }),
    );
    expect(entry).toMatchObject({ action: 'skip', reason: 'up-to-date', tasksAlreadyInProd: 1 });
  });

  it('updates an empty lesson only to add tasks when the sandbox has no content', () => {
    const [entry] = planLessons(sandbox([lesson(1, { filled: [] })], [task(1, 2)]), prod({ lessons: [prodLesson(7)] }));
    expect(entry).toMatchObject({ action: 'update', fieldsFilled: [] });
    expect(entry!.tasksToCopy.tasks().map((t) => t.taskId)).toEqual([2]);
  });
});

describe('step 5: tasks', () => {
  it('copies tasks prod lacks, dedupes by (task_id, assignment_type), reports unknown task ids', () => {
    const tasks = [task(1, 1, 'homework'), task(1, 1, 'classwork'), task(1, 2), task(1, 2), task(1, 9), task(1, 3, null)];
    const existing = new Map([[7, new Set([taskKey(1, 'homework')])]]);
    const [entry] = planLessons(sandbox([lesson(1)], tasks), prod({ lessons: [prodLesson(7)], taskKeysByLesson: existing }));
    expect(entry!.tasksToCopy.tasks().map((t) => `${t.taskId}/${t.assignmentType}`)).toEqual(['1/classwork', '2/homework', '3/null']);
    expect(entry!.tasksMissingInProd).toEqual([9]);
    expect(entry!.tasksAlreadyInProd).toBe(1);
  });

  it('copies every known task of a created lesson', () => {
    const [entry] = planLessons(sandbox([lesson(1)], [task(1, 1), task(1, 2, 'classwork')]), prod());
    expect(entry!.tasksToCopy).toHaveLength(2);
    expect(summarize([entry!], true)).toMatchObject({ created: 1, tasksCopied: 2, tasksMissingInProd: 0 });
  });
});

describe('step 6: duplicates in the sandbox', () => {
  it('plans the lowest sandbox id and skips the others, whatever the order', () => {
    const later = lesson(9, { platformId: 'p1' });
    const earlier = lesson(4, { platformId: 'p1b' });
    const entries = planLessons(sandbox([later, earlier]), prod({ studentsByPlatformId: new Map([['p1', [100]], ['p1b', [100]]]) }));
    expect(entries[0]).toMatchObject({ sandboxLessonId: 9, action: 'skip', reason: 'duplicate-in-sandbox', message: '4' });
    expect(entries[1]).toMatchObject({ sandboxLessonId: 4, action: 'create' });
  });

  it('does not call lessons of other durations duplicates', () => {
    const entries = planLessons(sandbox([lesson(1), lesson(2, { duration: '90' })]), prod());
    expect(entries.map((e) => e.action)).toEqual(['create', 'create']);
  });
});

describe('the task table', () => {
  it('gives each lesson its tasks in order, whatever order they came in', () => {
    const table = TaskTable.from([task(9, 3, 'exam'), task(2, 1), task(9, 2, null), task(2, 4, 'classwork')]);
    const tasksOf = (lessonId: number) => {
      const { first, end } = table.rowsOf(lessonId);
      return new TaskList(table, Array.from({ length: end - first }, (_, i) => first + i));
    };
    expect(tasksOf(2).tasks()).toEqual([
      { id: 201, taskId: 1, assignmentType: 'homework' },
      { id: 204, taskId: 4, assignmentType: 'classwork' },
    ]);
    expect(tasksOf(9).tasks().map((t) => `${t.taskId}/${t.assignmentType}`)).toEqual(['2/null', '3/exam']);
    expect(tasksOf(9).ids()).toEqual([902, 903]);
    expect(tasksOf(5)).toHaveLength(0);
    expect([...table.distinctTaskIds()].sort()).toEqual([1, 2, 3, 4]);
  });

  it('compares task lists by the LessonTasks they copy, in order', () => {
    const table = TaskTable.from([task(1, 1), task(1, 2), task(2, 1)]);
    const again = TaskTable.from([task(1, 1), task(1, 2), task(2, 1)]);
    expect(new TaskList(table, [0, 1]).sameAs(new TaskList(again, [0, 1]))).toBe(true);
    expect(new TaskList(table, [0, 1]).sameAs(new TaskList(table, [1, 0]))).toBe(false);
    expect(new TaskList(table, [0, 1]).sameAs(new TaskList(table, [0]))).toBe(false);
    expect(new TaskList(table, [1]).sameAs(new TaskList(table, [2]))).toBe(false);
    expect(TaskList.none.sameAs(new TaskList(table, []))).toBe(true);
  });

  it('keeps a run of rows and a pick of rows alike', () => {
    const table = TaskTable.from([task(1, 1), task(1, 2), task(1, 3), task(2, 1)]);
    expect(new TaskList(table, [1, 2, 3]).ids()).toEqual([102, 103, 201]);
    expect(new TaskList(table, [0, 2]).ids()).toEqual([101, 103]);
    expect(new TaskList(table, [2, 0, 1]).tasks().map((t) => t.taskId)).toEqual([3, 1, 2]);
    expect(new TaskList(table, [3])).toHaveLength(1);
  });

  it('refuses rows out of lesson order in the streaming builder', () => {
    const builder = TaskTable.builder();
    builder.add(task(5, 1));
    expect(() => builder.add(task(4, 1))).toThrow(/ordered by lesson id/);
  });
});

describe('summary', () => {
  it('counts each action and the planned tasks', () => {
    const entries = planLessons(
      sandbox([lesson(1), lesson(2, { platformId: null }), lesson(3, { platformId: 'p9' })], [task(1, 1), task(1, 5)]),
      prod(),
    );
    expect(summarize(entries, true)).toEqual({
      lessons: 3,
      created: 1,
      updated: 0,
      skipped: 2,
      errors: 0,
      tasksCopied: 1,
      tasksMissingInProd: 1,
      changedSincePreview: 0,
      excluded: 0,
      notInPlan: 0,
    });
    expect(summarize(entries).tasksCopied).toBe(0);
  });
});

describe('hashed keys', () => {
  const hashKey = (id: number, first: string | null, second: string | null) => mixText(mixText(hashStart(id), first), second);
  it('tell keys apart by every part, and find only the items of the key sought when hashes collide', () => {
    expect(hashKey(1, 'ab', 'c')).not.toBe(hashKey(1, 'a', 'bc'));
    expect(hashKey(1, 'a', null)).not.toBe(hashKey(1, 'a', ''));
    expect(hashKey(2 ** 32 + 1, 'a', null)).not.toBe(hashKey(1, 'a', null));
    expect(hashKey(7, '2024-05-01 10:00:00', '60')).toBe(hashKey(7, '2024-05-01 10:00:00', '60'));

    const groups = new HashGroups<{ key: string; n: number }>();
    // one hash for three keys: as if they collided
    for (const [key, n] of [['a', 1], ['b', 2], ['a', 3]] as const) groups.add(42, { key, n });
    expect(groups.find(42, (item) => item.key === 'a').map((item) => item.n)).toEqual([1, 3]);
    expect(groups.find(42, (item) => item.key === 'b').map((item) => item.n)).toEqual([2]);
    expect(groups.find(42, (item) => item.key === 'c')).toEqual([]);
    expect(groups.find(43, () => true)).toEqual([]);
  });
});

describe('a plan held in columns (PlanEntries)', () => {
  /** One lesson of every kind the planner makes, each with what makes it differ. */
  function variedPlan() {
    const at = (day: number) => ({ dateKey: `2025-01-${day} 14:00:00`, dateDisplay: `2025-01-${day} 14:00:00` });
    const snapshot = sandbox(
      [
        lesson(1, at(11)), // create, its tasks one run
        lesson(2, { ...at(12), homeworkStatus: null }), // update that keeps prod's homework_status
        lesson(3, at(13)), // create whose rows are not one run (a repeated task), one task missing in prod
        lesson(4, { ...at(14), platformId: 'nobody' }),
        lesson(5, { ...at(15), platformId: 'twice' }),
        lesson(6, at(11)), // lesson 1's key: a duplicate
        lesson(7, { ...at(17), filled: [] }), // filled in prod
        lesson(8, { ...at(18), studentName: null, platformId: null, duration: null }),
      ],
      [task(1, 1), task(1, 2), task(3, 1), { ...task(3, 1), id: 302 }, { ...task(3, 2), id: 303 }, task(3, 9)],
    );
    const prodSide = prod({
      studentsByPlatformId: new Map([['p1', [100]], ['twice', [101, 102]]]),
      lessons: [prodLesson(20, { dateKey: at(12).dateKey, homeworkStatus: 'graded' }), prodLesson(21, { dateKey: at(17).dateKey, filled: ['notes'] })],
    });
    return { snapshot, entries: planLessons(snapshot, prodSide) };
  }

  it('gives back every entry the planner made, as it was, its identity read from the sandbox columns', () => {
    const { snapshot, entries } = variedPlan();
    expect(new Set(entries.map((e) => e.reason))).toEqual(
      new Set([null, 'student-not-found', 'ambiguous-student', 'duplicate-in-sandbox', 'filled', 'no-platform-id']),
    );
    expect(entries[2]!.tasksToCopy.runIn(snapshot.tasks)).toBe(-1); // lesson 3's first and third rows: not one run
    expect(entries[2]!.tasksMissingInProd).toEqual([9]);
    expect(entries[1]!.keptProdValues).toEqual([{ field: 'homework_status', value: 'graded' }]);
    const list = new PlanEntries(snapshot.lessons, snapshot.tasks); // grows past its first room
    for (const entry of entries) list.push(entry);
    expect(list.length).toBe(entries.length);
    expect([...list]).toEqual(entries);
    entries.forEach((entry, i) => {
      expect(list.at(i)).toEqual(entry);
      expect(list.actionAt(i)).toBe(entry.action);
      expect(list.sandboxLessonIdAt(i)).toBe(entry.sandboxLessonId);
      expect(list.prodLessonIdAt(i)).toBe(entry.prodLessonId);
      expect(list.at(i)!.tasksToCopy.ids()).toEqual(entry.tasksToCopy.ids());
    });
    expect(list.at(-1)).toBeUndefined();
    expect(list.at(entries.length)).toBeUndefined();
    expect(() => list.set(entries.length, entries[0]!)).toThrow(RangeError);
  });

  it('keeps whole what the sandbox at its position does not say: a lesson gone from the sandbox, a list without a snapshot', () => {
    const { snapshot, entries } = variedPlan();
    const list = new PlanEntries(snapshot.lessons, snapshot.tasks, entries.length);
    const gone = { ...entries[0]!, sandboxLessonId: 77, platformId: 'gone', studentName: 'Gone', lessonDate: '2024-12-01 09:00:00', duration: 45 };
    list.push(gone); // at position 0, where the sandbox holds lesson 1
    for (const entry of entries.slice(1)) list.push(entry);
    list.push(entries[0]!); // past the sandbox's lessons
    expect(list.at(0)).toEqual(gone);
    expect(list.at(entries.length)).toEqual(entries[0]);
    expect([...PlanEntries.of(entries)]).toEqual(entries);
  });

  it('keeps ids and counts too big for its columns apart, and what apply writes of them', () => {
    const { snapshot, entries } = variedPlan();
    const list = new PlanEntries(snapshot.lessons, snapshot.tasks, entries.length);
    const big = { ...entries[1]!, prodStudentId: 2 ** 40, prodLessonId: 2 ** 32 - 1, tasksAlreadyInProd: 70_000 };
    list.push(entries[0]!);
    list.push(big);
    expect(list.at(1)).toEqual(big);
    list.setWritten(0, 2 ** 33, 65_535);
    list.setWritten(1, 12, 4);
    expect(list.at(0)).toMatchObject({ prodLessonId: 2 ** 33, tasksCopied: 65_535, prodStudentId: entries[0]!.prodStudentId });
    expect(list.at(1)).toMatchObject({ prodLessonId: 12, tasksCopied: 4, prodStudentId: 2 ** 40, tasksAlreadyInProd: 70_000 });
    expect(list.prodLessonIdAt(0)).toBe(2 ** 33);
    list.setWritten(0, 13, 2); // after a big one, a small one is still read back
    expect(list.at(0)).toMatchObject({ prodLessonId: 13, tasksCopied: 2 });
  });

  it('changes an entry only through set and setWritten, and a copy apart from the list it was made from', () => {
    const { snapshot, entries } = variedPlan();
    const list = new PlanEntries(snapshot.lessons, snapshot.tasks, entries.length);
    for (const entry of entries) list.push(entry);
    list.at(0)!.action = 'skip'; // the caller's object
    expect(list.actionAt(0)).toBe('create');
    const outcomes = list.copy();
    outcomes.set(0, notWritten(entries[0]!, 'excluded'));
    outcomes.setWritten(1, 20, 3);
    expect(outcomes.at(0)).toMatchObject({ action: 'skip', reason: 'excluded', leftOut: 'create', tasksToCopy: TaskList.none });
    expect(outcomes.at(1)).toMatchObject({ action: 'update', prodLessonId: 20, tasksCopied: 3 });
    expect([...list]).toEqual(entries);
    // a summary counts the columns as it counts the entries made of them
    for (const planned of [true, false]) {
      expect(summarize(list, planned)).toEqual(summarize(entries, planned));
      expect(summarize(outcomes, planned)).toEqual(summarize([...outcomes], planned));
    }
    expect(summarize(outcomes)).toMatchObject({ created: 1, excluded: 1, tasksCopied: 3 });
    outcomes.set(0, entries[0]!);
    expect(outcomes.at(0)).toEqual(entries[0]);
    expect(outcomes.at(0)).not.toHaveProperty('leftOut');
  });

  it('keeps field lists apart once more than a byte of codes read differently', () => {
    const { snapshot, entries } = variedPlan();
    const many = Array.from({ length: 300 }, (_, k) => ({ ...entries[0]!, fieldsFilled: [`field${k}`], filledInProd: [] }));
    const list = PlanEntries.of(many);
    expect([...list]).toEqual(many);
    expect(list.at(299)!.fieldsFilled).toEqual(['field299']);
    expect(snapshot.lessons.length).toBe(entries.length);
  });
});
