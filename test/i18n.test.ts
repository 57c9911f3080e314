import { describe, expect, it } from 'vitest';
import { messages } from '../source/i18n/index.js';

describe('messages', () => {
  it('group the wizard counts by language, and leave the plain log bare, as the seed prints it', () => {
    expect(messages('en').ui.stages.done(1_234_567)).toBe('📊 1,234,567 lessons planned');
    expect(messages('ru').ui.stages.done(1_234_567)).toBe('📊 Запланировано уроков: 1\u00a0234\u00a0567');
    expect(messages('en').found(1_234_567)).toBe('📊 Found 1234567 lessons in the sandbox');
  });
});
