import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '@app/config';
import { assertTestDatabaseUrl } from '@app/database';

export type Engine = 'sqlite' | 'mysql';

/** Engines the e2e suites run on: both unless E2E_ENGINES narrows them (e.g. "sqlite"). */
export function testEngines(): Engine[] {
  const wanted = (process.env.E2E_ENGINES ?? 'sqlite,mysql').split(',').map((s) => s.trim());
  return (['sqlite', 'mysql'] as const).filter((e) => wanted.includes(e));
}

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

export async function createTestDatabase(engine: Engine, migrationsRun = true): Promise<TestDatabase> {
  const suffix = randomBytes(4).toString('hex');
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'api-test-'));
    const path = join(dir, `e2e_test_${suffix}.sqlite`);
    assertTestDatabaseUrl(`sqlite:${path}`);
    return {
      config: { type: 'sqlite', path, migrationsRun, logging: false },
      url: `sqlite:${path}`,
      location: path,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const server = mysqlServerUrl();
  const name = `e2e_test_${suffix}`;
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  assertTestDatabaseUrl(url.toString());
  const admin = await createConnection({ uri: server.toString() });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  return {
    config: { type: 'mysql', url: url.toString(), poolSize: 10, migrationsRun, logging: false },
    url: url.toString(),
    location: name,
    drop: async () => {
      const c = await createConnection({ uri: server.toString() });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
