/**
 * The sandbox lessons a plan is made from, in columns: they are kept from the plan to the
 * end of apply, and a million of them as objects cost 96 bytes each before their texts.
 * Repeated texts (platform_id, name, duration, homework_status) are held once and referred
 * to by number; a lesson is made an object again only when it is asked for.
 */
import { IntColumn } from './int-column.js';
import { fieldsOfMask, maskOfFields } from './fields.js';
import type { SandboxLesson } from './types.js';

/** Texts that repeat, each kept once, referred to by number. */
class TextCodes {
  readonly texts: (string | null)[] = [];
  private readonly codes = new Map<string | null, number>();

  code(text: string | null): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.texts.length;
      this.texts.push(text);
      this.codes.set(text, code);
    }
    return code;
  }
}

export class SandboxLessons {
  private readonly ids = new IntColumn();
  private readonly platformIds = new IntColumn();
  private readonly names = new IntColumn();
  private readonly durations = new IntColumn();
  private readonly statuses = new IntColumn();
  private readonly masks = new IntColumn();
  private readonly dateKeys: string[] = [];
  /** the same string as the key when they read alike */
  private readonly dateDisplays: string[] = [];
  private readonly texts = new TextCodes();
  /** homework_status is undefined for every lesson when a database lacks the column */
  private hasStatus = true;

  static from(lessons: readonly SandboxLesson[]): SandboxLessons {
    const store = new SandboxLessons();
    lessons.forEach((lesson) => store.add(lesson));
    return store.done();
  }

  get length(): number {
    return this.dateKeys.length;
  }

  add(lesson: SandboxLesson): void {
    const { id, platformId, studentName, dateKey, dateDisplay, duration, filled, homeworkStatus } = lesson;
    this.addRow(id, platformId, studentName, dateKey, dateDisplay, duration, maskOfFields(filled), homeworkStatus);
  }

  /** add(), without an object a row: what the reader calls a million times */
  addRow(
    id: number,
    platformId: string | null,
    studentName: string | null,
    dateKey: string,
    dateDisplay: string,
    duration: string | null,
    filledMask: number,
    homeworkStatus: string | null | undefined,
  ): void {
    if (this.length === 0) this.hasStatus = homeworkStatus !== undefined;
    this.ids.push(id);
    this.platformIds.push(this.texts.code(platformId));
    this.names.push(this.texts.code(studentName));
    this.durations.push(this.texts.code(duration));
    this.statuses.push(this.texts.code(homeworkStatus ?? null));
    this.masks.push(filledMask);
    this.dateKeys.push(dateKey);
    this.dateDisplays.push(dateDisplay === dateKey ? dateKey : dateDisplay);
  }

  /** Done adding: the columns give back the room they did not use. */
  done(): this {
    for (const column of [this.ids, this.platformIds, this.names, this.durations, this.statuses, this.masks]) column.trim();
    return this;
  }

  at(i: number): SandboxLesson {
    return {
      id: this.ids.at(i),
      platformId: this.platformIdAt(i),
      studentName: this.texts.texts[this.names.at(i)]!,
      dateKey: this.dateKeys[i]!,
      dateDisplay: this.dateDisplays[i]!,
      duration: this.durationAt(i),
      filled: fieldsOfMask(this.masks.at(i)),
      homeworkStatus: this.hasStatus ? this.texts.texts[this.statuses.at(i)]! : undefined,
    };
  }

  // what the planner's pass over every lesson reads, without making the lesson an object
  idAt(i: number): number {
    return this.ids.at(i);
  }

  platformIdAt(i: number): string | null {
    return this.texts.texts[this.platformIds.at(i)]!;
  }

  dateKeyAt(i: number): string {
    return this.dateKeys[i]!;
  }

  durationAt(i: number): string | null {
    return this.texts.texts[this.durations.at(i)]!;
  }

  /** These lessons, in this order (a re-check's slice). */
  pick(indexes: readonly number[]): SandboxLessons {
    return SandboxLessons.from(indexes.map((i) => this.at(i)));
  }
}
