import { readFileSync, existsSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import type { TestDatabase } from './databases';

/**
 * Everything the database holds, as text: the raw file bytes (and WAL) for SQLite, every row of
 * every table for MySQL. Tests search it for secrets that must never be stored in clear.
 */
export async function dumpDatabase(db: TestDatabase, dataSource: DataSource): Promise<string> {
  if (db.config.type === 'sqlite') {
    return ['', '-wal', '-shm']
      .map((suffix) => `${db.location}${suffix}`)
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('\n');
  }
  const tables: Array<{ name: string }> = await dataSource.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()');
  const parts: string[] = [];
  for (const { name } of tables) parts.push(name, JSON.stringify(await dataSource.query(`SELECT * FROM \`${name}\``)));
  return parts.join('\n');
}
