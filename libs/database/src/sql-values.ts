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
