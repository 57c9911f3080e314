/** checkSchema is a pure function of what introspection found: tried here on hand-made tables. */
import { describe, expect, it } from 'vitest';
import { checkSchema, mayNotFit, type Column, type DbTables, type Table } from '../../source/db/schema.js';
import { SchemaError } from '../../source/common/errors.js';

const column = (name: string, type = 'integer', over: Partial<Column> = {}): Column => ({
  name,
  type,
  valueType: `pg_catalog.${type.replace(/\(.*\)/, '')}`,
  typmod: type.includes('('),
  notNull: false,
  hasDefault: false,
  generated: false,
  identityAlways: false,
  identity: false,
  ...over,
});

function table(name: string, columns: Column[], foreignKeys: Record<string, string> = {}): Table {
  return {
    oid: 0,
    partitioned: false,
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
  it('says where prod declares a copied column narrower than the sandbox does (its values are then checked in the plan)', () => {
    const sandbox = platform([column('code', 'character varying(40)'), column('score', 'numeric(6,2)'), column('note', 'text'), column('wide', 'character varying(20)')]);
    const prod = platform([
      column('code', 'character varying(20)'),
      column('score', 'numeric(6,2)'),
      column('note', 'character varying(10)'),
      column('wide', 'character varying(40)'),
    ]);
    const schema = checkSchema(sandbox, prod);
    const copied = new Map(schema.lessonCopy.map((c) => [c.name, c]));
    expect(copied.get('code')).toEqual({ name: 'code', prodType: 'pg_catalog.character varying' });
    expect(copied.get('score')).toEqual({ name: 'score', prodType: 'pg_catalog.numeric' });
    expect(copied.get('note')).toEqual({ name: 'note', prodType: 'pg_catalog.character varying' });
    expect(copied.get('wide')).toEqual({ name: 'wide', prodType: 'pg_catalog.character varying' });
    expect(copied.get('topic')).toEqual({ name: 'topic', prodType: 'pg_catalog.text' });
    expect(schema.warnings.filter((w) => w.kind === 'narrower-in-prod')).toEqual([
      { kind: 'narrower-in-prod', table: 'Lessons', column: 'code', sandboxType: 'character varying(40)', prodType: 'character varying(20)' },
      { kind: 'narrower-in-prod', table: 'Lessons', column: 'note', sandboxType: 'text', prodType: 'character varying(10)' },
    ]);
  });

  it.each([
    ['text', 'character varying(300)', true],
    ['character varying(300)', 'character varying(300)', false],
    ['character varying(200)', 'character varying(300)', false],
    ['character varying(301)', 'character varying(300)', true],
    ['timestamp without time zone', 'timestamp(0) without time zone', true],
    ['timestamp(0) without time zone', 'timestamp(3) without time zone', false],
    ['timestamp(6) with time zone', 'timestamp(3) without time zone', true],
    ['numeric(7,3)', 'numeric(5,2)', true],
    ['numeric(6,2)', 'numeric(8,2)', false],
    ['numeric(6,2)', 'numeric(6,3)', true],
    ['numeric(5,1)', 'numeric(6,2)', false],
    ['integer', 'numeric(5,2)', true],
    ['interval', 'interval year to month', true],
    ['character varying(20)[]', 'character varying(10)[]', true],
    ['text', 'text', false],
    ['integer', 'bigint', false],
  ])('a %s value may not fit prod\'s %s: %s', (sandboxType, prodType, expected) => {
    expect(mayNotFit(sandboxType, { type: prodType, typmod: prodType !== 'text' && prodType !== 'bigint' })).toBe(expected);
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
