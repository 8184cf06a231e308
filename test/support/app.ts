import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppConfig, loadConfig } from '@app/config';
import { assertTestDatabase } from '@app/database';
import { createApp } from '../../apps/api/src/bootstrap';
import type { SetupResult } from '../../apps/api/src/organizations/organizations.service';
import { createOrganization } from '../../apps/api/src/testing/factories';
import { createTestDatabase, Engine, TestDatabase } from './databases';

export const PUBLIC_URL = 'https://people.example.test';

/** Collects every log line the app writes, so tests can assert what never appears in logs. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  db: TestDatabase;
  config: AppConfig;
  logs: LogCapture;
  /** Every secret handed out during the test, to prove none of them is stored or logged. */
  secrets: Set<string>;
  setupOrganization(name?: string): Promise<SetupResult>;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule (global pipe, filter, guards) on a fresh database of the engine.
 * `overrides` adjusts the test configuration (e.g. point `mail` at an SMTP listener).
 */
export async function startTestApp(engine: Engine, overrides: (config: AppConfig) => AppConfig = (c) => c): Promise<TestApp> {
  const db = await createTestDatabase(engine);
  let config: AppConfig;
  try {
    config = overrides({ ...loadConfig({ PUBLIC_URL, LOG_LEVEL: 'info' }), database: db.config });
    // The database the app will really use, after any override: never one not named as a test one.
    assertTestDatabase(config.database);
  } catch (err) {
    await db.drop();
    throw err;
  }
  const logs = new LogCapture();
  // nestjs-pino keeps one root logger per process, bound to the first app's stream; each test
  // app must log to its own capture, so the root is reset before every boot.
  __resetOutOfContextForTests();
  const app = await createApp({ config, logStream: logs });
  await app.getHttpAdapter().getInstance().ready();
  const secrets = new Set<string>();
  let orgCount = 0;
  return {
    app,
    http: request(app.getHttpServer()),
    db,
    config,
    logs,
    secrets,
    async setupOrganization(name = `Org ${++orgCount}`) {
      const result = await createOrganization(app, name, `admin${orgCount}@example.test`);
      secrets.add(result.adminToken);
      return result;
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
