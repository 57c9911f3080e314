/**
 * The platform's tables as its Flask-SQLAlchemy models create them (quoted CamelCase).
 * `prodChecks` adds the stricter CHECK a real prod may have (SPEC §2).
 */
export function platformSchema(options: { prodChecks?: boolean } = {}): string {
  const percentCheck = options.prodChecks ? ' CHECK (homework_result_percent BETWEEN 0 AND 100)' : '';
  return `
CREATE TABLE "Tasks" (
    task_id        SERIAL PRIMARY KEY,
    task_number    INTEGER NOT NULL,
    site_task_id   TEXT,
    source_url     TEXT,
    content_html   TEXT NOT NULL,
    answer         TEXT,
    attached_files TEXT,
    last_scraped   TIMESTAMP
);
CREATE TABLE "Students" (
    student_id  SERIAL PRIMARY KEY,
    platform_id VARCHAR(100),
    name        VARCHAR(200) NOT NULL,
    phone       VARCHAR(50),
    email       VARCHAR(200),
    telegram    VARCHAR(100),
    category    VARCHAR(50),
    created_at  TIMESTAMP,
    updated_at  TIMESTAMP,
    is_active   BOOLEAN
);
CREATE TABLE "Lessons" (
    lesson_id               SERIAL PRIMARY KEY,
    student_id              INTEGER NOT NULL REFERENCES "Students"(student_id),
    lesson_type             VARCHAR(50),
    lesson_date             TIMESTAMP NOT NULL,
    duration                INTEGER,
    status                  VARCHAR(50),
    topic                   VARCHAR(300),
    notes                   TEXT,
    homework                TEXT,
    homework_status         VARCHAR(50),
    homework_result_percent INTEGER${percentCheck},
    homework_result_notes   TEXT,
    created_at              TIMESTAMP,
    updated_at              TIMESTAMP
);
CREATE TABLE "LessonTasks" (
    lesson_task_id     SERIAL PRIMARY KEY,
    lesson_id          INTEGER NOT NULL REFERENCES "Lessons"(lesson_id),
    task_id            INTEGER NOT NULL REFERENCES "Tasks"(task_id),
    date_assigned      TIMESTAMP,
    notes              TEXT,
    student_answer     TEXT,
    assignment_type    VARCHAR(20),
    student_submission TEXT,
    submission_correct BOOLEAN
);`;
}
