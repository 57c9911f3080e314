/**
 * The sandbox lessons a plan is made from, in columns: they are kept from the plan to the
 * end of apply, and a million of them as objects cost 96 bytes each before their texts.
 * A lesson is made an object again only when it is asked for.
 */
import { maskOfFields } from './fields.js';
import { IntColumn } from './int-column.js';
import { LessonColumns } from './lesson-columns.js';
import type { KeyedSandboxLesson, SandboxFlaw, SandboxLesson } from './rows.js';
import { displayOf } from './date-keys.js';

export class SandboxLessons extends LessonColumns {
  private readonly platformIds = new IntColumn();
  private readonly names = new IntColumn();
  /**
   * dateDisplay where it is not what the key says (displayOf): a million display strings
   * held beside their keys were 48 MB from the plan to the end of apply.
   */
  private readonly displaysApart = new Map<number, string>();
  /** the few lessons a sloppy sandbox leaves without what matching needs */
  private readonly flaws = new Map<number, SandboxFlaw>();

  static from(lessons: readonly KeyedSandboxLesson[]): SandboxLessons {
    const store = new SandboxLessons();
    for (const { id, platformId, studentName, dateKey, dateDisplay, duration, filled, homeworkStatus } of lessons) {
      store.addRow(id, platformId, studentName, dateKey, dateDisplay, duration, maskOfFields(filled), homeworkStatus);
    }
    return store.done();
  }

  /** A lesson as its columns, without an object: what the reader calls a million times. */
  addRow(
    id: number,
    platformId: string | null,
    studentName: string | null,
    dateKey: string,
    dateDisplay: string,
    duration: string | null,
    filledMask: number,
    homeworkStatus: string | null | undefined,
    flaw?: SandboxFlaw,
  ): void {
    this.addLesson(id, dateKey, duration, filledMask, homeworkStatus);
    this.platformIds.push(this.texts.code(platformId));
    this.names.push(this.texts.code(studentName));
    if (dateDisplay !== displayOf(dateKey)) this.displaysApart.set(this.length - 1, dateDisplay);
    if (flaw) this.flaws.set(this.length - 1, flaw);
  }

  /** Why lesson i cannot be matched at all (no lesson_date, no student), if it cannot. */
  flawAt(i: number): SandboxFlaw | undefined {
    return this.flaws.size ? this.flaws.get(i) : undefined;
  }

  protected ownColumns(): IntColumn[] {
    return [this.platformIds, this.names];
  }

  /** Lesson i, without its key: a key's text is made anew each time it is asked for. */
  at(i: number): SandboxLesson {
    return {
      id: this.idAt(i),
      platformId: this.platformIdAt(i),
      studentName: this.studentNameAt(i),
      dateDisplay: this.dateDisplayAt(i),
      duration: this.durationAt(i),
      filled: this.filledAt(i),
      homeworkStatus: this.homeworkStatusAt(i),
    };
  }

  platformIdAt(i: number): string | null {
    return this.texts.texts[this.platformIds.at(i)]!;
  }

  studentNameAt(i: number): string | null {
    return this.texts.texts[this.names.at(i)]!;
  }

  dateDisplayAt(i: number): string {
    return this.displaysApart.get(i) ?? this.keyDisplayAt(i);
  }

  /** These lessons, in this order (a re-check's slice), copied column by column, their texts shared. */
  pick(indexes: readonly number[]): SandboxLessons {
    const store = new SandboxLessons(this.texts);
    for (const i of indexes) {
      store.addLessonFrom(this, i);
      store.platformIds.push(this.platformIds.at(i));
      store.names.push(this.names.at(i));
      const display = this.displaysApart.get(i);
      if (display !== undefined) store.displaysApart.set(store.length - 1, display);
      const flaw = this.flawAt(i);
      if (flaw) store.flaws.set(store.length - 1, flaw);
    }
    return store.done();
  }
}
