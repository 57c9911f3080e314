/**
 * A saved plan's lessons as applying reads them (SPEC §11), held in columns: as a million
 * objects in a map they were 275 MB, the most an `--apply-plan` process held while it
 * planned. Here a lesson is about 70 bytes: fingerprints as their 16 bytes, lesson dates
 * as date keys, repeated texts once. Looked up by sandbox id through a sorted index.
 */
import { DateKeys } from './date-keys.js';
import { CHUNK, CHUNK_BITS, IntColumn, LAST } from './int-column.js';
import { IdIndex } from './sorted-ids.js';
import { TextCodes } from './text-codes.js';
import { ACTIONS, type Action, type LessonIdentity } from './types.js';

/** A lesson as the reviewed plan decided it. */
export interface ReviewedLesson extends LessonIdentity {
  action: Action;
  selected: boolean;
  prodLessonId: number | null;
  sandboxFingerprint: string | null;
  prodFingerprint: string | null;
}
const SELECTED = 4;
const NO_SANDBOX_FINGERPRINT = 8;
const NO_PROD_FINGERPRINT = 16;
const FINGERPRINT_BYTES = 16;

/** What followPlan and RowsCheck read of the reviewed lessons: a Map of them serves as well. */
export interface ReviewedLessonsView {
  get(sandboxLessonId: number): ReviewedLesson | undefined;
  values(): IterableIterator<ReviewedLesson>;
  readonly size: number;
}

/** A sandbox lesson given twice; `row`: the later one, counted from 0 in the order added. */
export class DuplicateLessonError extends Error {
  constructor(
    readonly sandboxLessonId: number,
    readonly row: number,
  ) {
    super(`lesson ${sandboxLessonId} is in the plan twice`);
  }
}

export class ReviewedLessons implements ReviewedLessonsView {
  private readonly sandboxIds = new IntColumn();
  /** prodLessonId + 1; 0: none */
  private readonly prodIds = new IntColumn();
  /** action index | SELECTED | NO_…_FINGERPRINT */
  private readonly flags = new IntColumn();
  /** NaN: none */
  private readonly durations = new IntColumn();
  private readonly platformIds = new IntColumn();
  private readonly studentNames = new IntColumn();
  private readonly texts = new TextCodes();
  private readonly dates = new DateKeys();
  /** per lesson: the sandbox fingerprint's bytes, then prod's */
  private readonly fingerprints: Buffer[] = [];
  /** rows by sandbox id, once every lesson is in */
  private index: IdIndex | undefined;

  get size(): number {
    return this.sandboxIds.length;
  }

  add(lesson: ReviewedLesson): void {
    const row = this.size;
    if ((row & LAST) === 0) this.fingerprints.push(Buffer.alloc(CHUNK * 2 * FINGERPRINT_BYTES));
    const bytes = this.fingerprints[row >>> CHUNK_BITS]!;
    const at = (row & LAST) * 2 * FINGERPRINT_BYTES;
    if (lesson.sandboxFingerprint !== null) bytes.write(lesson.sandboxFingerprint, at, FINGERPRINT_BYTES, 'hex');
    if (lesson.prodFingerprint !== null) bytes.write(lesson.prodFingerprint, at + FINGERPRINT_BYTES, FINGERPRINT_BYTES, 'hex');
    this.flags.push(
      ACTIONS.indexOf(lesson.action) |
        (lesson.selected ? SELECTED : 0) |
        (lesson.sandboxFingerprint === null ? NO_SANDBOX_FINGERPRINT : 0) |
        (lesson.prodFingerprint === null ? NO_PROD_FINGERPRINT : 0),
    );
    this.sandboxIds.push(lesson.sandboxLessonId);
    this.prodIds.push(lesson.prodLessonId === null ? 0 : lesson.prodLessonId + 1);
    this.durations.push(lesson.duration ?? Number.NaN);
    this.platformIds.push(this.texts.code(lesson.platformId));
    this.studentNames.push(this.texts.code(lesson.studentName));
    this.dates.push(lesson.lessonDate);
    this.index = undefined;
  }

  /** Sorts the index once the lessons are in; a sandbox id given twice is refused. */
  seal(): IdIndex {
    const rows = new Uint32Array(this.size);
    for (let row = 0; row < rows.length; row++) rows[row] = row;
    const index = new IdIndex(rows, (row) => this.sandboxIds.at(row));
    const twice = index.repeated();
    if (twice) throw new DuplicateLessonError(twice.id, twice.position);
    return (this.index = index);
  }

  get(sandboxLessonId: number): ReviewedLesson | undefined {
    const row = (this.index ?? this.seal()).positionOf(sandboxLessonId);
    return row === undefined ? undefined : this.at(row);
  }

  /** How many the plan selected to be written. */
  selectedCount(): number {
    let count = 0;
    for (let row = 0; row < this.size; row++) if (this.flags.at(row) & SELECTED) count++;
    return count;
  }

  /** In the order they were added (the plan's). */
  *values(): IterableIterator<ReviewedLesson> {
    for (let row = 0; row < this.size; row++) yield this.at(row);
  }

  private at(row: number): ReviewedLesson {
    const flags = this.flags.at(row);
    const bytes = this.fingerprints[row >>> CHUNK_BITS]!;
    const at = (row & LAST) * 2 * FINGERPRINT_BYTES;
    const prodId = this.prodIds.at(row);
    const duration = this.durations.at(row);
    return {
      sandboxLessonId: this.sandboxIds.at(row),
      platformId: this.texts.texts[this.platformIds.at(row)]!,
      studentName: this.texts.texts[this.studentNames.at(row)]!,
      lessonDate: this.dates.at(row),
      duration: Number.isNaN(duration) ? null : duration,
      action: ACTIONS[flags & 3]!,
      selected: (flags & SELECTED) !== 0,
      prodLessonId: prodId === 0 ? null : prodId - 1,
      sandboxFingerprint: flags & NO_SANDBOX_FINGERPRINT ? null : bytes.toString('hex', at, at + FINGERPRINT_BYTES),
      prodFingerprint: flags & NO_PROD_FINGERPRINT ? null : bytes.toString('hex', at + FINGERPRINT_BYTES, at + 2 * FINGERPRINT_BYTES),
    };
  }
}
