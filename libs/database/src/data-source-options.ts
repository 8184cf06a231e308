import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions, LoggerOptions, MixedList } from 'typeorm';
import type { DatabaseConfig } from '@app/config';
import { MIGRATIONS } from './migrations';

type EntityList = MixedList<Function>;

interface SqliteConnection {
  pragma(source: string): unknown;
  function(name: string, options: { deterministic: boolean }, fn: (value: unknown) => unknown): unknown;
}
export type MysqlFlavour = 'mysql' | 'mariadb';

/**
 * MariaDB reports column metadata differently from MySQL (e.g. `DEFAULT NULL` as the string
 * 'NULL'), and TypeORM only reads it right when told which one it talks to. People write
 * `mysql://` for both, so ask the server once at boot.
 */
export async function detectMysqlFlavour(url: string): Promise<MysqlFlavour> {
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ uri: url, connectTimeout: 10_000 });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as Array<{ version: unknown }>)[0]?.version ?? '');
    return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/** Options for the configured engine, probing a MySQL-family server for its flavour. */
export async function resolveDataSourceOptions(db: DatabaseConfig, entities: EntityList): Promise<DataSourceOptions> {
  return buildDataSourceOptions(db, entities, db.type === 'mysql' ? await detectMysqlFlavour(db.url) : undefined);
}

/**
 * TypeORM options for either engine. The schema always comes from the one migration history
 * (`synchronize` is off everywhere), so both engines build the same tables.
 */
export function buildDataSourceOptions(
  db: DatabaseConfig,
  entities: EntityList,
  flavour: MysqlFlavour = 'mysql',
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsRun: db.migrationsRun,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    // Off unless asked: TypeORM logs failed queries with their parameters through console,
    // past the redacting logger, and expected failures (a duplicate behind a 409) are not news.
    // Unexpected errors reach the exception filter, which logs them.
    logging: db.logging ? (['query', 'error'] as LoggerOptions) : false,
  };
  if (db.type === 'sqlite') {
    const path = db.path === ':memory:' ? db.path : resolve(db.path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: path,
      // WAL lets the CLI read while the API writes; busy_timeout waits instead of failing
      // when another process holds the write lock.
      prepareDatabase: (sqlite: SqliteConnection) => {
        sqlite.pragma('journal_mode = WAL');
        sqlite.pragma('busy_timeout = 5000');
        sqlite.pragma('synchronous = NORMAL');
        // SQLite's built-in lower() folds ASCII only, so case-insensitive SCIM filters would
        // miss 'É' = 'é'; MySQL folds Unicode. Replacing it makes both engines answer alike.
        sqlite.function('lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
      },
    };
  }
  return {
    ...common,
    type: flavour,
    url: db.url,
    charset: 'utf8mb4',
    // Store and read every DATETIME as UTC whatever the server's time zone.
    timezone: 'Z',
    poolSize: db.poolSize,
    // A bounded wait keeps a stuck database from hanging requests past Entra's 60 s limit.
    connectTimeout: 10_000,
    extra: { waitForConnections: true, enableKeepAlive: true },
  };
}
