import { describe, expect, it } from 'vitest';
import { RowsCheck, type ReviewedLesson } from '../../source/engine/follow-plan.js';

const reviewed = (id: number, over: Partial<ReviewedLesson> = {}): ReviewedLesson => ({
  sandboxLessonId: id,
  platformId: 'p1',
  studentName: 'Ivan',
  lessonDate: '2025-01-15 14:00:00',
  duration: 60,
  action: 'update',
  selected: true,
  prodLessonId: 100 + id,
  sandboxFingerprint: `s${id}`,
  prodFingerprint: `p${id}`,
  ...over,
});

describe('the rows a saved plan rests on, checked as they stream in', () => {
  it('keeps a selected lesson only when its sandbox row and its prod row (if any) read as saved', () => {
    const lessons = [
      reviewed(1), // both rows as saved
      reviewed(2), // sandbox row changed
      reviewed(3), // prod row changed
      reviewed(4, { action: 'create', prodLessonId: null, prodFingerprint: null }), // a create: no prod row
      reviewed(5), // its prod row is gone
      reviewed(6, { selected: false }), // not selected: not read at all
      reviewed(7, { prodLessonId: 101, prodFingerprint: 'p1' }), // shares lesson 1's prod row
    ];
    const check = new RowsCheck(new Map(lessons.map((l) => [l.sandboxLessonId, l])));
    expect(check.sandboxIds).toEqual([1, 2, 3, 4, 5, 7]);
    expect(check.prodIds).toEqual([101, 102, 103, 105, 101]);
    for (const id of [1, 3, 4, 5, 7]) check.sandboxRow(id, `s${id}`);
    check.sandboxRow(2, 'changed');
    check.sandboxRow(99, 's99'); // a row no lesson asked for
    check.prodRow(101, 'p1');
    check.prodRow(102, 'p2');
    check.prodRow(103, 'changed');
    expect([...check.unchanged()].sort()).toEqual([1, 4, 7]);
  });
});
