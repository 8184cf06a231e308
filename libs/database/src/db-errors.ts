/** Driver error codes, read through TypeORM's QueryFailedError wrapper. */
function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const inner = (err as { driverError?: unknown }).driverError ?? err;
  const code = (inner as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A unique or primary key rejected the row (MySQL/MariaDB or SQLite). */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The server gave up on the transaction to break a lock cycle; retrying it is safe. */
export function isRetryableTransactionError(err: unknown): boolean {
  const code = codeOf(err);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || code === 'SQLITE_BUSY';
}

/** Thrown instead of running a query while the database is known to be down (see DatabaseGate). */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';

  constructor() {
    super('The database is unavailable');
    this.name = 'DatabaseUnavailableError';
  }
}

/** Network and protocol failures (Node sockets, mysql2) and server states that mean "cannot reach it now". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  // mysql2's per-query time limit (the server or the network stopped answering).
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_SERVER_GONE_ERROR',
  'ER_SERVER_LOST',
  'ER_WSREP_NOT_PREPARED',
  'ER_UNKNOWN_COM_ERROR',
]);

/**
 * SQLite result codes (extended codes start with the primary one): another process holds the
 * lock past busy_timeout, the file cannot be opened, read or written, or is not a database.
 */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|CANTOPEN|IOERR|FULL|READONLY|PROTOCOL|NOTADB|CORRUPT|NOLFS|AUTH)(_|$)/;

/**
 * The database cannot be reached or did not answer in time: not the client's fault, and worth
 * retrying later (503). Also true for mysql2's fatal errors, which end the connection.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const code = codeOf(err);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || SQLITE_UNAVAILABLE.test(code))) return true;
  const inner = (err as { driverError?: unknown }).driverError ?? err;
  return typeof inner === 'object' && inner !== null && (inner as { fatal?: unknown }).fatal === true;
}

/** The driver's code for a database error (e.g. `ECONNREFUSED`, `SQLITE_BUSY`), for logs; never the SQL or its parameters. */
export function databaseErrorCode(err: unknown): string | undefined {
  return codeOf(err);
}

/**
 * What to log about a failed database call: for an outage only its code (TypeORM's errors carry
 * the SQL and its parameters, which do not belong in a log line), otherwise the error itself.
 */
export function dbErrorLogFields(err: unknown): Record<string, unknown> {
  return isDatabaseUnavailable(err) ? { cause: codeOf(err) ?? 'unknown' } : { err };
}
