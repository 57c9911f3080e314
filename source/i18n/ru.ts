/** Every Russian string a user sees: the seed guide's wording where it has one. */
import type { Messages } from './en.js';
import { marks } from './marks.js';
import { plurals } from './plural.js';

// made when first asked for, as en.ts's
let grouped: Intl.NumberFormat | undefined;
/** Counts in the wizard, grouped: 1 000 000 (the plain log keeps the seed's bare numbers). */
/** #503 и #504; #1, #2 и #3 */
const idList = (ids: readonly string[]) => {
  const marked = ids.map((id) => `#${id}`);
  return marked.length < 2 ? marked.join('') : `${marked.slice(0, -1).join(', ')} и ${marked.at(-1)}`;
};
const n = (value: number) => (grouped ??= new Intl.NumberFormat('ru-RU')).format(value);
const plural = plurals('ru');
const lessons = (count: number) => plural(count, { one: 'урок', few: 'урока', many: 'уроков', other: 'урока' });
const tasksWord = (count: number) => plural(count, { one: 'задание', few: 'задания', many: 'заданий', other: 'задания' });

const ru: Messages = {
  marks,
  rule: '='.repeat(60),
  banner: '🚀 Запуск синхронизации уроков из песочницы в прод',
  connecting: '🔌 Подключаюсь к базам данных...',
  connected: (side, target, version, rttMs) => `  ✅ ${side}: ${target} (PostgreSQL ${version}, ${rttMs.toFixed(1)} мс)`,
  sides: { sandbox: 'песочница', prod: 'прод' },
  readOnly: 'только чтение',
  reading: '📚 Получаю уроки из песочницы...',
  found: (n) => `📊 ${plural(n, { one: 'Найден', other: 'Найдено' })} ${n} ${lessons(n)} в песочнице`,
  filtersMatchNothing: (filters, total) =>
    `⚠️ Ни один урок песочницы не подходит под ${filters} (всего в песочнице ${n(total)} ${lessons(total)}): проверьте platform_id и даты.`,
  writing: (n) => `✍️  Записываю ${n} ${lessons(n)} в прод одной транзакцией...`,
  progress: (done, total) => `  … ${done}/${total}`,
  committed: '💾 Изменения сохранены.',
  lessonHeader: (date, name, platformId) => `📝 Обрабатываю урок от ${date} для ученика ${name} (ID: ${platformId})`,
  noName: '(без имени)',
  noDate: '(без даты)',
  noId: '—',
  plan: {
    create: '  ➕ Урок не найден в проде - создаю новый',
    createDry: '  ➕ Урок не найден в проде - будет создан новый',
    update: '  🔄 Урок существует, но не заполнен - обновляю данные',
    updateDry: '  🔄 Урок существует, но не заполнен - данные будут обновлены',
  },
  done: {
    created: (tasks) => `  ✅ Создан урок и скопировано ${tasks} ${tasksWord(tasks)}`,
    createdDry: (tasks) => `  ✅ Будет создан урок и скопировано ${tasks} ${tasksWord(tasks)}`,
    updated: (tasks) => `  ✅ Обновлен урок и скопировано ${tasks} ${tasksWord(tasks)}`,
    updatedDry: (tasks) => `  ✅ Будет обновлен урок и скопировано ${tasks} ${tasksWord(tasks)}`,
  },
  reasons: {
    filled: '  ✅ Урок уже существует и заполнен в проде, пропускаем',
    'no-platform-id': '  ⏭️ У ученика в песочнице нет platform_id, пропускаем',
    'no-student': '  ⏭️ У урока в песочнице нет ученика (student_id пуст или не указывает на ученика песочницы), пропускаем',
    'no-lesson-date': '  ⏭️ У урока в песочнице нет lesson_date, сопоставить его не с чем, пропускаем',
    'student-not-found': (pid) => `  ⏭️ Ученик с platform_id ${pid} не найден в проде, пропускаем`,
    'up-to-date': '  ⏭️ Нечего копировать: в уроке песочницы нет данных и новых заданий',
    'duplicate-in-sandbox': (first) => `  ⏭️ ⚠️ Дубликат урока песочницы #${first} (тот же ученик, дата и длительность), пропускаем`,
    'changed-since-preview': '  ⏭️ Урок изменился после предпросмотра (в песочнице или в проде), оставлен как есть',
    'ambiguous-student': (pid, ids) =>
      `  ❌ В проде ${ids.length} ${plural(ids.length, { one: 'ученик', few: 'ученика', many: 'учеников', other: 'ученика' })} с platform_id ${pid}: ${idList(ids)}. Устраните дубликаты и запустите снова`,
    'ambiguous-match': (ids) => `  ❌ В проде подходят ${ids.length} ${plural(ids.length, { one: 'урок', few: 'урока', many: 'уроков', other: 'урока' })}: ${idList(ids)}. Не трогаем`,
    'write-failed': (message) => `  ❌ Ошибка записи, урок пропущен: ${message}`,
    'prod-would-reject': (message) => `  ❌ Прод отклонит его, не записываем: ${message}`,
    excluded: '  ⏭️ Исключён вами, пропускаю',
    'not-in-plan': '  ⏭️ Появился в песочнице после сохранения плана, не записан',
  },
  taskMissing: (ids) => `  ⚠️ Задания не найдены в проде, пропущены: ${ids}`,
  noTaskId: 'задание урока без task_id',
  keptValue: (field, value) => `  ⚠️ В проде остаётся ${field}: ${value}`,
  summaryTitle: '📊 Итоги синхронизации:',
  summaryTitleDry: '📊 Итоги синхронизации (режим проверки: что будет сделано):',
  synced: (n) => `  ✅ Синхронизировано: ${n}`,
  skipped: (n) => `  ⏭️  Пропущено: ${n}`,
  errors: (n) => `  ❌ Ошибок: ${n}`,
  breakdown: (created, updated, copied, missing) => [
    `     ➕ создано: ${created} · 🔄 обновлено: ${updated}`,
    `     📎 скопировано заданий: ${copied} · ⚠️ заданий нет в проде: ${missing}`,
  ],
  changedCount: (n) => `  ⏭️  Изменились после предпросмотра: ${n}`,
  excludedCount: (n) => `  ⏭️  Исключены вами: ${n}`,
  notInPlanCount: (n) => `  ⏭️  Новых в песочнице после сохранения плана (не записаны): ${n}`,
  undoSaved: (path) => `${ru.undoFile(path)} (${ru.undoHow(path)})`,
  undoFile: (path) => `↩️ Файл отмены: ${path}`,
  undoHow: (path) => `lesson-sync undo ${path} отменит эту синхронизацию`,
  planSaved: (path) => `📄 План сохранён в ${path} (применить именно его: --apply-plan ${path})`,
  planLoaded: (path, createdAt, count, writes) => `📄 План ${path} от ${createdAt}: ${n(count)} ${lessons(count)}, к записи ${n(writes)}`,
  dryRunNote: '🔍 Режим проверки: в прод ничего не записано.',
  reportSaved: (path) => `🧾 Отчёт сохранён: ${path}`,
  schemaWarnings: {
    'unmapped-foreign-key': (table, column, references) =>
      `  ⚠️ в проде "${table}".${column} ссылается на "${references}": не копируется (там её id означают другие строки)`,
    'sandbox-only': (table, columns) => `  ⚠️ есть только в песочнице ("${table}"), не копируются: ${columns}`,
    'prod-only': (table, columns) => `  ⚠️ есть только в проде ("${table}"), получат значения по умолчанию: ${columns}`,
    'narrower-in-prod': (table, column, prodType, sandboxType) =>
      `  ⚠️ в проде "${table}".${column} имеет тип ${prodType}, в песочнице ${sandboxType}: урок со значением, которое не помещается, не записывается`,
    'prod-trigger': (table, name, timing, events) =>
      `  ⚠️ в проде на "${table}" работает триггер ${name} ${timing} ${events}: что он делает, в предпросмотре не видно`,
  },
  /** `lesson-sync --help` */
  help: `
  Переносит уроки (с домашними и классными работами) из базы песочницы
  PostgreSQL в прод, не повреждая того, что в проде уже есть.

  Запуск
    $ lesson-sync [параметры]        синхронизация: мастер в терминале, иначе
                                     построчный вывод
    $ lesson-sync undo ФАЙЛ | last   отменить синхронизацию (см. «Отмена»)
    $ lesson-sync help               эта справка

  Базы данных (флаг > переменная окружения > .env в текущей папке)
    --sandbox-url URL    песочница (только чтение)  SANDBOX_DATABASE_URL
    --prod-url URL       прод                       PROD_DATABASE_URL
                         postgresql://user:password@host:5432/db?sslmode=require
                         sslmode: disable | prefer (по умолчанию) | require |
                         verify-ca | verify-full

  Параметры
    --dry-run            только проверка: читает обе базы, ничего не пишет
    --yes, -y            применить без подтверждения (для скриптов)
    --report ФАЙЛ        JSON-отчёт по каждому уроку (- : в stdout)
    --student ID         только этот platform_id (можно повторять)
    --lesson ID          записать только этот урок песочницы (повторяемый)
    --exclude-lesson ID  не записывать этот урок песочницы (повторяемый)
    --since ГГГГ-ММ-ДД   только уроки с этой даты
    --until ГГГГ-ММ-ДД   только уроки по эту дату включительно
    --lang ru|en         язык (по умолчанию — из LANG)
    --plain              построчный вывод даже в терминале
    --demo               запуск на двух встроенных демо-базах
    --lock-timeout СЕК   сколько ждать чужую блокировку (по умолчанию 120)
    --exit-code          с --dry-run: код 4, если есть что записать
    --save-plan ФАЙЛ     сохранить план, чтобы позже применить именно его
    --apply-plan ФАЙЛ    применить сохранённый план, пока уроки не изменились
    --undo-file ФАЙЛ     файл отмены (по умолчанию — в папке состояния,
                         ~/.local/state/lesson-sync)
    --help, -h · --version, -V

  Отмена
    lesson-sync undo ФАЙЛ [--prod-url URL] [--dry-run | --yes] [--report ФАЙЛ]
                         отменяет синхронизацию, записавшую ФАЙЛ, кроме
                         уроков, изменённых после неё; last — последнюю для
                         этого прода; без ФАЙЛА мастер предложит выбор
    lesson-sync undo --list [--prod-url URL]   синхронизации, сначала новые
    --create-index       сначала создать индекс для быстрой отмены

  Коды выхода
    0 готово · 1 ошибки в уроках · 2 неверный запуск · 3 нет подключения,
    ошибка схемы, истекло ожидание блокировки или сети, прод отказал ·
    4 (--dry-run --exit-code) есть что записать · 130 / 143 / 129 прервано
    (SIGINT / SIGTERM / SIGHUP)

  Примеры
    $ lesson-sync --demo
    $ lesson-sync --sandbox-url "$SANDBOX" --prod-url "$PROD" --dry-run
    $ lesson-sync --dry-run --save-plan plan.json      (URL из .env)
    $ lesson-sync --apply-plan plan.json --yes
    $ lesson-sync undo last --prod-url "$PROD"
    $ lesson-sync --plain --yes --student student_123 --since 2025-01-01
`,
  errorPrefix: '❌ ',
  hintPrefix: '💡 ',
  usage: {
    'missing-url': (side) => `Не задан URL базы: ${side}.`,
    'missing-url-hint': '--sandbox-url / --prod-url, SANDBOX_DATABASE_URL / PROD_DATABASE_URL или файл .env (см. .env.example).',
    'invalid-url': (side, url, why) => `Строка подключения (${side}) не подходит для PostgreSQL (${why}): ${url}`,
    'invalid-url-hint': 'Ожидается postgresql://user:password@host:port/database[?sslmode=require] или host=… port=… dbname=… user=…',
    whys: {
      scheme: 'должен начинаться с postgresql:// или postgres://',
      syntax: 'не разбирается',
      host: 'нет хоста',
      port: 'неверный порт',
      database: 'нет имени базы',
      sslmode: 'sslmode: disable, allow, prefer, require, verify-ca или verify-full',
      keyword: 'неизвестный параметр',
      'ssl-file': 'не читается файл из sslrootcert, sslcert или sslkey',
      'verify-ca-root': 'для verify-ca нужен sslrootcert=ФАЙЛ',
      connect_timeout: 'connect_timeout — целое число секунд',
    },
    'same-database': 'URL песочницы и прода указывают на одну и ту же базу.',
    'same-database-hint': 'Проверьте, что URL песочницы и прода не перепутаны и не совпадают.',
    'plain-needs-yes': 'Не терминал: без --yes ничего не будет записано.',
    'plain-needs-yes-hint': 'Сначала проверьте с --dry-run, затем примените с --yes.',
    'bad-date': (flag, value) => `${flag}: нужна дата в виде ГГГГ-ММ-ДД, а не "${value}".`,
    'bad-range': (since, until) => `--since ${since} позже, чем --until ${until}.`,
    'bad-lang': (value) => `--lang: ru или en, а не "${value}".`,
    'yes-and-dry-run': '--yes и --dry-run противоречат друг другу: выберите одно.',
    'report-unwritable': (path, why) => `Не удаётся записать отчёт в ${path}: ${why}`,
    'unknown-lesson': (ids) => `Нет такого урока в песочнице (среди отобранных фильтрами): ${ids}`,
    'bad-lesson-id': (value) => `--lesson и --exclude-lesson ждут id урока песочницы (целое число), а не "${value}".`,
    'exit-code-needs-dry-run': '--exit-code работает с --dry-run: он сообщает скрипту, есть ли что записывать.',
    'bad-lock-timeout': (value) => `--lock-timeout: нужно число секунд больше 0, а не "${value}".`,
    'plan-unwritable': (path, why) => `Не удаётся записать план в ${path}: ${why}`,
    'save-plan-needs-dry-run': '--save-plan идёт вместе с --dry-run: план сохраняют, чтобы проверить и применить позже.',
    'apply-plan-with': (flag) => `--apply-plan и ${flag} вместе не работают: в плане уже есть свои фильтры и выбор уроков.`,
    'bad-plan-file': (path, why) => `${path} — не план, который lesson-sync может применить: ${why}.`,
    fileWhys: {
      unreadable: (detail) => `его не прочитать (${detail})`,
      'not-this-format': (kind) => (kind === 'plan' ? 'это не файл плана lesson-sync' : 'это не файл отмены lesson-sync'),
      version: (detail) => `это план другой версии (${detail}); эта версия lesson-sync читает версию 1`,
      truncated: () => 'он обрывается раньше конца (обрезан при копировании или записи?)',
      tampered: () => 'содержимое не совпадает с контрольной суммой: файл изменили после сохранения',
      invalid: (detail) => `строка ${detail} не соответствует формату плана`,
    },
    'bad-plan-file-hint': 'Сохраните план заново (--dry-run --save-plan ФАЙЛ), проверьте его и примените этот файл.',
    'plan-other-databases': (side, planned, given) =>
      `План составлен для другой базы (${side}): в плане ${planned}, а этот URL ведёт в ${given}.`,
    'plan-other-databases-hint': 'Ничего не прочитано. Укажите URL тех баз, для которых составлен план, или составьте новый план.',
    'undo-file-exists': (path) => `${path} уже существует: файл отмены никогда не перезаписывается (он может быть единственным путём назад после прошлой синхронизации).`,
    'undo-file-exists-hint': 'Укажите другой --undo-file или уберите тот файл.',
    'undo-unwritable': (path, why) => `Не удаётся записать файл отмены ${path}: ${why}. В прод ничего не записано.`,
    'same-output': (first, second, path) => `${first} и ${second} указывают на один файл (${path}): один затёр бы другой. Дайте каждому свой путь.`,
    'bad-undo-file': (path, why) => `${path} — не файл отмены, который lesson-sync может использовать: ${why}.`,
    'undo-other-database': (planned, given) => `Файл отмены относится к другой базе прода: в нём ${planned}, а этот URL ведёт в ${given}.`,
    'undo-other-database-hint': 'Ничего не прочитано и не записано. Укажите URL той базы прода, в которую писала синхронизация.',
    'undo-cut-committed': (path) => `${path} обрывается раньше конца, но сервер говорит, что синхронизация зафиксирована: по нему нельзя понять, что отменять.`,
    'undo-outcome-unknown': (path) => `${path} не отмечен как зафиксированный, а сервер уже не помнит, зафиксирована ли его транзакция.`,
    'undo-outcome-unknown-hint': 'Ничего не записано. Сверьте прод с файлом вручную, прежде чем что-то отменять.',
    'unknown-command': (word) => `Неизвестная команда «${word}»: lesson-sync принимает флаги или «undo ФАЙЛ».`,
    'unknown-flag': (flag, nearest) => `Неизвестный флаг ${flag}.${nearest ? ` Может быть, ${nearest}?` : ''} lesson-sync --help перечислит все.`,
    'undo-needs-file': 'lesson-sync undo нужно знать, что отменять: lesson-sync undo ФАЙЛ или undo last (последняя синхронизация этого прода); undo --list покажет их.',
    'no-undo-file': (dir) => `Ни у одной записанной синхронизации этого прода нет файла отмены в ${dir}: lesson-sync undo --list покажет, что там есть.`,
    'undo-flag': (flag) => `${flag} не используется с undo: он принимает URL прода, --dry-run или --yes, --report, --plain, --lang, --lock-timeout.`,
  },
  connect: {
    dns: (side, target) => `Не удаётся найти хост (${side}): ${target}`,
    refused: (side, target) => `Сервер (${side}) отклонил подключение: ${target}`,
    timeout: (side, target) => `Сервер (${side}) не ответил вовремя: ${target}`,
    auth: (side, target) => `Неверное имя пользователя или пароль (${side}): ${target}`,
    'no-password': (side, target) => `Сервер (${side}) просит пароль, а он нигде не задан: ${target}`,
    rejected: (side, target) => `Сервер (${side}) не пускает этого пользователя отсюда: ${target}`,
    'no-database': (side, target) => `База данных (${side}) не существует: ${target}`,
    'too-many': (side, target) => `У сервера (${side}) слишком много подключений: ${target}`,
    starting: (side, target) => `Сервер (${side}) ещё запускается: ${target}`,
    certificate: (side, target) => `Сертификат сервера (${side}) не принят: ${target}`,
    'ssl-unsupported': (side, target) => `Сервер (${side}) не поддерживает SSL: ${target}`,
    lost: (side, target) => `Потеряно подключение к базе (${side}): ${target}`,
    unresponsive: (side, target) => `Сервер (${side}) перестал отвечать: ${target}`,
    'commit-unknown': (side, target) => `Подключение к базе (${side}) потеряно во время COMMIT: ${target}`,
    other: (side, target) => `Не удаётся работать с базой (${side}): ${target}`,
  },
  connectHints: {
    dns: 'Проверьте имя хоста в URL и доступ к сети. Railway: используйте внешний URL (DATABASE_PUBLIC_URL).',
    refused: 'Проверьте хост и порт и что база доступна из вашей сети.',
    timeout: 'Хост недоступен или трафик режет файрвол. Проверьте URL и сеть.',
    auth: 'Проверьте учетные данные (скопируйте URL заново у провайдера).',
    'no-password': 'Укажите его в URL (postgresql://user:password@…), в PGPASSWORD или в ~/.pgpass (права 0600).',
    rejected: 'Сервер (pg_hba.conf) не пускает этого пользователя, базу или адрес; попробуйте ?sslmode=require.',
    'no-database': 'Проверьте имя базы в конце URL.',
    'too-many': 'Закройте другие подключения или повторите через минуту.',
    starting: 'Повторите через несколько секунд.',
    certificate:
      'Используйте ?sslmode=require (шифрование без проверки) или ?sslrootcert=ФАЙЛ для verify-ca / verify-full.',
    'ssl-unsupported': 'Используйте ?sslmode=disable или prefer для этого сервера.',
    lost: 'Ничего не записано. Проверьте сеть и запустите снова: синхронизация продолжится с того же места.',
    unresponsive:
      'Ничего не зафиксировано: подключение разорвано, сервер откатит транзакцию, когда это заметит. Проверьте сеть и запустите снова.',
    'commit-unknown':
      'COMMIT мог пройти, а мог и нет. Запустите с --dry-run: уже записанные уроки будут видны как заполненные, повторный запуск не запишет их дважды.',
    other: 'Проверьте URL, доступность базы из вашей сети и учетные данные.',
  },
  schema: {
    title: (n) => `Схема базы не подходит для lesson-sync (проблем: ${n}):`,
    'missing-table': (side, table) => `  • ${side}: таблица "${table}" не найдена (и ${table.toLowerCase()} тоже)`,
    'missing-column': (side, table, column) => `  • ${side}: нет колонки "${table}".${column}`,
    'not-null-without-source': (side, table, column) =>
      `  • ${side}: "${table}".${column} — NOT NULL без значения по умолчанию, а в песочнице его нечем заполнить`,
    'row-level-security': (side, table, policies) =>
      `  • ${side}: row-level security на "${table}" скрывает строки от этого пользователя (${policies ? `политика ${policies}` : 'ни одна политика не открывает ему строк'}): уроки, которых он не видит, были бы созданы дважды. Подключитесь владельцем таблицы или ролью с BYPASSRLS`,
    'lesson-date-type': (side, table, prodType, sandboxType) =>
      `  • ${side}: "${table}".lesson_date имеет тип ${prodType}, в песочнице ${sandboxType}: уроки сопоставляются по дате и времени, а эти типы не могут хранить их одинаково`,
    hint: 'Проверьте, что URL указывают на базы платформы (таблицы "Students", "Lessons", "LessonTasks", "Tasks").',
  },
  interrupted: 'Прервано: в прод ничего не записано.',
  reportAfterCommit: (created, updated, tasks, path, why) =>
    `Записано в прод (создано ${created}, обновлено ${updated}, заданий скопировано ${tasks}), но отчёт не удалось записать в ${path}: ${why}`,
  reportAfterCommitHint: 'Синхронизация выполнена: не запускайте её снова ради отчёта. --dry-run --report ФАЙЛ покажет, что теперь в проде.',
  stoppedBy: (signal) => `Остановлено сигналом ${signal}: в прод ничего не записано.`,
  stoppedByRolledBack: (signal) => `Остановлено сигналом ${signal}: транзакция откачена, прод такой же, как был.`,
  lockTarget: {
    run: 'другой запуск lesson-sync',
    table: (name, where) => `таблицу ${name} ${where}`,
    row: (where) => `строки ${where}, которые меняет другая транзакция`,
    other: (type, where) => `блокировку ${type} ${where}`,
    unknown: 'блокировку',
  },
  lockIn: { sandbox: 'в песочнице', prod: 'в проде' },
  lockHolder: (pid, user, application, since) =>
    `pid ${pid}${user ? ` (${user}` : ' ('}${application ? `, ${application}` : ''}${since ? `, транзакция с ${since}` : ''})`,
  lockWaiting: (target, holders, seconds, limit) =>
    `⏳ Жду ${seconds} с ${target}${holders ? `, держит ${holders}` : ''} (сдамся через ${limit} с)`,
  lockTimeout: (limit, target, holders) =>
    `Ждал ${limit} с ${target}${holders ? `, держит ${holders}` : ''}, и перестал: в прод ничего не записано.`,
  lockTimeoutHint: 'Дождитесь конца той транзакции (или завершите её: pg_terminate_backend(pid)) и запустите снова; --lock-timeout СЕКУНДЫ ждёт дольше.',
  runFailure: {
    'read-only': (detail) => `Прод доступен только для чтения: ${detail}`,
    privilege: (detail) => `У пользователя прода нет прав на запись: ${detail}`,
    'disk-full': (detail) => `На сервере прода кончилось место: ${detail}`,
    resources: (detail) => `Серверу прода не хватило ресурсов: ${detail}`,
    server: (detail) => `Прод отказал в записи: ${detail}`,
  },
  runFailureHints: {
    'read-only': 'Ничего не записано. Укажите в --prod-url основной (записываемый) сервер.',
    privilege: 'Ничего не записано. Пользователю нужны INSERT и UPDATE на "Lessons" и INSERT на "LessonTasks".',
    'disk-full': 'Ничего не записано. Освободите место на сервере прода и запустите снова.',
    resources: 'Ничего не записано. Повторите, когда сервер будет менее загружен.',
    server: 'Ничего не записано. Посмотрите сообщение выше и запустите снова, когда причина устранена.',
  },
  quitUnwritten: '👋 Выход без записи: прод не изменён.',
  interruptedRolledBack: 'Прервано: транзакция откатена, прод в прежнем состоянии.',
  unexpected: (message) => `Непредвиденная ошибка: ${message}`,
  unexpectedHint: 'Ничего не сохранено. Сообщите об этом, указав команду запуска.',
  ui: {
    title: 'lesson-sync',
    steps: ['Базы', 'Проверки', 'План', 'Подтверждение', 'Запись', 'Итоги'],
    stepOf: (n, total, name) => `${n}/${total} ${name}`,
    dryRunBadge: 'РЕЖИМ ПРОВЕРКИ · только чтение',
    keys: {
      urls: 'Enter далее · Tab другое поле · Ctrl+U очистить · Ctrl+C выход',
      checksRunning: 'Ctrl+C выход',
      checksOk: 'Enter к плану · Esc изменить URL · q выход',
      checksFailed: 'e/Esc изменить URL · r повторить · q выход',
      planning: '? клавиши · Ctrl+C выход',
      plan: '↑↓ PgUp PgDn · ␣ выбор · ⏎ детали · f фильтр · / поиск · c далее · ? · q выход',
      planDry: '↑↓ PgUp PgDn · ⏎ детали · f фильтр · / поиск · s отчёт · p план · ? · q выход',
      planFailed: 'Esc изменить URL · q выход',
      details: 'Enter/Esc закрыть · ↑↓ соседний урок · PgUp PgDn прокрутка',
      review: 'y оставить и дальше · n исключить и дальше · b назад · Esc закончить просмотр',
      search: 'имя или platform_id · Enter оставить · Esc сбросить',
      help: 'PgUp PgDn прокрутка · Esc/? закрыть',
      confirm: '↑↓ выбор · Enter выбрать · Esc назад к плану',
      typeName: 'Enter подтвердить · Esc отмена',
      apply: 'Ctrl+C прервать (с откатом)',
      abort: 'y прервать и откатить · n/Esc продолжить',
      summary: 'Enter/q выход',
      summarySave: 's сохранить отчёт · Enter/q выход',
      save: 'Enter сохранить · Esc отмена',
    },
    urlLabels: { sandbox: 'URL песочницы (только чтение)', prod: 'URL прода' },
    urlPlaceholder: 'postgresql://user:password@host:5432/database?sslmode=require',
    checks: {
      sandbox: 'Подключение к песочнице (только чтение)',
      prod: 'Подключение к проду',
      'same-database': 'Песочница и прод — разные базы',
      schema: 'Схема обеих баз',
      server: (version, rttMs) => `PostgreSQL ${version} · отклик ${rttMs.toFixed(1)} мс`,
      schemaOk: 'все нужные таблицы и колонки на месте',
      waiting: 'ожидание',
    },
    stages: {
      'reading-sandbox': '📚 Получаю уроки из песочницы...',
      'reading-prod': (total) => `🔎 Ищу ${n(total)} ${lessons(total)} в проде...`,
      planning: (done, total) => `📝 Планирую ${n(done)}/${n(total)}...`,
      done: (total) => `📊 Запланировано уроков: ${n(total)}`,
    },
    previewed: (shown) => ` · первые ${n(shown)} заранее`,
    filterLabel: (name) => `фильтр: ${name}`,
    filterNames: { all: 'все', create: '➕ создать', update: '🔄 обновить', skip: '⏭️ пропуск', error: '❌ ошибки' },
    searchLabel: (q) => `поиск: ${q}`,
    shown: (shown, total) => `${n(shown)} из ${n(total)}`,
    position: (at, count) => `${n(at)}/${n(count)}`,
    count: n,
    toWrite: (chosen, total) => `к записи: ${n(chosen)} из ${n(total)}`,
    review: (at, total, chosen) => `Просмотр ${n(at)} / ${n(total)} · ${chosen ? '● запишется' : '○ исключён'}`,
    reviewNothing: 'нечего просматривать: в этом виде нет создаваемых и обновляемых',
    nothingToWrite: 'для этого урока нечего записывать',
    nothingShown: 'Ни один урок не подходит под фильтр или поиск.',
    actions: {
      create: (tasks) => `создать${tasks ? ` +${tasks} зад.` : ''}`,
      update: (fields, tasks) => `заполнить ${fields} ${plural(fields, { one: 'поле', few: 'поля', many: 'полей', other: 'поля' })}${tasks ? ` +${tasks} зад.` : ''}`,
      filled: 'заполнен в проде',
      'no-platform-id': 'пропуск: нет platform_id',
      'no-student': 'пропуск: нет ученика в песочнице',
      'no-lesson-date': 'пропуск: нет lesson_date',
      'student-not-found': 'пропуск: нет ученика',
      'up-to-date': 'пропуск: нечего копировать',
      'duplicate-in-sandbox': (first) => `пропуск: дубликат #${first}`,
      'changed-since-preview': 'пропуск: изменён',
      'ambiguous-student': 'ошибка: 2+ ученика',
      'ambiguous-match': 'ошибка: 2+ урока',
      'write-failed': 'ошибка записи',
      'prod-would-reject': 'ошибка: прод отклонит',
      excluded: 'пропуск: исключён вами',
      'not-in-plan': 'пропуск: нет в плане',
    },
    minutes: (n) => `${n} мин`,
    details: {
      title: 'Подробности урока',
      sandboxId: (id) => `Урок песочницы #${id}`,
      prodId: (id) => `урок прода #${id}`,
      fields: 'Будут заполнены поля',
      filledInProd: 'Уже заполнено в проде (остаётся)',
      kept: 'Значения прода остаются',
      tasks: 'Задания к копированию',
      missing: 'Заданий нет в проде (пропущены)',
      already: (n) => `Уже в проде заданий: ${n}`,
      moreBelow: (from, to, total) => `▼ ниже ещё (строки ${n(from)}–${n(to)} из ${n(total)})`,
      linesOf: (from, to, total) => `▲ строки ${n(from)}–${n(to)} из ${n(total)}`,
      error: 'Ошибка',
      none: '—',
    },
    values: {
      loading: 'Читаю урок из обеих баз...',
      updateTitle: 'Сейчас в проде → что запишет песочница',
      createTitle: 'Колонки, которые вставит создание',
      defaulted: (columns) => `значения прода по умолчанию: ${columns}`,
      compareTitle: 'Прод | песочница (в проде есть данные: не трогаем)',
      sideBySideTitle: 'Прод | песочница',
      tasksTitle: 'Задания песочницы',
      cut: (whole) => ` … (первые 65 536 из ${n(whole)} символов)`,
      onLesson: 'уже есть у урока в проде',
      inProd: 'есть в Tasks прода',
      notInProd: 'нет в Tasks прода (пропускается)',
      failed: (why) => `Не удалось прочитать значения: ${why}`,
    },
    help: {
      title: 'Клавиши',
      rows: [
        ['↑ ↓  k j', 'перемещение'],
        ['PgUp PgDn', 'страница'],
        ['Home End  g G', 'первый / последний урок'],
        ['Пробел', 'записать этот урок или исключить его (● запишется, ○ исключён)'],
        ['a', 'то же для всех создаваемых и обновляемых, что показывают фильтр и поиск'],
        ['r', 'просмотреть создаваемые и обновляемые по одному: y оставить, n исключить, b назад'],
        ['Enter', 'подробности урока'],
        ['f  Tab', 'фильтр: все → создать → обновить → пропуск → ошибки'],
        ['/', 'поиск по имени ученика или platform_id'],
        ['Esc', 'закрыть, сбросить или назад'],
        ['c', 'к подтверждению (не в режиме проверки)'],
        ['s', 'сохранить JSON-отчёт'],
        ['p', 'сохранить план, чтобы позже применить именно его (--apply-plan)'],
        ['q  Ctrl+C', 'выйти без записи'],
      ],
      glossaryTitle: 'Что значат строки',
      glossary: [
        ['➕ создать', 'новый урок будет записан в прод вместе с заданиями'],
        ['🔄 заполнить N полей', 'урок есть в проде, но пуст: его пустые поля получат данные песочницы; заполненное в проде не перезаписывается'],
        ['+N зад.', 'задания урока (LessonTasks), которые копируются вместе с ним (если они есть в Tasks прода)'],
        ['✅ заполнен в проде', 'у урока в проде уже есть данные: он остаётся как есть'],
        ['пропуск: нет platform_id', 'у ученика в песочнице нет platform_id, найти ученика в проде нельзя'],
        ['пропуск: нет ученика в песочнице', 'student_id урока пуст или не указывает на ученика песочницы'],
        ['пропуск: нет lesson_date', 'у урока нет даты, сопоставить его с продом не с чем'],
        ['пропуск: нет ученика', 'в проде нет ученика с platform_id ученика песочницы'],
        ['пропуск: нечего копировать', 'в уроке песочницы нет данных и нет заданий, которых нет в проде'],
        ['пропуск: дубликат #N', 'тот же ученик, дата и длительность, что у урока песочницы #N: записан будет только он'],
        ['пропуск: изменён', 'урок изменился в песочнице или в проде после предпросмотра: оставлен как есть'],
        ['пропуск: исключён вами', 'вы исключили урок (Пробел, a или n при просмотре)'],
        ['пропуск: нет в плане', 'появился в песочнице после сохранения плана: не записывается'],
        ['ошибка: 2+ ученика', 'у нескольких учеников прода один platform_id: устраните дубликаты и запустите снова'],
        ['ошибка: 2+ урока', 'в проде несколько уроков с этим учеником, датой и длительностью: ни один не трогаем'],
        ['ошибка: прод отклонит', 'значение нарушает правило прода (CHECK, тип, длина): Enter покажет какое'],
        ['ошибка записи', 'прод отказал в записи: Enter покажет его слова; остальные уроки записаны'],
        ['⚠️', 'стоит знать: задания нет в проде, прод сохраняет своё значение, дубликат'],
      ] as [string, string][],
    },
    confirm: {
      title: 'Подтверждение записи',
      what: (created, updated, tasks) => `➕ создать уроков: ${n(created)} · 🔄 обновить: ${n(updated)} · скопировать заданий: ${n(tasks)}`,
      where: (db, host) => `в базу ${db} на ${host}`,
      untouched: (skipped, errors) => `⏭️ пропущенные (${n(skipped)}) и ❌ с ошибками (${n(errors)}) не меняются`,
      leftOut: (count) => `исключены вами: ${n(count)}`,
      whatChosen: (created, creates, updated, updates, tasks) =>
        `➕ создать ${n(created)} из ${n(creates)} · 🔄 обновить ${n(updated)} из ${n(updates)} · скопировать заданий: ${n(tasks)}`,
      nothing: 'Записывать нечего: все уроки пропущены или с ошибками.',
      apply: 'Записать',
      saveAndQuit: 'Сохранить отчёт и выйти',
      savePlanAndQuit: 'Сохранить план на потом (--apply-plan) и выйти',
      back: 'Назад к плану',
      quit: 'Выйти',
      typeName: (db) => `Введите имя базы прода (${db}), чтобы записать:`,
      mismatch: 'Имя не совпало: ничего не записано.',
    },
    apply: {
      title: '✍️  Запись в прод одной транзакцией',
      progress: (done, total, seconds, rate) =>
        `${n(done)}/${n(total)} ${lessons(total)} · ${seconds.toFixed(1)} с · ${n(Math.round(rate))} уроков/с`,
      current: (line) => `Последний: ${line}`,
      errors: 'Ошибки:',
      abortQuestion: 'Прервать? Транзакция будет откатена, прод останется прежним. (y/n)',
      aborting: 'Откатываю...',
      lockWait: (target, seconds) => `⏳ Жду ${seconds} с ${target}`,
      lockHolders: (holders, limit) => `${holders ? `держит ${holders} · ` : ''}сдамся через ${limit} с`,
    },
    summary: {
      title: 'Итоги',
      changed: 'Изменились после предпросмотра (оставлены как есть):',
      errorsTitle: 'Ошибки:',
      more: (n) => `… и ещё ${n}`,
      exitCode: (code) => `Код выхода ${code}.`,
      rolledBack: 'Прервано: транзакция откатена, прод в прежнем состоянии.',
      failed: 'Запись не удалась: ничего не сохранено, прод в прежнем состоянии.',
    },
    savePlan: {
      prompt: 'Сохранить план в:',
      saving: 'Сохраняю план…',
    },
    save: {
      prompt: 'Сохранить JSON-отчёт в:',
      saved: (path) => `🧾 Отчёт сохранён: ${path}`,
      failed: (why) => `Не удалось сохранить отчёт: ${why}`,
    },
  },
  undo: {
    list: {
      title: (dir) => `↩️ Синхронизации с файлом отмены в ${dir}, сначала новые:`,
      none: (dir) => `В ${dir} пока нет файлов отмены: каждая запись в прод оставляет там свой.`,
      counts: (created, updated) => `➕ ${n(created)} 🔄 ${n(updated)}`,
      lessons: (count) => `${n(count)} ${lessons(count)}`,
      committed: 'записана',
      notCommitted: 'не записана: отменять нечего',
      undone: 'записана · отменена',
      pickTitle: (db) => `Какую синхронизацию ${db} отменить? (сначала новые)`,
      pickNone: (db, dir) => `Ни у одной синхронизации ${db} нет файла отмены в ${dir}.`,
    },
    banner: '↩️  Отмена синхронизации уроков в проде',
    connecting: '🔌 Подключаюсь к проду...',
    file: (path, createdAt, count) => `📄 Файл отмены ${path}: синхронизация от ${createdAt}, ${n(count)} ${lessons(count)}`,
    notCommitted: 'Синхронизация, записавшая этот файл отмены, не была зафиксирована: её изменений в проде нет, отменять нечего.',
    writing: (count) => `✍️  Отменяю ${n(count)} ${lessons(count)} в проде одной транзакцией...`,
    remove: (tasks) => `  ➖ Создан синхронизацией: удалить вместе с ${n(tasks)} ${tasksWord(tasks)}`,
    removed: (tasks) => `  ✅ Удалён вместе с ${n(tasks)} ${tasksWord(tasks)}`,
    restore: (fields) => `  ↩️  Вернуть как до синхронизации: ${fields}`,
    restored: (fields) => `  ✅ Возвращено как до синхронизации: ${fields}`,
    removeAdded: (tasks) => `  ➖ Удалить добавленные синхронизацией задания: ${n(tasks)}`,
    reasons: {
      'changed-since': '  ⏭️ Изменён после синхронизации: оставлен как есть',
      'other-tasks': '  ⏭️ У урока есть задания, которые синхронизация не писала: оставлен как есть',
      'already-undone': '  ⏭️ Уже отменено',
      gone: '  ⏭️ Урока больше нет в проде: возвращать нечего',
    },
    summaryTitle: '📊 Итоги отмены:',
    summaryTitleDry: '📊 Итоги отмены (режим проверки: что было бы):',
    summary: (removed, restored, tasks) => [
      `  ➖ удалено уроков: ${n(removed)} · ↩️ возвращено уроков: ${n(restored)} · ➖ удалено заданий: ${n(tasks)}`,
    ],
    kept: (count) => `  ⏭️  Оставлены, изменены после синхронизации: ${n(count)}`,
    alreadyUndone: (count) => `  ⏭️  Уже отменены: ${n(count)}`,
    slowRemoval: (count, table, minutes) =>
      `⚠️ У ${table}.lesson_id нет индекса: PostgreSQL проверит каждый из ${n(count)} удаляемых уроков по всей таблице, около ${n(minutes)} мин. Индекс сократит это до секунд.`,
    indexHint: (table) => `💡 --create-index сначала создаст его (CREATE INDEX CONCURRENTLY ON ${table} (lesson_id): запись в прод при этом не останавливается).`,
    indexCreating: (table) => `🔧 Создаю индекс на ${table} (lesson_id), CONCURRENTLY: запись в прод при этом идёт...`,
    indexCreated: (seconds) => `✅ Индекс создан за ${seconds.toFixed(1)} с`,
    indexOffer: 'Сначала создать индекс? Он не останавливает запись в прод. (y: создать · n: отменять без него)',
    ui: {
      title: 'lesson-sync undo',
      steps: ['Проверки', 'План', 'Подтверждение', 'Отмена', 'Итоги'],
      pickStep: 'Выбор синхронизации',
      checks: {
        prod: 'Подключение к проду',
        'undo-file': 'Файл отмены относится к этой базе, и синхронизация зафиксирована',
        schema: 'Схема «Lessons» и «LessonTasks»',
      },
      planned: (count) => `📊 В файле отмены ${n(count)} ${lessons(count)}`,
      counts: (remove, restore, keep) => `➖ ${n(remove)} ↩️ ${n(restore)} ⏭️ ${n(keep)}`,
      rows: {
        remove: (tasks) => `удалить, заданий: ${n(tasks)}`,
        restore: (tasks) => `вернуть${tasks ? `, −${n(tasks)} зад.` : ''}`,
        'changed-since': 'оставить: изменён',
        'other-tasks': 'оставить: чужие задания',
        'already-undone': 'уже отменено',
        gone: 'оставить: нет в проде',
      },
      filters: { all: 'все', remove: '➖ удалить', restore: '↩️ вернуть', keep: '⏭️ оставить' } as Record<string, string>,
      details: {
        ids: (sandboxId, prodId) => `Урок песочницы #${sandboxId} → урок прода #${prodId}`,
        valuesTitle: 'Значения, которые вернутся (сейчас → до синхронизации):',
        tasksTitle: 'Задания урока, записанные синхронизацией (id в проде):',
        nullValue: '∅',
      },
      confirmTitle: 'Подтвердите отмену',
      confirmWhat: (remove, restore, tasks) => `➖ удалить уроков: ${n(remove)} · ↩️ вернуть: ${n(restore)} · ➖ заданий: ${n(tasks)}`,
      where: (db, host) => `в базе ${db} на ${host}`,
      confirmKept: (count) => `⏭️ останутся как есть: ${n(count)}`,
      nothing: 'Отменять нечего: все уроки уже отменены или изменены после синхронизации.',
      typeName: (db) => `Введите имя базы прода (${db}), чтобы отменить:`,
      undoing: (count) => `↩️  Отменяю ${n(count)} ${lessons(count)} одной транзакцией...`,
      keys: {
        pick: '↑↓ выбор · ⏎ открыть · q выход',
        index: 'y создать индекс · n отменять без него · Esc назад к плану',
        checksOk: 'Enter к плану · q выход',
        checksFailed: 'q выход',
        plan: '↑↓ PgUp PgDn · ⏎ детали · f фильтр · / поиск · c далее · q выход',
        planDry: '↑↓ PgUp PgDn · ⏎ детали · f фильтр · / поиск · q выход',
        details: 'PgUp PgDn прокрутка · ↑↓ следующий урок · ⏎/Esc назад',
        search: 'вводите для поиска · ⏎ оставить · Esc сбросить',
        confirm: 'Enter отменить · Esc к плану · q выход',
        typeName: 'Enter подтвердить · Esc отмена',
        apply: 'Ctrl+C прервать (откат)',
        summary: 'Enter/q выход',
      },
    },
  },
  demoStarting: '🧪 Запускаю демо-базы (встроенный PostgreSQL)...',
};

export default ru;
