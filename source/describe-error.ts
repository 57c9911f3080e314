import { ConnectError, InterruptedError, SchemaError, UsageError } from './errors.js';
import type { Messages } from './i18n/index.js';
import { maskSecrets } from './db-url.js';

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
    }
  }
  if (error instanceof ConnectError) {
    return {
      message: m.connect[error.code](m.sides[error.side], error.target),
      details: error.detail ? [`   ${error.detail}`] : [],
      hint: m.connectHints[error.code],
    };
  }
  if (error instanceof SchemaError) {
    return {
      message: m.schema.title(error.problems.length),
      details: error.problems.map((p) => m.schema[p.kind](m.sides[p.side], p.table, p.column ?? '')),
      hint: m.schema.hint,
    };
  }
  if (error instanceof InterruptedError) {
    return { message: error.rolledBack ? m.interruptedRolledBack : m.interrupted, details: [], hint: undefined };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: m.unexpected(maskSecrets(message)), details: [], hint: m.unexpectedHint };
}

export function errorLines(error: unknown, m: Messages): string[] {
  const text = describeError(error, m);
  return [m.errorPrefix + text.message, ...text.details, ...(text.hint ? [m.hintPrefix + text.hint] : [])];
}
