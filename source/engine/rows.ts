/** The rows the engine reads, as people and the planner see them: no column store of their own. */

export const CONTENT_FIELDS = ['topic', 'notes', 'homework', 'homework_result_percent', 'homework_result_notes'] as const;
export type ContentField = (typeof CONTENT_FIELDS)[number];

/** What a sloppy sandbox's lesson can lack (SPEC §2.8): it cannot be matched, and ends skip. */
export type SandboxFlaw = 'no-lesson-date' | 'no-student';

/** A sandbox lesson as the planner and people read it; its match key is asked for apart (SandboxLessons.dateKeyAt). */
export interface SandboxLesson {
  id: number;
  platformId: string | null;
  studentName: string | null;
  /** YYYY-MM-DD HH:MM:SS, for people and the report */
  dateDisplay: string;
  duration: string | null;
  /** the content fields that have a value; the values themselves are fetched at apply */
  filled: readonly ContentField[];
  /** undefined when either database has no homework_status column */
  homeworkStatus: string | null | undefined;
}

/** A sandbox lesson with its match key: lesson_date as the sandbox stores it, canonical text. */
export interface KeyedSandboxLesson extends SandboxLesson {
  dateKey: string;
}

export interface SandboxTask {
  /** lesson_task_id: apply fetches the columns to copy by it */
  id: number;
  taskId: number;
  assignmentType: string | null;
}

export interface ProdLesson {
  id: number;
  studentId: number;
  duration: string | null;
  /** the content fields that have a value (the values stay in prod: only "filled?" matters) */
  filled: readonly ContentField[];
  homeworkStatus: string | null | undefined;
}

/** A prod lesson with its match key: lesson_date rendered as the sandbox renders its own, so keys compare as text. */
export interface KeyedProdLesson extends ProdLesson {
  dateKey: string;
}
