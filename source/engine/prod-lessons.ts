/**
 * The prod lessons a plan is matched against, in columns: at a million sandbox lessons
 * they are hundreds of thousands, held while every lesson is planned. A lesson is made an
 * object again only when a sandbox lesson lands on it.
 */
import { maskOfFields } from './fields.js';
import { IntColumn } from './int-column.js';
import { LessonColumns } from './lesson-columns.js';
import type { KeyedProdLesson, ProdLesson } from './rows.js';

export class ProdLessons extends LessonColumns {
  private readonly studentIds = new IntColumn();

  static from(lessons: readonly KeyedProdLesson[]): ProdLessons {
    const store = new ProdLessons();
    lessons.forEach((lesson) => store.add(lesson));
    return store.done();
  }

  add(lesson: KeyedProdLesson): void {
    this.addRow(lesson.id, lesson.studentId, lesson.dateKey, lesson.duration, maskOfFields(lesson.filled), lesson.homeworkStatus);
  }

  /** add(), without an object a row */
  addRow(id: number, studentId: number, dateKey: string, duration: string | null, filledMask: number, homeworkStatus: string | null | undefined): void {
    this.addLesson(id, dateKey, duration, filledMask, homeworkStatus);
    this.studentIds.push(studentId);
  }

  protected ownColumns(): IntColumn[] {
    return [this.studentIds];
  }

  /** Lesson i, without its key (dateKeyAt). */
  at(i: number): ProdLesson {
    return {
      id: this.idAt(i),
      studentId: this.studentIdAt(i),
      duration: this.durationAt(i),
      filled: this.filledAt(i),
      homeworkStatus: this.homeworkStatusAt(i),
    };
  }

  studentIdAt(i: number): number {
    return this.studentIds.at(i);
  }
}
