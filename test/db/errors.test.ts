/** SPEC §3: only a failed connection is told as one; a bug of ours is "unexpected", never the network. */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { isConnectionFailure } from '../../source/db/errors.js';
import { describeError } from '../../source/text/describe-error.js';
import { BugError, ConnectError } from '../../source/common/errors.js';
import { messages } from '../../source/i18n/index.js';
import { parseTargets, Session } from '../../source/sync/session.js';
import { demoSchoolPerTest } from '../helpers/databases.js';

/** An error as the server sends it (pg's DatabaseError: a severity and an SQLSTATE). */
function serverError(code: string): pg.DatabaseError {
  const error = new pg.DatabaseError('from the server', 0, 'error');
  error.code = code;
  error.severity = 'ERROR';
  return error;
}

const socketError = (code: string) => Object.assign(new Error(`read ${code}`), { code, errno: -1, syscall: 'read' });

describe('isConnectionFailure', () => {
  it.each([
    ['a reset socket', socketError('ECONNRESET')],
    ['a broken pipe', socketError('EPIPE')],
    ['a timed-out socket', socketError('ETIMEDOUT')],
    ["pg's dropped connection", new Error('Connection terminated unexpectedly')],
    ["pg's closed client", new Error('Client was closed and is not queryable')],
    ['the server shutting the session down (57P01)', serverError('57P01')],
    ['a connection exception (08006)', serverError('08006')],
  ])('%s is a lost connection', (_, error) => {
    expect(isConnectionFailure(error)).toBe(true);
  });

  it.each([
    ['a TypeError of ours', new TypeError("Cannot read properties of null (reading 'length')")],
    ['a plain Error of ours', new Error('COPY field 1 is not an integer')],
    ['a BugError', new BugError('cannot happen')],
    ['a CHECK violation (23514)', serverError('23514')],
    ['a lock timeout (55P03)', serverError('55P03')],
    ['too many connections (53300) mid-run', serverError('53300')],
    ['a string thrown', 'boom'],
    ['undefined', undefined],
  ])('%s is not', (_, error) => {
    expect(isConnectionFailure(error)).toBe(false);
  });
});

describe('a bug inside a read', () => {
  const school = demoSchoolPerTest();
  const sessions: Session[] = [];
  afterEach(async () => Promise.all(sessions.splice(0).map((s) => s.close())));

  it('is told as an unexpected failure to report, not as the network', async () => {
    const session = await Session.open(parseTargets(school.pair.urls.sandbox, school.pair.urls.prod));
    sessions.push(session);
    const copyRows = session.sandboxDb.copyRows.bind(session.sandboxDb);
    session.sandboxDb.copyRows = (sql, onRow) =>
      copyRows(sql, (row) => {
        const missing = null as unknown as string;
        onRow(row);
        void missing.length; // the TypeError a reader's bug throws
      });
    const error = await session.plan({ students: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BugError);
    expect(error).not.toBeInstanceOf(ConnectError);
    const text = describeError(error, messages('en'));
    expect(text.message).toMatch(/^Unexpected failure: Cannot read properties of null/);
    expect(text.hint).not.toMatch(/network/i);
  });
});
