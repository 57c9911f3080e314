import { describe, expect, it } from 'vitest';
import type { ReviewedLesson } from '../../source/engine/follow-plan.js';
import { DuplicateLessonError, ReviewedLessons } from '../../source/engine/reviewed-lessons.js';

const lesson = (id: number, over: Partial<ReviewedLesson> = {}): ReviewedLesson => ({
  sandboxLessonId: id,
  platformId: 'student_1',
  studentName: 'Ivan',
  lessonDate: '2025-01-15 14:00:00',
  duration: 60,
  action: 'update',
  selected: true,
  prodLessonId: 500 + id,
  sandboxFingerprint: '0123456789abcdef0123456789abcdef',
  prodFingerprint: 'fedcba9876543210fedcba9876543210',
  ...over,
});

describe('a saved plan’s lessons, held in columns', () => {
  const odd: ReviewedLesson[] = [
    lesson(7),
    lesson(3, { action: 'create', prodLessonId: null, prodFingerprint: null, platformId: null, studentName: null }),
    lesson(2 ** 40, { action: 'skip', selected: false, sandboxFingerprint: null, prodFingerprint: null, duration: null }),
    lesson(12, { action: 'error', selected: false, prodLessonId: 0, duration: 45.5, lessonDate: 'infinity' }),
    lesson(5, { lessonDate: '0044-03-15 12:00:00 BC', duration: 300, prodLessonId: 2 ** 33, studentName: 'Иван «\u001b[31m»' }),
    lesson(1, { lessonDate: '2025-01-15', platformId: 'student_1', studentName: 'Olga' }),
  ];

  it('give back each lesson as it was added, by sandbox id and in order', () => {
    const lessons = new ReviewedLessons();
    for (const l of odd) lessons.add(l);
    expect(lessons.size).toBe(odd.length);
    expect([...lessons.values()]).toEqual(odd);
    for (const l of odd) expect(lessons.get(l.sandboxLessonId)).toEqual(l);
    expect(lessons.get(4)).toBeUndefined();
    expect(lessons.get(2 ** 41)).toBeUndefined();
    expect(lessons.get(0)).toBeUndefined();
    expect(lessons.selectedCount()).toBe(4);
  });

  it('find lessons added after a lookup, across chunks', () => {
    const lessons = new ReviewedLessons();
    lessons.add(lesson(10));
    expect(lessons.get(10)?.prodLessonId).toBe(510);
    for (let id = 200_000; id > 11; id -= 2) lessons.add(lesson(id, { selected: id % 3 === 0 }));
    expect(lessons.get(10)?.prodLessonId).toBe(510);
    expect(lessons.get(100_000)).toEqual(lesson(100_000, { selected: false }));
    expect(lessons.get(99_999)).toBeUndefined();
    expect(lessons.get(12)?.selected).toBe(true);
    expect(lessons.size).toBe(1 + 99_995);
  });

  it('refuse a sandbox lesson given twice, naming the later one', () => {
    const lessons = new ReviewedLessons();
    for (const id of [4, 9, 2, 9, 6]) lessons.add(lesson(id));
    expect(() => lessons.seal()).toThrow(DuplicateLessonError);
    try {
      lessons.seal();
    } catch (error) {
      expect(error).toMatchObject({ sandboxLessonId: 9, row: 3 });
    }
  });
});
