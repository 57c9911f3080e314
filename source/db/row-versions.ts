/**
 * Row versions (SPEC §12: undo takes back only rows still as the apply left them).
 * PostgreSQL stamps every row version with the id of the (sub)transaction that wrote it,
 * `xmin`: a row nobody wrote since keeps the xmin the apply's own INSERT or UPDATE returned,
 * any later UPDATE gives it another, and freezing keeps it (PostgreSQL ≥ 9.4). A lesson's
 * versions are its xmin and its LessonTasks' ids and xmins, in id order: the apply records
 * them from what its statements return, where a fingerprint of the contents had to read
 * back and hash every row it wrote (1.1 s of a 7.1 s apply at 100,000 lessons).
 *
 * As text: `<lesson xmin>:<tasks>`, the tasks as `<id>.<xmin>,<id>.<xmin>…` (empty for
 * none); an undo file keeps its md5.
 */
import { createHash } from 'node:crypto';

/** SQL, an aggregate: the LessonTasks of `alias`' group as `<id>.<xmin>,…` in id order (null for none). */
export const TASK_VERSIONS_SQL = (alias: string) =>
  `string_agg(${alias}.lesson_task_id::text || '.' || ${alias}.xmin::text, ',' ORDER BY ${alias}.lesson_task_id)`;

/** SQL: a lesson's versions from its xmin and TASK_VERSIONS_SQL's text. */
export const ROW_VERSIONS_SQL = (lessonXmin: string, taskVersions: string) => `${lessonXmin}::text || ':' || coalesce(${taskVersions}, '')`;

/** The same text as ROW_VERSIONS_SQL. */
export const rowVersions = (lessonXmin: string, taskVersions: string): string => `${lessonXmin}:${taskVersions}`;

/** The tasks' part of a lesson's versions. */
export const taskVersionsOf = (versions: string): string => versions.slice(versions.indexOf(':') + 1);

/** The LessonTasks' ids of a tasks' text, in its order. */
export function taskIdsOf(taskVersions: string): number[] {
  if (!taskVersions) return [];
  return taskVersions.split(',').map((pair) => Number(pair.slice(0, pair.indexOf('.'))));
}

/** Two tasks' texts as one, in id order (ids are compared as numbers, as the server does). */
export function mergeTaskVersions(a: string, b: string): string {
  if (!a || !b) return a || b;
  const pairs = `${a},${b}`.split(',').map((pair) => ({ id: Number(pair.slice(0, pair.indexOf('.'))), pair }));
  return pairs
    .sort((x, y) => x.id - y.id)
    .map(({ pair }) => pair)
    .join(',');
}

/** What an undo file keeps of a lesson's versions. */
export const versionsDigest = (versions: string): string => createHash('md5').update(versions).digest('hex');
