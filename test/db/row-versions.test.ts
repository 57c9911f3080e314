/** Row versions: the apply's own text of a lesson's versions must be the server's, byte for byte. */
import { describe, expect, it } from 'vitest';
import { mergeTaskVersions, rowVersions, taskIdsOf, taskVersionsOf, versionsDigest } from '../../source/db/row-versions.js';

describe('row versions', () => {
  it('merge two lists of LessonTasks by id as numbers, as the server orders them', () => {
    expect(mergeTaskVersions('9.741,100.742', '10.742')).toBe('9.741,10.742,100.742');
    expect(mergeTaskVersions('', '10.742')).toBe('10.742');
    expect(mergeTaskVersions('9.741', '')).toBe('9.741');
  });

  it('take a lesson\'s text apart into its tasks and their ids', () => {
    const text = rowVersions('88', '3.80,12.88');
    expect(text).toBe('88:3.80,12.88');
    expect(taskVersionsOf(text)).toBe('3.80,12.88');
    expect(taskIdsOf(taskVersionsOf(text))).toEqual([3, 12]);
    expect(taskIdsOf(taskVersionsOf('88:'))).toEqual([]);
  });

  it('keep only an md5 of the text, which any change of a version changes', () => {
    expect(versionsDigest('88:3.80')).toMatch(/^[0-9a-f]{32}$/);
    expect(versionsDigest('88:3.80')).not.toBe(versionsDigest('88:3.81'));
  });
});
