import { describe, expect, it } from 'vitest';
import { SandboxLessons } from '../../source/engine/sandbox-lessons.js';
import { ProdLessons } from '../../source/engine/prod-lessons.js';
import type { KeyedProdLesson, KeyedSandboxLesson } from '../../source/engine/types.js';

const lesson = (id: number, over: Partial<KeyedSandboxLesson> = {}): KeyedSandboxLesson => ({
  id,
  platformId: 'p1',
  studentName: 'Ivan',
  dateKey: '2025-01-15 14:00:00.000625',
  dateDisplay: '2025-01-15 14:00:00',
  duration: '60',
  filled: ['topic', 'homework'],
  homeworkStatus: 'assigned',
  ...over,
});

describe('SandboxLessons', () => {
  it('gives back every lesson as it was added, NULLs and shared texts included', () => {
    const lessons = [
      lesson(3),
      lesson(2 ** 40, { platformId: null, studentName: null, duration: null, homeworkStatus: null, filled: [] }),
      lesson(7, { dateKey: '2025-01-16 09:00:00', dateDisplay: '2025-01-16 09:00:00', filled: ['notes', 'homework_result_notes'] }),
    ];
    const store = SandboxLessons.from(lessons);
    expect(store).toHaveLength(3);
    const keyed = (from: SandboxLessons, i: number) => ({ ...from.at(i), dateKey: from.dateKeyAt(i) });
    expect([0, 1, 2].map((i) => keyed(store, i))).toEqual(lessons);
    expect([0, 1, 2].map((i) => [store.idAt(i), store.platformIdAt(i), store.dateKeyAt(i), store.durationAt(i)])).toEqual(
      lessons.map((l) => [l.id, l.platformId, l.dateKey, l.duration]),
    );
  });

  it('shows each lesson_date as the reader gave it, whether or not the key says it (a date, a fraction, another DateStyle)', () => {
    const lessons = [
      lesson(1, { dateKey: '2025-01-15', dateDisplay: '2025-01-15 00:00:00' }),
      lesson(2), // a fraction the display drops
      lesson(3, { dateKey: '01/15/2025 14:00:00', dateDisplay: '2025-01-15 14:00:00' }),
      lesson(4, { dateKey: '2025-01-15 14:00:00', dateDisplay: '2025-01-15 14:00:00' }),
      lesson(5, { dateKey: '2025-01-15 14:00:00', dateDisplay: '2025-01-15 15:00:00' }),
    ];
    const store = SandboxLessons.from(lessons);
    const displays = lessons.map((l) => l.dateDisplay);
    expect(lessons.map((_, i) => store.dateDisplayAt(i))).toEqual(displays);
    const picked = store.pick([4, 2, 0]);
    expect([0, 1, 2].map((i) => picked.dateDisplayAt(i))).toEqual([displays[4], displays[2], displays[0]]);
  });

  it('picks lessons column by column, a key kept as text included, as they were added', () => {
    const lessons = [
      lesson(3),
      lesson(2 ** 40, { platformId: null, studentName: null, duration: null, homeworkStatus: null, filled: [] }),
      lesson(7, { dateKey: 'infinity', dateDisplay: 'infinity', filled: ['notes', 'homework_result_notes'] }),
      lesson(9, { platformId: 'p2', studentName: 'Olga', duration: '90' }),
    ];
    const store = SandboxLessons.from(lessons);
    const picked = store.pick([2, 0, 3, 1]);
    expect(picked).toHaveLength(4);
    expect([0, 1, 2, 3].map((i) => ({ ...picked.at(i), dateKey: picked.dateKeyAt(i) }))).toEqual([lessons[2], lessons[0], lessons[3], lessons[1]]);
    // the same keys: a picked lesson still matches its original
    expect([0, 1, 2, 3].map((i) => picked.keyHashAt(i, 100))).toEqual([2, 0, 3, 1].map((i) => store.keyHashAt(i, 100)));
    expect(picked.sameDateAndDuration(0, store, 2)).toBe(true);
  });

  it('keeps homework_status undefined when the databases lack the column', () => {
    const store = SandboxLessons.from([lesson(1, { homeworkStatus: undefined }), lesson(2, { homeworkStatus: undefined })]);
    expect(store.at(1).homeworkStatus).toBeUndefined();
    expect(store.pick([1]).at(0).homeworkStatus).toBeUndefined();
    expect(SandboxLessons.from([]).length).toBe(0);
  });
});

describe('ProdLessons', () => {
  it('gives back every prod lesson as it was added, and its match key without an object', () => {
    const lessons: KeyedProdLesson[] = [
      { id: 501, studentId: 100, dateKey: '2025-01-15 14:00:00', duration: '60', filled: [], homeworkStatus: 'not_assigned' },
      { id: 2 ** 35, studentId: 2 ** 33, dateKey: '2025-01-16 09:00:00.5', duration: null, filled: ['topic', 'notes'], homeworkStatus: null },
    ];
    const store = ProdLessons.from(lessons);
    expect([0, 1].map((i) => ({ ...store.at(i), dateKey: store.dateKeyAt(i) }))).toEqual(lessons);
    expect([0, 1].map((i) => [store.studentIdAt(i), store.dateKeyAt(i), store.durationAt(i)])).toEqual(lessons.map((l) => [l.studentId, l.dateKey, l.duration]));
    expect(ProdLessons.from([{ ...lessons[0]!, homeworkStatus: undefined }]).at(0).homeworkStatus).toBeUndefined();
  });
});
