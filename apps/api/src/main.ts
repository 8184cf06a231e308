import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw e;
  }
  const app = await createApp({ config });
  await app.listen(config.port, config.host);
}

void main();
