import type { DataSource } from 'typeorm';

/**
 * Binds a Date in raw SQL the way TypeORM stores `datetime` columns: SQLite keeps UTC text
 * ('YYYY-MM-DD HH:MM:SS.SSS', which sorts chronologically), MySQL a DATETIME that mysql2
 * converts from a Date with the connection's UTC time zone.
 */
export function dateParam(dataSource: DataSource, date: Date): Date | string {
  return isSqlite(dataSource) ? date.toISOString().replace('T', ' ').replace('Z', '') : date;
}

export function isSqlite(dataSource: DataSource): boolean {
  return dataSource.options.type === 'better-sqlite3';
}

/**
 * Find options that lock the rows read until the transaction ends (SELECT … FOR UPDATE) on MySQL.
 * SQLite has no row locks and needs none: Transactions runs its transactions one at a time.
 */
export function writeLock(dataSource: DataSource): { lock?: { mode: 'pessimistic_write' } } {
  return isSqlite(dataSource) ? {} : { lock: { mode: 'pessimistic_write' } };
}

/** The raw-SQL form of writeLock: ` FOR UPDATE` on MySQL, nothing on SQLite. */
export function forUpdate(dataSource: DataSource): string {
  return isSqlite(dataSource) ? '' : ' FOR UPDATE';
}

/** The rows an INSERT, UPDATE or DELETE changed, from either driver's raw result (mysql2's affectedRows, better-sqlite3's changes). */
export function affectedRows(raw: unknown): number {
  const r = raw as { affectedRows?: number; changes?: number } | null;
  return r?.affectedRows ?? r?.changes ?? 0;
}

/** `items` in slices of at most `size`: keeps IN lists and multi-row INSERTs below the engines' parameter limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
