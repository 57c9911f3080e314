import type { Lang } from './config.js';

const en = `
  Move lessons (with their homework and classwork) from a sandbox PostgreSQL database
  into prod, without damaging what prod already has.

  Usage
    $ lesson-sync [options]

  Databases (flag > environment > .env in the current directory)
    --sandbox-url URL    sandbox database (read only)      SANDBOX_DATABASE_URL
    --prod-url URL       prod database                     PROD_DATABASE_URL
                         postgresql://user:password@host:5432/db?sslmode=require
                         sslmode: disable | prefer (default) | require | verify-ca | verify-full

  Options
    --dry-run            preview only: read both databases, write nothing
    --yes, -y            apply without the confirmation step (for scripts)
    --report FILE        write a JSON report of every lesson
    --student ID         only this platform_id (repeat for more)
    --since YYYY-MM-DD   only lessons on or after this date
    --until YYYY-MM-DD   only lessons on or before this date
    --lang ru|en         language (default: from LANG)
    --plain              line-by-line output even on a terminal
    --demo               run on two embedded demo databases
    --lock-timeout SEC   give up waiting for a lock in prod after SEC seconds (default 120)
    --help, --version

  Exit codes
    0 done · 1 some lessons failed · 2 bad usage · 3 cannot connect, schema error, lock or
    network timeout, prod refused the run · 130 / 143 / 129 interrupted (SIGINT / SIGTERM / SIGHUP)

  Examples
    $ lesson-sync --demo
    $ lesson-sync --sandbox-url "$SANDBOX" --prod-url "$PROD" --dry-run --report plan.json
    $ lesson-sync --plain --yes --student student_123 --since 2025-01-01
`;

const ru = `
  Переносит уроки (с домашними и классными работами) из базы песочницы PostgreSQL
  в прод, не повреждая того, что в проде уже есть.

  Запуск
    $ lesson-sync [параметры]

  Базы данных (флаг > переменная окружения > .env в текущей папке)
    --sandbox-url URL    база песочницы (только чтение)    SANDBOX_DATABASE_URL
    --prod-url URL       база прода                        PROD_DATABASE_URL
                         postgresql://user:password@host:5432/db?sslmode=require
                         sslmode: disable | prefer (по умолчанию) | require | verify-ca | verify-full

  Параметры
    --dry-run            только проверка: читает обе базы, ничего не пишет
    --yes, -y            применить без подтверждения (для скриптов)
    --report ФАЙЛ        записать JSON-отчёт по каждому уроку
    --student ID         только этот platform_id (можно повторять)
    --since ГГГГ-ММ-ДД   только уроки с этой даты
    --until ГГГГ-ММ-ДД   только уроки по эту дату включительно
    --lang ru|en         язык (по умолчанию — из LANG)
    --plain              построчный вывод даже в терминале
    --demo               запуск на двух встроенных демо-базах
    --lock-timeout СЕК   сколько секунд ждать блокировку в проде (по умолчанию 120)
    --help, --version

  Коды выхода
    0 готово · 1 ошибки в уроках · 2 неверный запуск · 3 нет подключения, ошибка схемы, истекло
    ожидание блокировки или сети, прод отказал · 130 / 143 / 129 прервано (SIGINT / SIGTERM / SIGHUP)

  Примеры
    $ lesson-sync --demo
    $ lesson-sync --sandbox-url "$SANDBOX" --prod-url "$PROD" --dry-run --report plan.json
    $ lesson-sync --plain --yes --student student_123 --since 2025-01-01
`;

export function helpText(lang: Lang): string {
  return lang === 'ru' ? ru : en;
}
