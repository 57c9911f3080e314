import en, { type Messages } from './en.js';
import ru from './ru.js';

export type Lang = 'ru' | 'en';

export type { Messages };

export function messages(lang: Lang): Messages {
  return lang === 'ru' ? ru : en;
}
