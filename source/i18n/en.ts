/** Every English string a user sees. ru.ts has the same keys. */
import { marks } from './marks.js';
import { plurals } from './plural.js';

// made when first asked for: loading a locale's number data costs ~11 ms, on every start
let grouped: Intl.NumberFormat | undefined;
/** Counts in the wizard, grouped: 1,000,000 (the plain log keeps the seed's bare numbers). */
/** #503 and #504; #1, #2 and #3 */
const idList = (ids: readonly string[]) => {
  const marked = ids.map((id) => `#${id}`);
  return marked.length < 2 ? marked.join('') : `${marked.slice(0, -1).join(', ')} and ${marked.at(-1)}`;
};
const n = (value: number) => (grouped ??= new Intl.NumberFormat('en-US')).format(value);
const plural = plurals('en');
const lessons = (count: number) => plural(count, { one: 'lesson', other: 'lessons' });
const tasksWord = (count: number) => plural(count, { one: 'task', other: 'tasks' });

const en = {
  marks,
  rule: '='.repeat(60),
  banner: '🚀 Starting lesson sync from sandbox to prod',
  connecting: '🔌 Connecting to the databases...',
  connected: (side: string, target: string, version: string, rttMs: number) =>
    `  ✅ ${side}: ${target} (PostgreSQL ${version}, ${rttMs.toFixed(1)} ms)`,
  sides: { sandbox: 'sandbox', prod: 'prod' },
  readOnly: 'read-only',
  reading: '📚 Reading lessons from the sandbox...',
  found: (n: number) => `📊 Found ${n} ${lessons(n)} in the sandbox`,
  filtersMatchNothing: (filters: string, total: number) =>
    `⚠️ No sandbox lesson matches ${filters} (the sandbox holds ${n(total)} ${lessons(total)}): check the platform_id and the dates.`,
  writing: (n: number) => `✍️  Writing ${n} ${lessons(n)} to prod in one transaction...`,
  progress: (done: number, total: number) => `  … ${done}/${total}`,
  committed: '💾 Committed.',
  lessonHeader: (date: string, name: string, platformId: string) =>
    `📝 Processing the lesson of ${date} for student ${name} (ID: ${platformId})`,
  noName: '(no name)',
  noDate: '(no date)',
  noId: '—',
  plan: {
    create: '  ➕ Lesson not found in prod - creating a new one',
    createDry: '  ➕ Lesson not found in prod - would create a new one',
    update: '  🔄 Lesson exists but is not filled - updating it',
    updateDry: '  🔄 Lesson exists but is not filled - would update it',
  },
  done: {
    created: (tasks: number) => `  ✅ Created the lesson and copied ${tasks} ${tasksWord(tasks)}`,
    createdDry: (tasks: number) => `  ✅ Would create the lesson and copy ${tasks} ${tasksWord(tasks)}`,
    updated: (tasks: number) => `  ✅ Updated the lesson and copied ${tasks} ${tasksWord(tasks)}`,
    updatedDry: (tasks: number) => `  ✅ Would update the lesson and copy ${tasks} ${tasksWord(tasks)}`,
  },
  reasons: {
    filled: '  ✅ Lesson already exists and is filled in prod, skipping',
    'no-platform-id': '  ⏭️ The sandbox student has no platform_id, skipping',
    'no-student': '  ⏭️ The sandbox lesson has no student (student_id is empty or names no sandbox student), skipping',
    'no-lesson-date': '  ⏭️ The sandbox lesson has no lesson_date, so it cannot be matched, skipping',
    'student-not-found': (pid: string) => `  ⏭️ No prod student with platform_id ${pid}, skipping`,
    'up-to-date': '  ⏭️ Nothing to copy: the sandbox lesson has no content and no new tasks',
    'duplicate-in-sandbox': (first: string) =>
      `  ⏭️ ⚠️ Duplicate of sandbox lesson #${first} (same student, date and duration), skipping`,
    'changed-since-preview': '  ⏭️ Changed since the preview (in the sandbox or prod), left as it is',
    'ambiguous-student': (pid: string, ids: string[]) =>
      `  ❌ ${ids.length} prod students have platform_id ${pid}: ${idList(ids)}. Make it unique, then re-run`,
    'ambiguous-match': (ids: string[]) => `  ❌ ${ids.length} prod lessons match: ${idList(ids)}. Left untouched`,
    'write-failed': (message: string) => `  ❌ Write failed, lesson left out: ${message}`,
    'prod-would-reject': (message: string) => `  ❌ Prod would reject it, not written: ${message}`,
    excluded: '  ⏭️ Left out by you, skipping',
    'not-in-plan': '  ⏭️ New in the sandbox since the plan, not written',
  },
  taskMissing: (ids: string) => `  ⚠️ Tasks not found in prod, skipped: ${ids}`,
  noTaskId: 'a LessonTask without task_id',
  keptValue: (field: string, value: string) => `  ⚠️ Prod keeps its ${field}: ${value}`,
  summaryTitle: '📊 Sync summary:',
  summaryTitleDry: '📊 Sync summary (dry run: what would happen):',
  synced: (n: number) => `  ✅ Synced: ${n}`,
  skipped: (n: number) => `  ⏭️  Skipped: ${n}`,
  errors: (n: number) => `  ❌ Errors: ${n}`,
  breakdown: (created: number, updated: number, copied: number, missing: number) => [
    `     ➕ created: ${created} · 🔄 updated: ${updated}`,
    `     📎 tasks copied: ${copied} · ⚠️ tasks missing in prod: ${missing}`,
  ],
  changedCount: (n: number) => `  ⏭️  Changed since the preview: ${n}`,
  excludedCount: (n: number) => `  ⏭️  Left out by you: ${n}`,
  notInPlanCount: (n: number) => `  ⏭️  ${n} new in the sandbox since the plan: not written`,
  undoSaved: (path: string) => `${en.undoFile(path)} (${en.undoHow(path)})`,
  undoFile: (path: string) => `↩️ Undo file: ${path}`,
  undoHow: (path: string) => `lesson-sync undo ${path} takes this sync back`,
  planSaved: (path: string) => `📄 Plan saved to ${path} (apply exactly it with --apply-plan ${path})`,
  planLoaded: (path: string, createdAt: string, count: number, writes: number) =>
    `📄 Plan ${path}, saved ${createdAt}: ${n(count)} ${lessons(count)}, ${n(writes)} to write`,
  dryRunNote: '🔍 Dry run: nothing was written to prod.',
  reportSaved: (path: string) => `🧾 Report saved to ${path}`,
  schemaWarnings: {
    'unmapped-foreign-key': (table: string, column: string, references: string) =>
      `  ⚠️ prod "${table}".${column} is a foreign key to "${references}": not copied (its ids mean other rows there)`,
    'sandbox-only': (table: string, columns: string) => `  ⚠️ only in the sandbox's "${table}", not copied: ${columns}`,
    'prod-only': (table: string, columns: string) => `  ⚠️ only in prod's "${table}", left to prod's defaults: ${columns}`,
    'narrower-in-prod': (table: string, column: string, prodType: string, sandboxType: string) =>
      `  ⚠️ prod "${table}".${column} is ${prodType}, the sandbox's ${sandboxType}: a lesson with a value that does not fit is not written`,
    'prod-trigger': (table: string, name: string, timing: string, events: string) =>
      `  ⚠️ prod runs trigger ${name} ${timing} ${events} on "${table}": its effects are not in the preview`,
  },
  /** `lesson-sync --help` */
  help: `
  Move lessons (with their homework and classwork) from a sandbox PostgreSQL
  database into prod, without damaging what prod already has.

  Usage
    $ lesson-sync [options]              sync: a wizard at a terminal, or plain
    $ lesson-sync undo FILE | last       take a sync back (see Undo)
    $ lesson-sync help                   this text

  Databases (flag > environment > .env in the current directory)
    --sandbox-url URL    sandbox database (read only)   SANDBOX_DATABASE_URL
    --prod-url URL       prod database                  PROD_DATABASE_URL
                         postgresql://user:password@host:5432/db?sslmode=require
                         sslmode: disable | prefer (default) | require |
                         verify-ca | verify-full

  Options
    --dry-run            preview only: read both databases, write nothing
    --yes, -y            apply without the confirmation step (for scripts)
    --report FILE        write a JSON report of every lesson (- : stdout)
    --student ID         only this platform_id (repeat for more)
    --lesson ID          write only this sandbox lesson (repeat for more)
    --exclude-lesson ID  never write this sandbox lesson (repeat for more)
    --since YYYY-MM-DD   only lessons on or after this date
    --until YYYY-MM-DD   only lessons on or before this date
    --lang ru|en         language (default: from LANG)
    --plain              line-by-line output even on a terminal
    --demo               run on two embedded demo databases
    --lock-timeout SEC   give up waiting for a lock after SEC s (default 120)
    --exit-code          with --dry-run: 4 when something would be written
    --save-plan FILE     save the plan, to apply exactly it later
    --apply-plan FILE    apply a saved plan: its lessons, while unchanged
    --undo-file FILE     the apply's undo file (default: in the state directory,
                         ~/.local/state/lesson-sync)
    --help, -h · --version, -V

  Undo
    lesson-sync undo FILE [--prod-url URL] [--dry-run | --yes] [--report FILE]
                         takes back the sync that wrote FILE, lessons changed
                         since excepted; last: this prod's newest sync; no FILE:
                         the wizard offers this prod's syncs
    lesson-sync undo --list [--prod-url URL]   the syncs, newest first
    --create-index       make first the index a slow undo lacks (CONCURRENTLY)

  Exit codes
    0 done · 1 some lessons failed · 2 bad usage · 3 cannot connect, schema
    error, lock or network timeout, prod refused the run · 4 (--dry-run
    --exit-code) something to write · 130 / 143 / 129 interrupted
    (SIGINT / SIGTERM / SIGHUP)

  Examples
    $ lesson-sync --demo
    $ lesson-sync --sandbox-url "$SANDBOX" --prod-url "$PROD" --dry-run
    $ lesson-sync --dry-run --save-plan plan.json      (URLs from .env)
    $ lesson-sync --apply-plan plan.json --yes
    $ lesson-sync undo last --prod-url "$PROD"
    $ lesson-sync --plain --yes --student student_123 --since 2025-01-01
`,
  errorPrefix: '❌ ',
  hintPrefix: '💡 ',
  usage: {
    'missing-url': (side: string) => `No ${side} database URL.`,
    'missing-url-hint': '--sandbox-url / --prod-url, SANDBOX_DATABASE_URL / PROD_DATABASE_URL, or a .env file (see .env.example).',
    'invalid-url': (side: string, url: string, why: string) => `The ${side} connection string is not one PostgreSQL takes (${why}): ${url}`,
    'invalid-url-hint': 'Expected postgresql://user:password@host:port/database[?sslmode=require], or host=… port=… dbname=… user=…',
    whys: {
      scheme: 'it must start with postgresql:// or postgres://',
      syntax: 'it does not parse',
      host: 'no host',
      port: 'bad port',
      database: 'no database name',
      sslmode: 'sslmode must be disable, allow, prefer, require, verify-ca or verify-full',
      keyword: 'an unknown keyword',
      'ssl-file': 'sslrootcert, sslcert or sslkey names a file that cannot be read',
      'verify-ca-root': 'verify-ca needs sslrootcert=FILE',
      connect_timeout: 'connect_timeout must be a whole number of seconds',
    } as Record<string, string>,
    'same-database': 'The sandbox and prod URLs point to the same database.',
    'same-database-hint': 'Check that you copied the sandbox URL into the sandbox field and prod into prod.',
    'plain-needs-yes': 'Not a terminal: nothing will be written without --yes.',
    'plain-needs-yes-hint': 'Preview with --dry-run, then apply with --yes.',
    'bad-date': (flag: string, value: string) => `${flag} wants a date as YYYY-MM-DD, not "${value}".`,
    'bad-range': (since: string, until: string) => `--since ${since} is after --until ${until}.`,
    'bad-lang': (value: string) => `--lang is ru or en, not "${value}".`,
    'yes-and-dry-run': '--yes and --dry-run contradict each other: pick one.',
    'report-unwritable': (path: string, why: string) => `Cannot write the report to ${path}: ${why}`,
    'unknown-lesson': (ids: string) => `No such sandbox lesson (among the lessons the filters keep): ${ids}`,
    'bad-lesson-id': (value: string) => `--lesson and --exclude-lesson want a sandbox lesson id (a whole number), not "${value}".`,
    'exit-code-needs-dry-run': '--exit-code goes with --dry-run: it tells a script whether there is anything to write.',
    'bad-lock-timeout': (value: string) => `--lock-timeout wants a number of seconds greater than 0, not "${value}".`,
    'plan-unwritable': (path: string, why: string) => `Cannot write the plan to ${path}: ${why}`,
    'save-plan-needs-dry-run': '--save-plan goes with --dry-run: a plan is saved to be reviewed and applied later.',
    'apply-plan-with': (flag: string) => `--apply-plan and ${flag} do not go together: the plan carries its own filters and choice of lessons.`,
    'bad-plan-file': (path: string, why: string) => `${path} is not a plan lesson-sync can apply: ${why}.`,
    fileWhys: {
      unreadable: (detail: string) => `it cannot be read (${detail})`,
      'not-this-format': (kind: string) => `it is not a lesson-sync ${kind} file`,
      version: (detail: string) => `it is a plan of another version (${detail}); this lesson-sync reads version 1`,
      truncated: () => 'it ends early (cut off while being copied or written?)',
      tampered: () => 'its contents do not match its checksum: it was edited after it was saved',
      invalid: (detail: string) => `line ${detail} is not what the plan format says`,
    } as Record<string, (detail: string) => string>,
    'bad-plan-file-hint': 'Save the plan again with --dry-run --save-plan FILE, review it, and apply that file.',
    'plan-other-databases': (side: string, planned: string, given: string) =>
      `The plan was made on another ${side} database: the plan names ${planned}, this URL reaches ${given}.`,
    'plan-other-databases-hint': 'Nothing was read. Give the URLs of the databases the plan was made on, or make a new plan.',
    'undo-file-exists': (path: string) => `${path} already exists: an undo file is never written over (it may be the only way back from an earlier sync).`,
    'undo-file-exists-hint': 'Choose another --undo-file, or move that file away.',
    'undo-unwritable': (path: string, why: string) => `Cannot write the undo file ${path}: ${why}. Nothing was written to prod.`,
    'same-output': (first: string, second: string, path: string) =>
      `${first} and ${second} name the same file (${path}): one would be lost to the other. Give each its own path.`,
    'bad-undo-file': (path: string, why: string) => `${path} is not an undo file lesson-sync can use: ${why}.`,
    'undo-other-database': (planned: string, given: string) =>
      `The undo file is of another prod database: it names ${planned}, this URL reaches ${given}.`,
    'undo-other-database-hint': 'Nothing was read or written. Give the URL of the prod database the sync wrote to.',
    'undo-cut-committed': (path: string) =>
      `${path} ends early, yet the server says its sync committed: it cannot say what to undo.`,
    'undo-outcome-unknown': (path: string) =>
      `${path} was not marked committed, and the server no longer knows whether its transaction committed.`,
    'undo-outcome-unknown-hint': 'Nothing was written. Compare prod with the file by hand before undoing anything.',
    'unknown-command': (word: string) => `Unknown command "${word}": lesson-sync takes flags, or "undo FILE".`,
    'unknown-flag': (flag: string, nearest: string | undefined) =>
      `Unknown flag ${flag}.${nearest ? ` Did you mean ${nearest}?` : ''} lesson-sync --help lists them.`,
    'undo-needs-file': 'lesson-sync undo needs the sync to take back: lesson-sync undo FILE, or undo last (the newest of this prod); undo --list shows them.',
    'no-undo-file': (dir: string) => `No committed sync of this prod has an undo file in ${dir}: lesson-sync undo --list shows what is there.`,
    'undo-flag': (flag: string) => `${flag} does not go with undo: it takes the prod URL, --dry-run or --yes, --report, --plain, --lang, --lock-timeout.`,
  },
  connect: {
    dns: (side: string, target: string) => `Cannot resolve the ${side} host: ${target}`,
    refused: (side: string, target: string) => `The ${side} server refused the connection: ${target}`,
    timeout: (side: string, target: string) => `The ${side} server did not answer in time: ${target}`,
    auth: (side: string, target: string) => `Wrong user name or password for the ${side} database: ${target}`,
    'no-password': (side: string, target: string) => `The ${side} server asks for a password and none was given: ${target}`,
    rejected: (side: string, target: string) => `The ${side} server does not let this user in from here: ${target}`,
    'no-database': (side: string, target: string) => `The ${side} database does not exist: ${target}`,
    'too-many': (side: string, target: string) => `The ${side} server has too many connections: ${target}`,
    starting: (side: string, target: string) => `The ${side} server is starting up: ${target}`,
    certificate: (side: string, target: string) => `The ${side} server's certificate was not accepted: ${target}`,
    'ssl-unsupported': (side: string, target: string) => `The ${side} server does not support SSL: ${target}`,
    lost: (side: string, target: string) => `Lost the connection to the ${side} database: ${target}`,
    unresponsive: (side: string, target: string) => `The ${side} server stopped answering: ${target}`,
    'commit-unknown': (side: string, target: string) => `The connection to the ${side} database was lost during COMMIT: ${target}`,
    other: (side: string, target: string) => `Cannot use the ${side} database: ${target}`,
  },
  connectHints: {
    dns: 'Check the host name in the URL, and that this machine is online. Railway: use the external URL (DATABASE_PUBLIC_URL).',
    refused: 'Check the host and port, and that the database accepts connections from your network.',
    timeout: 'The host may be down or a firewall drops the traffic. Check the URL and your network.',
    auth: 'Check the credentials (copy the URL again from the provider).',
    'no-password': 'Put it in the URL (postgresql://user:password@…), in PGPASSWORD, or in ~/.pgpass (mode 0600).',
    rejected: 'The server (pg_hba.conf) rejects this user, database or address; try ?sslmode=require.',
    'no-database': 'Check the database name at the end of the URL.',
    'too-many': 'Close other clients or try again in a minute.',
    starting: 'Try again in a few seconds.',
    certificate: 'Use ?sslmode=require to encrypt without verifying, or give ?sslrootcert=FILE for verify-ca / verify-full.',
    'ssl-unsupported': 'Use ?sslmode=disable or prefer for this server.',
    lost: 'Nothing was written. Check the network and re-run: the sync continues where it stopped.',
    unresponsive:
      'Nothing was committed: the connection was cut, and the server rolls the transaction back when it notices. Check the network, then re-run.',
    'commit-unknown':
      'The commit may or may not have gone in. Run again with --dry-run to see: lessons already written show as filled, and a re-run never writes them twice.',
    other: 'Check the URL, that the database is reachable from your network, and the credentials.',
  },
  schema: {
    title: (n: number) => `The database schema is not what lesson-sync needs (${n} ${plural(n, { one: 'problem', other: 'problems' })}):`,
    'missing-table': (side: string, table: string) => `  • ${side}: table "${table}" not found (nor ${table.toLowerCase()})`,
    'missing-column': (side: string, table: string, column: string) => `  • ${side}: column "${table}".${column} is missing`,
    'not-null-without-source': (side: string, table: string, column: string) =>
      `  • ${side}: "${table}".${column} is NOT NULL without a default, and the sandbox has nothing to put there`,
    'row-level-security': (side: string, table: string, policies: string) =>
      `  • ${side}: row-level security on "${table}" hides rows from this user (${policies ? `policy ${policies}` : 'no policy lets it see any'}): lessons it cannot see would be created twice. Connect as the table's owner or a role with BYPASSRLS`,
    'lesson-date-type': (side: string, table: string, prodType: string, sandboxType: string) =>
      `  • ${side}: "${table}".lesson_date is ${prodType}, the sandbox's ${sandboxType}: lessons are matched by their date and time, which the two cannot both hold`,
    hint: 'Check that each URL points to the platform\'s database (the tables "Students", "Lessons", "LessonTasks", "Tasks").',
  },
  interrupted: 'Interrupted: nothing was written to prod.',
  reportAfterCommit: (created: number, updated: number, tasks: number, path: string, why: string) =>
    `Committed to prod (${created} created, ${updated} updated, ${tasks} tasks copied), but the report could not be written to ${path}: ${why}`,
  reportAfterCommitHint: 'The sync itself is done: do not re-run it for the report. A --dry-run --report FILE lists what prod now holds.',
  stoppedBy: (signal: string) => `Stopped by ${signal}: nothing was written to prod.`,
  stoppedByRolledBack: (signal: string) => `Stopped by ${signal}: the transaction was rolled back, prod is as it was before.`,
  lockTarget: {
    run: 'another lesson-sync run',
    table: (name: string, where: string) => `table ${name} ${where}`,
    row: (where: string) => `rows ${where} that another transaction is changing`,
    other: (type: string, where: string) => `a ${type} lock ${where}`,
    unknown: 'a lock',
  },
  lockIn: { sandbox: 'in the sandbox', prod: 'in prod' },
  lockHolder: (pid: number, user: string, application: string, since: string) =>
    `pid ${pid}${user ? ` (${user}` : ' ('}${application ? `, ${application}` : ''}${since ? `, in a transaction since ${since}` : ''})`,
  lockWaiting: (target: string, holders: string, seconds: number, limit: number) =>
    `⏳ Waiting ${seconds} s for ${target}${holders ? `, held by ${holders}` : ''} (gives up after ${limit} s)`,
  lockTimeout: (limit: number, target: string, holders: string) =>
    `Gave up after ${limit} s waiting for ${target}${holders ? `, held by ${holders}` : ''}: nothing was written to prod.`,
  lockTimeoutHint: 'Let that transaction finish (or end it: pg_terminate_backend(pid)), then re-run; --lock-timeout SECONDS waits longer.',
  runFailure: {
    'read-only': (detail: string) => `Prod is read-only: ${detail}`,
    privilege: (detail: string) => `The prod user may not write there: ${detail}`,
    'disk-full': (detail: string) => `Prod's disk is full: ${detail}`,
    resources: (detail: string) => `Prod ran out of resources: ${detail}`,
    server: (detail: string) => `Prod refused the run: ${detail}`,
  },
  runFailureHints: {
    'read-only': 'Nothing was written. Point --prod-url at the primary (writable) server.',
    privilege: 'Nothing was written. The user needs INSERT and UPDATE on "Lessons" and INSERT on "LessonTasks".',
    'disk-full': 'Nothing was written. Free space on the prod server, then re-run.',
    resources: 'Nothing was written. Try again when the server is less busy.',
    server: 'Nothing was written. Check the message above; re-run when it is resolved.',
  },
  quitUnwritten: '👋 Quit without writing: prod is unchanged.',
  interruptedRolledBack: 'Interrupted: the transaction was rolled back, prod is as it was before.',
  unexpected: (message: string) => `Unexpected failure: ${message}`,
  unexpectedHint: 'Nothing was committed. Please report this with the command you ran.',
  ui: {
    title: 'lesson-sync',
    steps: ['Databases', 'Checks', 'Plan', 'Confirm', 'Apply', 'Summary'],
    stepOf: (n: number, total: number, name: string) => `${n}/${total} ${name}`,
    dryRunBadge: 'DRY RUN · read-only',
    keys: {
      urls: 'Enter next · Tab switch field · Ctrl+U clear · Ctrl+C quit',
      checksRunning: 'Ctrl+C quit',
      checksOk: 'Enter continue to the plan · Esc edit URLs · q quit',
      checksFailed: 'e/Esc edit URLs · r retry · q quit',
      planning: '? keys · Ctrl+C quit',
      plan: '↑↓ PgUp PgDn · ␣ choose · ⏎ details · f filter · / search · c continue · ? keys · q quit',
      planDry: '↑↓ PgUp PgDn · ⏎ details · f filter · / search · s report · p plan · ? keys · q quit',
      planFailed: 'Esc edit URLs · q quit',
      details: 'Enter/Esc close · ↑↓ next lesson · PgUp PgDn scroll',
      review: 'y keep and next · n leave out and next · b back · Esc end the review',
      search: 'type a name or platform_id · Enter keep · Esc clear',
      help: 'PgUp PgDn scroll · Esc/? close',
      confirm: '↑↓ choose · Enter select · Esc back to the plan',
      typeName: 'Enter confirm · Esc cancel',
      apply: 'Ctrl+C abort (rolls back)',
      abort: 'y abort and roll back · n/Esc keep going',
      summary: 'Enter/q exit',
      summarySave: 's save report · Enter/q exit',
      save: 'Enter save · Esc cancel',
    },
    urlLabels: { sandbox: 'Sandbox URL (read only)', prod: 'Prod URL' },
    urlPlaceholder: 'postgresql://user:password@host:5432/database?sslmode=require',
    checks: {
      sandbox: 'Connect to the sandbox (read-only session)',
      prod: 'Connect to prod',
      'same-database': 'Sandbox and prod are different databases',
      schema: 'Schema of both databases',
      server: (version: string, rttMs: number) => `PostgreSQL ${version} · round trip ${rttMs.toFixed(1)} ms`,
      schemaOk: 'every required table and column is there',
      waiting: 'waiting',
    },
    stages: {
      'reading-sandbox': '📚 Reading lessons from the sandbox...',
      'reading-prod': (total: number) => `🔎 Looking up ${n(total)} ${lessons(total)} in prod...`,
      planning: (done: number, total: number) => `📝 Planning ${n(done)}/${n(total)}...`,
      done: (total: number) => `📊 ${n(total)} ${lessons(total)} planned`,
    },
    /** after the stage while the first lessons show, planned ahead of the full read */
    previewed: (shown: number) => ` · the first ${n(shown)} planned ahead`,
    filterLabel: (name: string) => `filter: ${name}`,
    filterNames: { all: 'all', create: '➕ create', update: '🔄 update', skip: '⏭️ skip', error: '❌ error' } as Record<string, string>,
    searchLabel: (q: string) => `search: ${q}`,
    shown: (shown: number, total: number) => `${n(shown)} of ${n(total)}`,
    position: (at: number, count: number) => `${n(at)}/${n(count)}`,
    count: n,
    toWrite: (chosen: number, total: number) => `to write: ${n(chosen)} of ${n(total)}`,
    review: (at: number, total: number, chosen: boolean) => `Review ${n(at)} / ${n(total)} · ${chosen ? '● will be written' : '○ left out'}`,
    reviewNothing: 'nothing to review: no create or update in this view',
    nothingToWrite: 'nothing to write for this lesson',
    nothingShown: 'No lesson matches the filter or search.',
    actions: {
      create: (tasks: number) => `create${tasks ? ` +${tasks} ${tasksWord(tasks)}` : ''}`,
      update: (fields: number, tasks: number) =>
        `fill ${fields} ${plural(fields, { one: 'field', other: 'fields' })}${tasks ? ` +${tasks} ${tasksWord(tasks)}` : ''}`,
      filled: 'filled in prod: kept',
      'no-platform-id': 'skip: no platform_id',
      'no-student': 'skip: no sandbox student',
      'no-lesson-date': 'skip: no lesson_date',
      'student-not-found': 'skip: no such student',
      'up-to-date': 'skip: nothing to copy',
      'duplicate-in-sandbox': (first: string) => `skip: duplicate of #${first}`,
      'changed-since-preview': 'skip: changed meanwhile',
      'ambiguous-student': 'error: 2+ prod students',
      'ambiguous-match': 'error: 2+ prod lessons',
      'write-failed': 'error: write failed',
      'prod-would-reject': 'error: prod would reject',
      excluded: 'skip: left out by you',
      'not-in-plan': 'skip: not in the plan',
    },
    minutes: (n: number) => `${n} min`,
    details: {
      title: 'Lesson details',
      sandboxId: (id: number) => `Sandbox lesson #${id}`,
      prodId: (id: number) => `prod lesson #${id}`,
      fields: 'Fields that will be filled',
      filledInProd: 'Already filled in prod (kept)',
      kept: 'Prod values kept',
      tasks: 'Tasks to copy',
      missing: 'Tasks missing in prod (skipped)',
      already: (count: number) => `${n(count)} ${tasksWord(count)} already in prod`,
      moreBelow: (from: number, to: number, total: number) => `▼ more below (lines ${n(from)}–${n(to)} of ${n(total)})`,
      linesOf: (from: number, to: number, total: number) => `▲ lines ${n(from)}–${n(to)} of ${n(total)}`,
      error: 'Error',
      none: '—',
    },
    values: {
      loading: 'Reading the lesson from both databases...',
      updateTitle: 'Prod now → what the sandbox writes',
      createTitle: 'Columns the create inserts',
      defaulted: (columns: string) => `left to prod's defaults: ${columns}`,
      compareTitle: 'Prod | sandbox (prod has content: kept)',
      sideBySideTitle: 'Prod | sandbox',
      tasksTitle: 'Sandbox tasks',
      cut: (whole: number) => ` … (the first 65,536 of ${n(whole)} characters)`,
      onLesson: 'already on the prod lesson',
      inProd: 'in prod Tasks',
      notInProd: 'not in prod Tasks (skipped)',
      failed: (why: string) => `Could not read the values: ${why}`,
    },
    help: {
      title: 'Keys',
      rows: [
        ['↑ ↓  k j', 'move'],
        ['PgUp PgDn', 'page'],
        ['Home End  g G', 'first / last lesson'],
        ['Space', 'write this lesson or leave it out (● written, ○ left out)'],
        ['a', 'the same for every create and update the filter and search show'],
        ['r', 'review the creates and updates shown, one at a time: y keep, n leave out, b back'],
        ['Enter', 'details of the lesson'],
        ['f  Tab', 'filter: all → create → update → skip → error'],
        ['/', 'search by student name or platform_id'],
        ['Esc', 'close, clear, or go back'],
        ['c', 'continue to the confirmation (not in a dry run)'],
        ['s', 'save the JSON report'],
        ['p', 'save the plan, to apply exactly it later (--apply-plan)'],
        ['q  Ctrl+C', 'quit without writing'],
      ] as [string, string][],
      glossaryTitle: 'What the rows say',
      /** a row's short words, and what they mean */
      glossary: [
        ['➕ create', 'a new lesson goes into prod, with its tasks'],
        ['🔄 fill N fields', 'prod has this lesson, empty: its empty fields get the sandbox\'s content; nothing prod filled is overwritten'],
        ['+N tasks', 'LessonTasks copied with the lesson (those prod\'s Tasks has)'],
        ['✅ filled in prod: kept', 'prod\'s lesson already has content: it stays as it is'],
        ['skip: no platform_id', 'the sandbox student has no platform_id, so no prod student can be found'],
        ['skip: no sandbox student', 'the lesson\'s student_id is empty or names no sandbox student'],
        ['skip: no lesson_date', 'the lesson has no date, so it cannot be matched with prod'],
        ['skip: no such student', 'no prod student has the sandbox student\'s platform_id'],
        ['skip: nothing to copy', 'the sandbox lesson has no content and no task prod lacks'],
        ['skip: duplicate of #N', 'same student, date and duration as sandbox lesson #N: only that one is written'],
        ['skip: changed meanwhile', 'the lesson changed in the sandbox or prod after the preview: left as it is'],
        ['skip: left out by you', 'you left it out (Space, a, or n in the review)'],
        ['skip: not in the plan', 'new in the sandbox since the saved plan: not written'],
        ['error: 2+ prod students', 'several prod students share the platform_id: make it unique, then run again'],
        ['error: 2+ prod lessons', 'several prod lessons have this student, date and duration: none is touched'],
        ['error: prod would reject', 'a value breaks a rule of prod\'s (a CHECK, a type, a length): Enter shows which'],
        ['error: write failed', 'prod refused the write: Enter shows its words; the other lessons still went in'],
        ['⚠️', 'something to know: a task missing in prod, a value prod keeps, a duplicate'],
      ] as [string, string][],
    },
    confirm: {
      title: 'Confirm the write',
      what: (created: number, updated: number, tasks: number) =>
        `➕ create ${n(created)} ${lessons(created)} · 🔄 update ${n(updated)} · copy ${n(tasks)} ${tasksWord(tasks)}`,
      where: (db: string, host: string) => `into ${db} at ${host}`,
      untouched: (skipped: number, errors: number) => `⏭️ ${n(skipped)} skipped and ❌ ${n(errors)} with errors stay as they are`,
      leftOut: (count: number) => `${n(count)} left out by you`,
      whatChosen: (created: number, creates: number, updated: number, updates: number, tasks: number) =>
        `➕ create ${n(created)} of ${n(creates)} · 🔄 update ${n(updated)} of ${n(updates)} · copy ${n(tasks)} ${tasksWord(tasks)}`,
      nothing: 'Nothing to write: every lesson is skipped or in error.',
      apply: 'Apply',
      saveAndQuit: 'Save report and quit',
      savePlanAndQuit: 'Save the plan for later (--apply-plan) and quit',
      back: 'Back to the plan',
      quit: 'Quit',
      typeName: (db: string) => `Type the prod database name (${db}) to write:`,
      mismatch: 'The name did not match: nothing written.',
    },
    apply: {
      title: '✍️  Writing to prod in one transaction',
      progress: (done: number, total: number, seconds: number, rate: number) =>
        `${n(done)}/${n(total)} ${lessons(total)} · ${seconds.toFixed(1)} s · ${n(Math.round(rate))} lessons/s`,
      current: (line: string) => `Last: ${line}`,
      errors: 'Errors so far:',
      abortQuestion: 'Abort? The transaction is rolled back and prod stays as it was. (y/n)',
      aborting: 'Rolling back...',
      lockWait: (target: string, seconds: number) => `⏳ Waiting ${seconds} s for ${target}`,
      lockHolders: (holders: string, limit: number) => `${holders ? `held by ${holders} · ` : ''}gives up after ${limit} s`,
    },
    summary: {
      title: 'Summary',
      changed: 'Changed since the preview (left as they are):',
      errorsTitle: 'Errors:',
      more: (n: number) => `… and ${n} more`,
      exitCode: (code: number) => `Exit code ${code}.`,
      rolledBack: 'Aborted: the transaction was rolled back, prod is as it was before.',
      failed: 'Apply failed: nothing was committed, prod is as it was before.',
    },
    savePlan: {
      prompt: 'Save the plan to:',
      saving: 'Saving the plan…',
    },
    save: {
      prompt: 'Save the JSON report to:',
      saved: (path: string) => `🧾 Report saved to ${path}`,
      failed: (why: string) => `Could not save the report: ${why}`,
    },
  },
  undo: {
    list: {
      title: (dir: string) => `↩️ Syncs with an undo file in ${dir}, newest first:`,
      none: (dir: string) => `No undo file in ${dir} yet: each apply leaves one there.`,
      counts: (created: number, updated: number) => `➕ ${n(created)} 🔄 ${n(updated)}`,
      lessons: (count: number) => `${n(count)} ${lessons(count)}`,
      committed: 'committed',
      notCommitted: 'not committed: nothing to undo',
      undone: 'committed · undone',
      pickTitle: (db: string) => `Which sync of ${db} to undo? (newest first)`,
      pickNone: (db: string, dir: string) => `No sync of ${db} has an undo file in ${dir}.`,
    },
    banner: '↩️  Undoing a lesson sync in prod',
    connecting: '🔌 Connecting to prod...',
    file: (path: string, createdAt: string, count: number) => `📄 Undo file ${path}: the sync of ${createdAt}, ${n(count)} ${lessons(count)}`,
    notCommitted: 'The sync that wrote this undo file never committed: prod never had its changes, there is nothing to undo.',
    writing: (count: number) => `✍️  Undoing ${n(count)} ${lessons(count)} in prod in one transaction...`,
    remove: (tasks: number) => `  ➖ Created by the sync: remove it with its ${n(tasks)} ${tasksWord(tasks)}`,
    removed: (tasks: number) => `  ✅ Removed, with its ${n(tasks)} ${tasksWord(tasks)}`,
    restore: (fields: string) => `  ↩️  Restore as before the sync: ${fields}`,
    restored: (fields: string) => `  ✅ Restored as before the sync: ${fields}`,
    removeAdded: (tasks: number) => `  ➖ Remove the ${n(tasks)} ${tasksWord(tasks)} the sync added`,
    reasons: {
      'changed-since': '  ⏭️ Changed since the sync: kept as it is',
      'other-tasks': '  ⏭️ Has LessonTasks the sync did not write: kept as it is',
      'already-undone': '  ⏭️ Already undone',
      gone: '  ⏭️ No longer in prod: nothing to restore',
    },
    summaryTitle: '📊 Undo summary:',
    summaryTitleDry: '📊 Undo summary (dry run: what would happen):',
    summary: (removed: number, restored: number, tasks: number) => [
      `  ➖ lessons removed: ${n(removed)} · ↩️ lessons restored: ${n(restored)} · ➖ LessonTasks removed: ${n(tasks)}`,
    ],
    kept: (count: number) => `  ⏭️  Kept, changed since the sync: ${n(count)}`,
    alreadyUndone: (count: number) => `  ⏭️  Already undone: ${n(count)}`,
    slowRemoval: (count: number, table: string, minutes: number) =>
      `⚠️ ${table}.lesson_id has no index: PostgreSQL checks each of the ${n(count)} removed lessons against the whole table, about ${n(minutes)} min. An index on it makes that seconds.`,
    indexHint: (table: string) => `💡 --create-index makes it first (CREATE INDEX CONCURRENTLY ON ${table} (lesson_id): prod's writes go on meanwhile).`,
    indexCreating: (table: string) => `🔧 Creating the index on ${table} (lesson_id), CONCURRENTLY: prod's writes go on meanwhile...`,
    indexCreated: (seconds: number) => `✅ Index created in ${seconds.toFixed(1)} s`,
    indexOffer: 'Create the index first? It does not block prod\'s writes. (y: create it · n: undo without it)',
    ui: {
      title: 'lesson-sync undo',
      steps: ['Checks', 'Plan', 'Confirm', 'Undo', 'Summary'],
      pickStep: 'Choose the sync',
      checks: {
        prod: 'Connect to prod',
        'undo-file': "The undo file is this database's, and its sync committed",
        schema: 'Schema of "Lessons" and "LessonTasks"',
      },
      planned: (count: number) => `📊 ${n(count)} ${lessons(count)} in the undo file`,
      counts: (remove: number, restore: number, keep: number) => `➖ ${n(remove)} ↩️ ${n(restore)} ⏭️ ${n(keep)}`,
      rows: {
        remove: (tasks: number) => `remove, with ${n(tasks)} ${tasksWord(tasks)}`,
        restore: (tasks: number) => `restore${tasks ? `, −${n(tasks)} ${tasksWord(tasks)}` : ''}`,
        'changed-since': 'keep: changed since',
        'other-tasks': 'keep: other tasks',
        'already-undone': 'already undone',
        gone: 'keep: gone from prod',
      },
      filters: { all: 'all', remove: '➖ remove', restore: '↩️ restore', keep: '⏭️ keep' } as Record<string, string>,
      details: {
        ids: (sandboxId: number, prodId: number) => `Sandbox lesson #${sandboxId} → prod lesson #${prodId}`,
        valuesTitle: 'Values it puts back (now → before the sync):',
        tasksTitle: 'LessonTasks the sync wrote (prod ids):',
        nullValue: '∅',
      },
      confirmTitle: 'Confirm the undo',
      confirmWhat: (remove: number, restore: number, tasks: number) =>
        `➖ remove ${n(remove)} ${lessons(remove)} · ↩️ restore ${n(restore)} · ➖ ${n(tasks)} ${tasksWord(tasks)}`,
      where: (db: string, host: string) => `in ${db} at ${host}`,
      confirmKept: (count: number) => `⏭️ ${n(count)} kept as they are`,
      nothing: 'Nothing to undo: every lesson is already undone or was changed since the sync.',
      typeName: (db: string) => `Type the prod database name (${db}) to undo:`,
      undoing: (count: number) => `↩️  Undoing ${n(count)} ${lessons(count)} in one transaction...`,
      keys: {
        pick: '↑↓ choose · Enter open · q quit',
        index: 'y create the index · n undo without it · Esc back to the plan',
        checksOk: 'Enter continue to the plan · q quit',
        checksFailed: 'q quit',
        plan: '↑↓ PgUp PgDn · Enter details · f filter · / search · c continue · q quit',
        planDry: '↑↓ PgUp PgDn · Enter details · f filter · / search · q quit',
        details: 'PgUp PgDn scroll · ↑↓ next lesson · Enter/Esc back',
        search: 'type to search · Enter keep · Esc clear',
        confirm: 'Enter undo · Esc back to the plan · q quit',
        typeName: 'Enter confirm · Esc cancel',
        apply: 'Ctrl+C abort (rolls back)',
        summary: 'Enter/q exit',
      },
    },
  },
  demoStarting: '🧪 Starting the demo databases (embedded PostgreSQL)...',
};

export default en;
export type Messages = typeof en;
