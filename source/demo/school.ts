/**
 * A small school whose sync shows every status: ➕ create, 🔄 update, ✅ filled,
 * ⏭️ each skip reason, ❌ each error, ⚠️ a task missing in prod and a sandbox duplicate.
 */
import { platformSchema } from './platform-schema.js';

const tasks = (ids: number[]) =>
  `INSERT INTO "Tasks" (task_id, task_number, content_html, answer) VALUES ${ids
    .map((id) => `(${id}, ${id % 27 || 27}, '<p>Задание ${id}</p>', '${id * 3}')`)
    .join(', ')};`;

export const sandboxSchool = `${platformSchema()}
${tasks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 999])}
INSERT INTO "Students" (student_id, platform_id, name, email, is_active) VALUES
  (1, 'student_123', 'Иван Иванов', 'ivan@example.com', true),
  (2, 'student_456', 'Петр Петров', NULL, true),
  (3, 'student_789', 'Анна Смирнова', NULL, true),
  (4, NULL, 'Гость без ID', NULL, false),
  (5, 'student_321', 'Мария Кузнецова', NULL, true),
  (6, 'student_654', 'Ольга Соколова', NULL, true);
INSERT INTO "Lessons" (lesson_id, student_id, lesson_type, lesson_date, duration, status, topic, notes, homework,
                       homework_status, homework_result_percent, homework_result_notes, created_at) VALUES
  (1, 1, 'regular', '2025-01-15 14:00:00', 60, 'completed', 'Квадратные уравнения', 'Разобрали теорему Виета', '№ 1–5 из варианта 12', 'assigned', NULL, NULL, '2025-01-15 15:05:00'),
  (2, 2, 'regular', '2025-01-14 16:00:00', 90, 'completed', 'Логарифмы', NULL, NULL, 'not_assigned', NULL, NULL, '2025-01-14 17:40:00'),
  (3, 1, 'regular', '2025-01-13 18:00:00', 60, 'completed', 'Тригонометрия', 'Формулы приведения', 'Вариант 7', 'assigned', NULL, NULL, '2025-01-13 19:02:00'),
  (4, 3, 'introductory', '2025-01-12 11:00:00', 45, 'completed', 'Вводный урок', NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 4, 'regular', '2025-01-12 09:30:00', 60, 'completed', 'Пробное занятие', NULL, NULL, NULL, NULL, NULL, NULL),
  (6, 5, 'regular', '2025-01-11 15:00:00', 60, 'completed', 'Производная', NULL, NULL, NULL, NULL, NULL, NULL),
  (7, 2, 'regular', '2025-01-10 16:00:00', 90, 'completed', 'Показательные уравнения', NULL, NULL, NULL, NULL, NULL, NULL),
  (8, 6, 'regular', '2025-01-09 12:00:00.250000', 60, 'completed', 'Проценты', 'Задачи на сплавы', NULL, NULL, NULL, NULL, NULL),
  (9, 6, 'regular', '2025-01-09 12:00:00.250000', 60, 'completed', 'Проценты (копия)', NULL, NULL, NULL, NULL, NULL, NULL),
  (10, 1, 'regular', '2025-01-08 18:00:00', 60, 'planned', NULL, '   ', NULL, NULL, NULL, NULL, NULL),
  (11, 1, 'regular', '2025-01-07 18:00:00', 60, 'completed', NULL, NULL, NULL, 'graded', 0, NULL, NULL),
  (12, 2, 'exam', '2025-01-06 10:00:00', 180, 'completed', 'Пробный ЕГЭ', NULL, NULL, 'graded', 120, 'Бонусные баллы сверх 100', NULL);
INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type, date_assigned, notes) VALUES
  (1, 1, 'classwork', '2025-01-15 14:00:00', NULL), (1, 2, 'classwork', '2025-01-15 14:00:00', NULL),
  (1, 3, 'homework', '2025-01-15 15:00:00', NULL), (1, 4, 'homework', '2025-01-15 15:00:00', NULL),
  (1, 5, 'homework', '2025-01-15 15:00:00', 'со звёздочкой'),
  (3, 6, 'classwork', '2025-01-13 18:00:00', NULL), (3, 7, 'homework', '2025-01-13 19:00:00', NULL),
  (3, 8, 'homework', '2025-01-13 19:00:00', NULL), (3, 999, 'homework', '2025-01-13 19:00:00', 'нет в проде'),
  (8, 9, 'classwork', '2025-01-09 12:00:00', NULL),
  (11, 10, 'homework', '2025-01-07 19:00:00', NULL),
  (12, 1, 'exam', '2025-01-06 10:00:00', NULL);
SELECT setval(pg_get_serial_sequence('"Students"', 'student_id'), 100);
SELECT setval(pg_get_serial_sequence('"Lessons"', 'lesson_id'), 100);
SELECT setval(pg_get_serial_sequence('"Tasks"', 'task_id'), 1000);
`;

export const prodSchool = `${platformSchema({ prodChecks: true })}
${tasks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])}
INSERT INTO "Students" (student_id, platform_id, name, is_active) VALUES
  (11, 'student_123', 'Иван Иванов', true),
  (12, 'student_456', 'Петр Петров', true),
  (13, 'student_321', 'Мария Кузнецова', true),
  (14, 'student_321', 'Мария Кузнецова (дубль)', true),
  (15, 'student_654', 'Ольга Соколова', true);
INSERT INTO "Lessons" (lesson_id, student_id, lesson_type, lesson_date, duration, status, topic, notes, homework, homework_status) VALUES
  (501, 12, 'regular', '2025-01-14 16:00:00', 90, 'completed', 'Логарифмы (записано в проде)', NULL, NULL, 'graded'),
  (502, 11, 'regular', '2025-01-13 18:00:00', 60, 'planned', NULL, NULL, '  ', 'not_assigned'),
  (503, 12, 'regular', '2025-01-10 16:00:00', 90, 'planned', NULL, NULL, NULL, NULL),
  (504, 12, 'regular', '2025-01-10 16:00:00', 90, 'planned', NULL, NULL, NULL, NULL),
  (505, 11, 'regular', '2025-01-08 18:00:00', 60, 'planned', NULL, NULL, NULL, NULL),
  (506, 11, 'regular', '2025-01-07 18:00:00', 60, 'planned', NULL, NULL, NULL, NULL),
  (507, 12, 'exam', '2025-01-06 10:00:00', 180, 'planned', NULL, NULL, NULL, NULL);
INSERT INTO "LessonTasks" (lesson_id, task_id, assignment_type) VALUES (502, 6, 'classwork');
SELECT setval(pg_get_serial_sequence('"Students"', 'student_id'), 100);
SELECT setval(pg_get_serial_sequence('"Lessons"', 'lesson_id'), 1000);
SELECT setval(pg_get_serial_sequence('"LessonTasks"', 'lesson_task_id'), 100);
SELECT setval(pg_get_serial_sequence('"Tasks"', 'task_id'), 1000);
`;
