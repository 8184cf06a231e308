import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '@app/config';
import { assertTestDatabase } from '@app/database';
import { createApp } from '../bootstrap';

/** The real app (every module, the real migrations) on a fresh SQLite file, for service specs. */
export interface ServiceTestApp {
  app: INestApplicationContext;
  dataSource: DataSource;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * Boots the AppModule without listening on a port: specs take services from it with `app.get`.
 * The database is a temporary `unit_test.sqlite`; mail is written to the same temporary folder.
 */
export async function startServiceTestApp(): Promise<ServiceTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'api-unit-test-'));
  try {
    const config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'unit_test.sqlite')}`,
      MAIL_DIR: join(dir, 'mail'),
      PUBLIC_URL: 'https://people.example.test',
    });
    assertTestDatabase(config.database);
    const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
    const app = await createApp({ config, logStream: quiet });
    await app.init();
    return {
      app,
      dataSource: app.get(DataSource),
      config,
      close: async () => {
        await app.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
