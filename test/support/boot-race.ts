import { createConnection } from 'mysql2/promise';
import type { TestDatabase } from './databases';
import { RunningApi, startApi } from './processes';
import { MIGRATIONS } from '../../libs/database/src/migrations';

interface SqliteFile {
  prepare(sql: string): { all(): unknown[] };
  close(): void;
}

/** The migration names recorded in TypeORM's `migrations` table, as many times as they were run. */
export async function appliedMigrations(db: TestDatabase): Promise<string[]> {
  if (db.config.type === 'sqlite') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- better-sqlite3 ships no types; a typed require instead
    const Database = require('better-sqlite3') as new (path: string, options: { readonly: boolean }) => SqliteFile;
    const sqlite = new Database(db.location, { readonly: true });
    try {
      return (sqlite.prepare('SELECT name FROM migrations ORDER BY id').all() as Array<{ name: string }>).map((r) => r.name);
    } finally {
      sqlite.close();
    }
  }
  const c = await createConnection({ uri: db.url });
  try {
    const [rows] = await c.query('SELECT name FROM migrations ORDER BY id');
    return (rows as Array<{ name: string }>).map((r) => r.name);
  } finally {
    await c.end();
  }
}

/** Every migration of the history, oldest first, each once. */
export const ALL_MIGRATIONS = MIGRATIONS.map((m) => m.name);

/** JSON log lines of a process with the given message. */
export function logLines(api: RunningApi, msg: string): Array<Record<string, unknown>> {
  return api
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        return parsed.msg === msg ? [parsed] : [];
      } catch {
        return [];
      }
    });
}

/** Starts `n` replicas at the same moment on one fresh database (each its own DATABASE_URL, e.g. one per Galera node). */
export async function bootTogether(urls: string[]): Promise<RunningApi[]> {
  const started = await Promise.allSettled(urls.map((url) => startApi({ DATABASE_URL: url, DB_MIGRATIONS_RUN: 'true', LOG_LEVEL: 'info' })));
  const apis = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(apis.map((a) => a.stop()));
    throw failed.reason;
  }
  return apis;
}

/** How many migrations each replica reports having run ("Migrations done" line). */
export function migrationsRunBy(apis: RunningApi[]): number[] {
  return apis.map((api) => {
    const [line] = logLines(api, 'Migrations done');
    return typeof line?.migrationsRun === 'number' ? line.migrationsRun : -1;
  });
}
