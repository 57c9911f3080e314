import { ConnectError, InterruptedError, LockTimeoutError, ReportError, RunError, SchemaError, unreachable, UsageError } from '../common/errors.js';
import type { Messages } from '../i18n/index.js';
import { maskSecrets } from '../common/db-url.js';
import { lockHoldersText, lockTargetText } from './lock-text.js';
import { printable } from '../common/printable.js';

export interface ErrorText {
  /** first line: what went wrong */
  message: string;
  /** more lines (schema problems, the server's words) */
  details: string[];
  hint: string | undefined;
}

const str = (value: unknown) => String(value ?? '');

/** Any failure as the few lines an operator reads: never a stack trace. */
export function describeError(error: unknown, m: Messages): ErrorText {
  if (error instanceof UsageError) {
    const p = error.params;
    const side = p.side ? m.sides[p.side as 'sandbox' | 'prod'] : '';
    switch (error.code) {
      case 'missing-url':
        return { message: m.usage['missing-url'](side), details: [], hint: m.usage['missing-url-hint'] };
      case 'invalid-url':
        return {
          message: m.usage['invalid-url'](side, str(p.url), m.usage.whys[str(p.why)] ?? str(p.why)),
          details: [],
          hint: m.usage['invalid-url-hint'],
        };
      case 'same-database':
        return { message: m.usage['same-database'], details: [], hint: m.usage['same-database-hint'] };
      case 'plain-needs-yes':
        return { message: m.usage['plain-needs-yes'], details: [], hint: m.usage['plain-needs-yes-hint'] };
      case 'bad-date':
        return { message: m.usage['bad-date'](str(p.flag), str(p.value)), details: [], hint: undefined };
      case 'bad-range':
        return { message: m.usage['bad-range'](str(p.since), str(p.until)), details: [], hint: undefined };
      case 'bad-lang':
        return { message: m.usage['bad-lang'](str(p.value)), details: [], hint: undefined };
      case 'yes-and-dry-run':
        return { message: m.usage['yes-and-dry-run'], details: [], hint: undefined };
      case 'report-unwritable':
        return { message: m.usage['report-unwritable'](str(p.path), str(p.why)), details: [], hint: undefined };
      case 'bad-lock-timeout':
        return { message: m.usage['bad-lock-timeout'](str(p.value)), details: [], hint: undefined };
      case 'unknown-lesson':
        return { message: m.usage['unknown-lesson'](str(p.ids)), details: [], hint: undefined };
      case 'bad-lesson-id':
        return { message: m.usage['bad-lesson-id'](str(p.value)), details: [], hint: undefined };
      case 'exit-code-needs-dry-run':
        return { message: m.usage['exit-code-needs-dry-run'], details: [], hint: undefined };
      case 'plan-unwritable':
        return { message: m.usage['plan-unwritable'](str(p.path), str(p.why)), details: [], hint: undefined };
      case 'save-plan-needs-dry-run':
        return { message: m.usage['save-plan-needs-dry-run'], details: [], hint: undefined };
      case 'apply-plan-with':
        return { message: m.usage['apply-plan-with'](str(p.flag)), details: [], hint: undefined };
      case 'bad-plan-file':
      case 'bad-undo-file': {
        const kind = error.code === 'bad-plan-file' ? 'plan' : 'undo';
        const detail = str(p.why) === 'not-this-format' ? kind : printable(str(p.detail));
        const why = m.usage.fileWhys[str(p.why)]?.(detail) ?? str(p.why);
        const path = printable(str(p.path));
        return kind === 'plan'
          ? { message: m.usage['bad-plan-file'](path, why), details: [], hint: m.usage['bad-plan-file-hint'] }
          : { message: m.usage['bad-undo-file'](path, why), details: [], hint: undefined };
      }
      case 'undo-file-exists':
        return { message: m.usage['undo-file-exists'](printable(str(p.path))), details: [], hint: m.usage['undo-file-exists-hint'] };
      case 'same-output':
        return { message: m.usage['same-output'](str(p.first), str(p.second), printable(str(p.path))), details: [], hint: undefined };
      case 'undo-unwritable':
        return { message: m.usage['undo-unwritable'](printable(str(p.path)), str(p.why)), details: [], hint: undefined };
      case 'undo-other-database':
        return { message: m.usage['undo-other-database'](printable(str(p.planned)), printable(str(p.given))), details: [], hint: m.usage['undo-other-database-hint'] };
      case 'undo-cut-committed':
        return { message: m.usage['undo-cut-committed'](printable(str(p.path))), details: [], hint: m.usage['undo-outcome-unknown-hint'] };
      case 'undo-outcome-unknown':
        return { message: m.usage['undo-outcome-unknown'](printable(str(p.path))), details: [], hint: m.usage['undo-outcome-unknown-hint'] };
      case 'unknown-command':
        return { message: m.usage['unknown-command'](printable(str(p.word))), details: [], hint: undefined };
      case 'no-undo-file':
        return { message: m.usage['no-undo-file'](printable(str(p.dir))), details: [], hint: undefined };
      case 'undo-needs-file':
        return { message: m.usage['undo-needs-file'], details: [], hint: undefined };
      case 'undo-flag':
        return { message: m.usage['undo-flag'](str(p.flag)), details: [], hint: undefined };
      case 'plan-other-databases':
        return {
          message: m.usage['plan-other-databases'](side, printable(str(p.planned)), printable(str(p.given))),
          details: [],
          hint: m.usage['plan-other-databases-hint'],
        };
      default:
        return unreachable(error.code);
    }
  }
  if (error instanceof ConnectError) {
    return {
      message: m.connect[error.code](m.sides[error.side], error.target),
      details: error.detail ? [`   ${printable(error.detail)}`] : [],
      hint: m.connectHints[error.code],
    };
  }
  if (error instanceof LockTimeoutError) {
    const target = error.wait ? lockTargetText(error.wait, m) : m.lockTarget.unknown;
    const holders = error.wait ? lockHoldersText(error.wait.holders, m) : '';
    return { message: m.lockTimeout(error.seconds, target, holders), details: [], hint: m.lockTimeoutHint };
  }
  if (error instanceof ReportError) {
    const { created, updated, tasksCopied } = error.committed;
    const why = (error.reason as NodeJS.ErrnoException)?.code ?? (error.reason instanceof Error ? error.reason.message : String(error.reason));
    return { message: m.reportAfterCommit(created, updated, tasksCopied, error.path, printable(why)), details: [], hint: m.reportAfterCommitHint };
  }
  if (error instanceof RunError) {
    return { message: m.runFailure[error.code](printable(error.detail)), details: [], hint: m.runFailureHints[error.code] };
  }
  if (error instanceof SchemaError) {
    return {
      message: m.schema.title(error.problems.length),
      details: error.problems.map((p) =>
        p.kind === 'lesson-date-type'
          ? m.schema[p.kind](m.sides[p.side], p.table, printable(p.types!.prod), printable(p.types!.sandbox))
          : p.kind === 'row-level-security'
            ? m.schema[p.kind](m.sides[p.side], printable(p.table), printable((p.policies ?? []).join(', ')))
            : m.schema[p.kind](m.sides[p.side], p.table, p.column ?? ''),
      ),
      hint: m.schema.hint,
    };
  }
  if (error instanceof InterruptedError) {
    const message =
      error.signal === 'SIGINT'
        ? error.rolledBack
          ? m.interruptedRolledBack
          : m.interrupted
        : error.rolledBack
          ? m.stoppedByRolledBack(error.signal)
          : m.stoppedBy(error.signal);
    return { message, details: [], hint: undefined };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: m.unexpected(printable(maskSecrets(message))), details: [], hint: m.unexpectedHint };
}

export function errorLines(error: unknown, m: Messages): string[] {
  const text = describeError(error, m);
  return [m.errorPrefix + text.message, ...text.details, ...(text.hint ? [m.hintPrefix + text.hint] : [])];
}
