import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions, Logger as TypeOrmLogger, LoggerOptions, MixedList } from 'typeorm';
import type { DatabaseConfig } from '@app/config';
import { MIGRATIONS } from './migrations';

/** Entity classes (or their paths), as TypeORM's `entities` option takes them. */
type EntityList = MixedList<abstract new (...args: never[]) => unknown>;

interface SqliteConnection {
  pragma(source: string): unknown;
  function(name: string, options: { deterministic: boolean }, fn: (value: unknown) => unknown): unknown;
}
export type MysqlFlavour = 'mysql' | 'mariadb';

/** Default time limit of a query or a new connection, when the config does not give one. */
export const DEFAULT_QUERY_TIMEOUT_MS = 1500;

/**
 * TypeORM logs "slow" queries (past maxQueryExecutionTime) with their parameters through console
 * even with logging off; with logging off, nothing at all is logged.
 */
const SILENT: TypeOrmLogger = {
  logQuery: () => undefined,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

/**
 * MariaDB reports column metadata differently from MySQL (e.g. `DEFAULT NULL` as the string
 * 'NULL'), and TypeORM only reads it right when told which one it talks to. People write
 * `mysql://` for both, so ask the server once at boot.
 */
export async function detectMysqlFlavour(url: string, connectTimeout = 10_000): Promise<MysqlFlavour> {
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ uri: url, connectTimeout });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = (rows as Array<{ version?: string }>)[0]?.version ?? '';
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
export function buildDataSourceOptions(db: DatabaseConfig, entities: EntityList, flavour: MysqlFlavour = 'mysql'): DataSourceOptions {
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
    ...(db.logging ? {} : { logger: SILENT }),
  };
  const queryTimeoutMs = db.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  if (db.type === 'sqlite') {
    const path = db.path === ':memory:' ? db.path : resolve(db.path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: path,
      // WAL lets the CLI read while the API writes; busy_timeout waits instead of failing
      // when another process holds the write lock. The wait blocks the event loop (the driver
      // is synchronous), so it stays short: past it the request answers 503 (DatabaseGate).
      prepareDatabase: (sqlite: SqliteConnection) => {
        sqlite.pragma('journal_mode = WAL');
        sqlite.pragma(`busy_timeout = ${Math.min(queryTimeoutMs, 1000)}`);
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
    // Short limits so an unreachable database is a quick 503, not a hung request: a refused or
    // reset connection fails at once, a blackholed one within these. The query limit is
    // switched on by openDataSource after the migrations, which may legitimately take longer.
    connectTimeout: queryTimeoutMs,
    maxQueryExecutionTime: queryTimeoutMs,
    enableQueryTimeout: false,
    // trace: false: mysql2 would otherwise capture a stack trace (new Error) on every query, for
    // nicer stacks on failures; errors are told apart by their codes, never by their stacks.
    // multipleStatements: Transactions and batch() send several statements in one round trip.
    // Every value is bound (escaped by mysql2), never written into SQL text, so a value cannot
    // end a statement and start another.
    extra: { waitForConnections: true, enableKeepAlive: true, trace: false, multipleStatements: true },
  };
}
