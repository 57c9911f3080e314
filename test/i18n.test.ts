import { describe, expect, it } from 'vitest';
import { messages } from '../source/i18n/index.js';

describe('messages', () => {
  it('group the wizard counts by language, and leave the plain log bare, as the seed prints it', () => {
    expect(messages('en').ui.stages.done(1_234_567)).toBe('📊 1,234,567 lessons planned');
    expect(messages('ru').ui.stages.done(1_234_567)).toBe('📊 Запланировано уроков: 1\u00a0234\u00a0567');
    expect(messages('en').found(1_234_567)).toBe('📊 Found 1234567 lessons in the sandbox');
  });

  it('say counts in the form the language wants: one, few, many', () => {
    const en = messages('en');
    const ru = messages('ru');
    expect([1, 2, 5].map((count) => en.found(count))).toEqual([
      '📊 Found 1 lesson in the sandbox',
      '📊 Found 2 lessons in the sandbox',
      '📊 Found 5 lessons in the sandbox',
    ]);
    expect([1, 3, 12, 21].map((count) => ru.found(count))).toEqual([
      '📊 Найден 1 урок в песочнице',
      '📊 Найдено 3 урока в песочнице',
      '📊 Найдено 12 уроков в песочнице',
      '📊 Найден 21 урок в песочнице',
    ]);
    expect(en.done.created(1)).toBe('  ✅ Created the lesson and copied 1 task');
    expect(ru.done.created(1)).toBe('  ✅ Создан урок и скопировано 1 задание');
    expect(ru.done.created(4)).toBe('  ✅ Создан урок и скопировано 4 задания');
    expect(en.ui.actions.update(1, 1)).toBe('fill 1 field +1 task');
    expect(ru.ui.actions.update(5, 0)).toBe('заполнить 5 полей');
  });

  it('explain in the ? panel every short reason a plan row can show, in both languages', () => {
    for (const lang of ['en', 'ru'] as const) {
      const m = messages(lang);
      const labels = m.ui.help.glossary.map(([words]) => words);
      for (const [reason, text] of Object.entries(m.ui.actions)) {
        if (reason === 'create' || reason === 'update') continue;
        const short = typeof text === 'function' ? (text as (n: string) => string)('N') : text;
        expect(labels.some((label) => label.endsWith(short)), `${lang}: "${short}" in the glossary`).toBe(true);
      }
      for (const [, meaning] of m.ui.help.glossary) expect(meaning.length).toBeGreaterThan(20);
    }
  });
});
