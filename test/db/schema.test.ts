/** checkSchema is a pure function of what introspection found: tried here on hand-made tables. */
import { describe, expect, it } from 'vitest';
import { checkSchema, type Column, type DbTables, type Table } from '../../source/db/schema.js';
import { SchemaError } from '../../source/errors.js';

const column = (name: string, type = 'integer', over: Partial<Column> = {}): Column => ({
  name,
  type,
  valueType: type.replace(/\(.*\)/, ''),
  notNull: false,
  hasDefault: false,
  generated: false,
  identityAlways: false,
  identity: false,
  ...over,
});

function table(name: string, columns: Column[], foreignKeys: Record<string, string> = {}): Table {
  return {
    name,
    sql: `public."${name}"`,
    columns: new Map(columns.map((c) => [c.name, c])),
    primaryKey: [columns[0]!.name],
    foreignKeys: new Map(Object.entries(foreignKeys)),
  };
}

const content = ['topic', 'notes', 'homework', 'homework_result_notes'].map((n) => column(n, 'text'));
function platform(extraLessonColumns: Column[] = [], lessonForeignKeys: Record<string, string> = {}): DbTables {
  return {
    students: table('Students', [column('student_id'), column('platform_id', 'text'), column('name', 'text')]),
    lessons: table(
      'Lessons',
      [
        column('lesson_id', 'integer', { hasDefault: true }),
        column('student_id'),
        column('lesson_date', 'timestamp without time zone'),
        column('duration'),
        ...content,
        column('homework_result_percent'),
        ...extraLessonColumns,
      ],
      { student_id: 'Students', ...lessonForeignKeys },
    ),
    lessonTasks: table('LessonTasks', [column('lesson_task_id'), column('lesson_id'), column('task_id'), column('assignment_type', 'text')]),
    tasks: table('Tasks', [column('task_id')]),
  };
}

describe('checkSchema', () => {
  it('checks the values of a column only where prod declares it narrower than the sandbox does', () => {
    const sandbox = platform([column('code', 'character varying(40)'), column('score', 'numeric(6,2)'), column('note', 'text')]);
    const prod = platform([column('code', 'character varying(20)'), column('score', 'numeric(6,2)'), column('note', 'character varying(10)')]);
    const copied = new Map(checkSchema(sandbox, prod).lessonCopy.map((c) => [c.name, c]));
    expect(copied.get('code')).toEqual({ name: 'code', prodType: 'character varying', exactType: 'character varying(20)' });
    expect(copied.get('score')).toEqual({ name: 'score', prodType: 'numeric' });
    expect(copied.get('note')).toEqual({ name: 'note', prodType: 'character varying', exactType: 'character varying(10)' });
    expect(copied.get('topic')).toEqual({ name: 'topic', prodType: 'text' });
  });

  it('copies the shared columns but the keys, and warns about the rest', () => {
    const sandbox = platform([column('legacy', 'boolean'), column('course_module_id')]);
    const prod = platform([column('source', 'text', { notNull: true, hasDefault: true }), column('course_module_id')], {
      course_module_id: 'course_modules',
    });
    const schema = checkSchema(sandbox, prod);
    expect(schema.lessonCopy.map((c) => c.name)).toEqual([
      'lesson_date',
      'duration',
      'topic',
      'notes',
      'homework',
      'homework_result_notes',
      'homework_result_percent',
    ]);
    expect(schema.taskCopy.map((c) => c.name)).toEqual(['task_id', 'assignment_type']);
    expect(schema.homeworkStatus).toBe(false);
    expect(schema.warnings).toEqual(
      expect.arrayContaining([
        { kind: 'unmapped-foreign-key', table: 'Lessons', column: 'course_module_id', references: 'course_modules' },
        { kind: 'sandbox-only', table: 'Lessons', columns: ['legacy'] },
        { kind: 'prod-only', table: 'Lessons', columns: ['source'] },
      ]),
    );
  });

  it('names every missing table and column; with all of them there, a NOT NULL prod column nothing can fill', () => {
    const problemsOf = (sandbox: DbTables, prod: DbTables) => {
      try {
        checkSchema(sandbox, prod);
      } catch (error) {
        expect(error).toBeInstanceOf(SchemaError);
        return (error as SchemaError).problems;
      }
      return [];
    };
    const sandbox = platform();
    delete sandbox.lessonTasks;
    const prod = platform();
    prod.students!.columns.delete('platform_id');
    expect(problemsOf(sandbox, prod)).toEqual([
      { side: 'sandbox', kind: 'missing-table', table: 'LessonTasks' },
      { side: 'prod', kind: 'missing-column', table: 'Students', column: 'platform_id' },
    ]);
    expect(problemsOf(platform(), platform([column('room', 'text', { notNull: true })]))).toEqual([
      { side: 'prod', kind: 'not-null-without-source', table: 'Lessons', column: 'room' },
    ]);
  });
});
