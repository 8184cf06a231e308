import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '@app/config';

export type Engine = 'sqlite' | 'mysql';
/** Engines createTestDatabase knows: the two every suite runs on, and the opt-in Galera cluster. */
export type AnyEngine = Engine | 'galera';

const wantedEngines = (): string[] => (process.env.E2E_ENGINES ?? 'sqlite,mysql').split(',').map((s) => s.trim());

/** Engines the e2e suites run on: both unless E2E_ENGINES narrows them (e.g. "sqlite"). */
export function testEngines(): Engine[] {
  const wanted = wantedEngines();
  return (['sqlite', 'mysql'] as const).filter((e) => wanted.includes(e));
}

/**
 * The Galera cluster of scripts/galera.sh (HAProxy on 4300, nodes on 4306-4308): only suites
 * that ask for it use it, and only when E2E_ENGINES names it (`.ci/run` does).
 */
export function galeraRequested(): boolean {
  return wantedEngines().includes('galera');
}

/** HAProxy in front of the cluster; the nodes themselves are on the ports that follow. */
export const galeraUrl = (): URL => new URL(process.env.TEST_GALERA_URL ?? 'mysql://root@127.0.0.1:4300/mysql');

/** Server used for MySQL-family tests; each suite creates and drops its own database on it. */
const mysqlServerUrl = (): URL => new URL(process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');

export interface TestDatabase {
  config: DatabaseConfig;
  /** What a person would point DATABASE_URL at. */
  url: string;
  /** Where a dump of every byte lives (SQLite) or the database name (MySQL). */
  location: string;
  drop(): Promise<void>;
}

/**
 * The in-process test apps get a longer query limit than production's DB_QUERY_TIMEOUT_MS
 * (1.5 s): on a shared 2-core machine a lock wait or a starved query can pass 1.5 s, and the
 * outage gate would then answer 503 to a test that is not about outages. The outage suite runs
 * the built app with the production default.
 */
const TEST_QUERY_TIMEOUT_MS = 10_000;

/**
 * A fresh database named `e2e_test_<random>`. The name is ours, so it needs no guard here; the
 * guard (assertTestDatabase) runs where an app is booted, on the configuration it is given.
 */
export async function createTestDatabase(engine: AnyEngine, migrationsRun = true): Promise<TestDatabase> {
  const suffix = randomBytes(4).toString('hex');
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'api-test-'));
    const path = join(dir, `e2e_test_${suffix}.sqlite`);
    return {
      config: { type: 'sqlite', path, migrationsRun, logging: false, queryTimeoutMs: TEST_QUERY_TIMEOUT_MS },
      url: `sqlite:${path}`,
      location: path,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const server = engine === 'galera' ? galeraUrl() : mysqlServerUrl();
  const name = `e2e_test_${suffix}`;
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  await onServer(server, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  return {
    config: { type: 'mysql', url: url.toString(), poolSize: 10, migrationsRun, logging: false, queryTimeoutMs: TEST_QUERY_TIMEOUT_MS },
    url: url.toString(),
    location: name,
    drop: () => onServer(server, `DROP DATABASE IF EXISTS \`${name}\``),
  };
}

/** One statement on its own connection, closed even when the statement fails (an open one keeps Jest from exiting). */
async function onServer(server: URL, statement: string): Promise<void> {
  const c = await createConnection({ uri: server.toString() });
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}
