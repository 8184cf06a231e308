import { QueryFailedError } from 'typeorm';
import { DatabaseUnavailableError, isDatabaseUnavailable, isRetryableTransactionError, isUniqueViolation } from './db-errors';

const withCode = (code: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(code), { code, ...extra });
const wrapped = (driverError: Error): QueryFailedError => new QueryFailedError('SELECT 1', [], driverError);

describe('isDatabaseUnavailable', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'ENOTFOUND',
    'PROTOCOL_CONNECTION_LOST',
    'PROTOCOL_SEQUENCE_TIMEOUT',
    'ER_CON_COUNT_ERROR',
    'ER_ACCESS_DENIED_ERROR',
    'ER_BAD_DB_ERROR',
    // Galera: 1047 "WSREP has not yet prepared node for application use" (a node not Synced).
    'ER_UNKNOWN_COM_ERROR',
    'ER_WSREP_NOT_PREPARED',
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_CANTOPEN',
    'SQLITE_IOERR_SHORT_READ',
    'SQLITE_FULL',
    'SQLITE_READONLY_DBMOVED',
  ])('%s means the database is unavailable, raw or wrapped by TypeORM', (code) => {
    expect(isDatabaseUnavailable(withCode(code))).toBe(true);
    expect(isDatabaseUnavailable(wrapped(withCode(code)))).toBe(true);
  });

  it('so does a mysql2 fatal error of any code, and the gate’s own error', () => {
    expect(isDatabaseUnavailable(withCode('PROTOCOL_PACKETS_OUT_OF_ORDER', { fatal: true }))).toBe(true);
    expect(isDatabaseUnavailable(new DatabaseUnavailableError())).toBe(true);
  });

  it.each(['ER_DUP_ENTRY', 'ER_PARSE_ERROR', 'ER_LOCK_DEADLOCK', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_LOCKED'])(
    '%s is an answer from a working database, not an outage',
    (code) => {
      expect(isDatabaseUnavailable(withCode(code))).toBe(false);
      expect(isDatabaseUnavailable(wrapped(withCode(code)))).toBe(false);
    },
  );

  it('ignores errors without a code, and non-errors', () => {
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });

  it('leaves the other classifications as they were', () => {
    expect(isUniqueViolation(wrapped(withCode('ER_DUP_ENTRY')))).toBe(true);
    expect(isRetryableTransactionError(wrapped(withCode('ER_LOCK_DEADLOCK')))).toBe(true);
    expect(isRetryableTransactionError(new DatabaseUnavailableError())).toBe(false);
  });
});
