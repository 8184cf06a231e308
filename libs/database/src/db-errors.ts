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
