/**
 * What the sandbox's and prod's lessons held by a plan share, in columns: an id, the
 * lesson_date key, a duration, the content fields filled (a bit mask), homework_status.
 * Repeated texts are kept once (TextCodes) and referred to by number.
 */
import { DateKeys } from './date-keys.js';
import { fieldsOfMask } from './fields.js';
import { hashStart, mixText } from './hash-groups.js';
import { IntColumn } from './int-column.js';
import { TextCodes } from './text-codes.js';
import type { ContentField } from './rows.js';

export abstract class LessonColumns {
  private readonly ids = new IntColumn();
  private readonly durations = new IntColumn();
  private readonly statuses = new IntColumn();
  private readonly masks = new IntColumn();
  private readonly dateKeys = new DateKeys();
  /** homework_status is undefined for every lesson when a database lacks the column */
  private hasStatus = true;

  /** `texts`: another store's, for a subset of its lessons (their texts are coded already) */
  constructor(protected readonly texts = new TextCodes()) {}

  get length(): number {
    return this.dateKeys.length;
  }

  protected addLesson(id: number, dateKey: string, duration: string | null, filledMask: number, homeworkStatus: string | null | undefined): void {
    if (this.length === 0) this.hasStatus = homeworkStatus !== undefined;
    this.ids.push(id);
    this.durations.push(this.texts.code(duration));
    this.statuses.push(this.texts.code(homeworkStatus ?? null));
    this.masks.push(filledMask);
    this.dateKeys.push(dateKey);
  }

  /** Lesson i of `other`, its key copied as it is held (a re-check's subset). */
  protected addLessonFrom(other: LessonColumns, i: number): void {
    if (this.length === 0) this.hasStatus = other.hasStatus;
    this.ids.push(other.idAt(i));
    this.durations.push(this.sameCode(other, other.durations.at(i)));
    this.statuses.push(this.sameCode(other, other.statuses.at(i)));
    this.masks.push(other.masks.at(i));
    this.dateKeys.pushFrom(other.dateKeys, i);
  }

  /** The code here of `other`'s text `code`: the same number when the texts are shared. */
  protected sameCode(other: LessonColumns, code: number): number {
    return other.texts === this.texts ? code : this.texts.code(other.texts.texts[code]!);
  }

  /** The columns a subclass adds, trimmed with the others by done(). */
  protected abstract ownColumns(): IntColumn[];

  /** Done adding: the columns give back the room they did not use. */
  done(): this {
    for (const column of [this.ids, this.durations, this.statuses, this.masks, this.dateKeys, ...this.ownColumns()]) column.trim();
    return this;
  }

  // what a pass over every lesson reads, without making the lesson an object
  idAt(i: number): number {
    return this.ids.at(i);
  }

  dateKeyAt(i: number): string {
    return this.dateKeys.at(i);
  }

  /** Lesson i's lesson_date as a list shows it (date-keys.ts displayOf), made without its key's text. */
  protected keyDisplayAt(i: number): string {
    return this.dateKeys.displayAt(i);
  }

  /** The hash of (a student, lesson i's lesson_date), without the date's text. */
  dateHashAt(i: number, studentId: number): number {
    return this.dateKeys.mix(hashStart(studentId), i);
  }

  /** The hash of lesson i's match key for a student: (student, lesson_date, duration). */
  keyHashAt(i: number, studentId: number): number {
    return mixText(this.dateHashAt(i, studentId), this.durationAt(i));
  }

  /** The lesson_date keys of these lessons, as a JSON array of their texts. */
  dateKeysJson(indexes: readonly number[]): string {
    return this.dateKeys.json(indexes);
  }

  sameDate(i: number, other: LessonColumns, j: number): boolean {
    return this.dateKeys.same(i, other.dateKeys, j);
  }

  /** Whether lesson i here and lesson j of `other` have the same lesson_date and duration. */
  sameDateAndDuration(i: number, other: LessonColumns, j: number): boolean {
    return this.sameDate(i, other, j) && this.durationAt(i) === other.durationAt(j);
  }

  durationAt(i: number): string | null {
    return this.texts.texts[this.durations.at(i)]!;
  }

  protected filledAt(i: number): readonly ContentField[] {
    return fieldsOfMask(this.masks.at(i));
  }

  protected homeworkStatusAt(i: number): string | null | undefined {
    return this.hasStatus ? this.texts.texts[this.statuses.at(i)]! : undefined;
  }
}
