/**
 * Set-based generation of a sandbox/prod pair of any size (generate_series), for the
 * benchmark and for the tests that compare query counts across sizes. Of the lessons,
 * 40% are missing in prod (create), 30% are there empty (update), 30% filled (skip);
 * every lesson has `tasksPerLesson` LessonTasks.
 */
import { platformSchema } from '../source/demo/platform-schema.js';

export interface GenerateOptions {
  lessons: number;
  tasksPerLesson?: number;
  lessonsPerStudent?: number;
  tasks?: number;
  /** prod with two CHECKs the plan then predicts (one on a lesson's field, one on a LessonTask's); no value breaks them */
  prodChecks?: boolean;
}

function sizes(options: GenerateOptions) {
  const lessons = Math.max(0, Math.floor(options.lessons));
  return {
    lessons,
    perLesson: options.tasksPerLesson ?? 5,
    students: Math.max(1, Math.ceil(lessons / (options.lessonsPerStudent ?? 20))),
    tasks: options.tasks ?? 2000,
  };
}

const common = (students: number, tasks: number) => `
INSERT INTO "Students" (student_id, platform_id, name, is_active)
  SELECT s, 'platform-' || s, 'Student ' || s, true FROM generate_series(1, ${students}) s;
INSERT INTO "Tasks" (task_id, task_number, content_html, answer)
  SELECT t, 1 + t % 27, '<p>Task ' || t || '</p>', (t * 7)::text FROM generate_series(1, ${tasks}) t;
`;

/** lesson i's student and date, identical on both sides */
const lessonKey = (students: number) =>
  `1 + (i % ${students}), timestamp '2020-01-01 08:00:00' + i * interval '37 minutes' + (i % 1000) * interval '1 microsecond', 60`;

export function sandboxSql(options: GenerateOptions): string {
  const { lessons, perLesson, students, tasks } = sizes(options);
  return `${platformSchema()}
${common(students, tasks)}
INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, lesson_type, status, topic, notes, homework,
                       homework_status, homework_result_percent, homework_result_notes, created_at)
  SELECT i, ${lessonKey(students)}, 'regular', 'completed', 'Topic ' || i, 'Notes for lesson ' || i,
         'Exercises ' || (i % 40), 'assigned', i % 101, CASE WHEN i % 3 = 0 THEN 'well done' END,
         timestamp '2020-01-01 09:00:00' + i * interval '37 minutes'
    FROM generate_series(1, ${lessons}) i;
INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type, date_assigned)
  SELECT i, 1 + ((i * ${perLesson} + k) % ${tasks}), CASE WHEN k % 2 = 0 THEN 'homework' ELSE 'classwork' END,
         timestamp '2020-01-01 08:00:00' + i * interval '37 minutes'
    FROM generate_series(1, ${lessons}) i, generate_series(0, ${perLesson - 1}) k;
SELECT setval(pg_get_serial_sequence('"Lessons"', 'lesson_id'), ${lessons + 1});
`;
}

export function prodSql(options: GenerateOptions): string {
  const { lessons, students, tasks } = sizes(options);
  const checks = options.prodChecks
    ? `ALTER TABLE "LessonTasks" ADD CONSTRAINT known_assignment CHECK (assignment_type IN ('homework', 'classwork', 'exam'));`
    : '';
  return `${platformSchema({ prodChecks: options.prodChecks })}
${checks}
${common(students, tasks)}
INSERT INTO "Lessons" (lesson_id, student_id, lesson_date, duration, status, topic, homework_status)
  SELECT i, ${lessonKey(students)}, 'planned', CASE WHEN i % 10 >= 7 THEN 'Recorded in prod' END, 'not_assigned'
    FROM generate_series(1, ${lessons}) i
   WHERE i % 10 >= 4;
SELECT setval(pg_get_serial_sequence('"Lessons"', 'lesson_id'), ${lessons + 1});
`;
}
