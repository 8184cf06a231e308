import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { parseArgs } from 'node:util';
import { ConfigError, ConfigModule, loadConfig } from '@app/config';
import { buildDataSourceOptions, DatabaseModule, DatabaseStartupError, openDataSource } from '@app/database';
import { ENTITIES } from './entities';
import { OrganizationsModule } from './organizations/organizations.module';
import { OrganizationsService } from './organizations/organizations.service';

const USAGE = `Usage:
  npm run cli -- setup --org <name> --admin-email <email> [--admin-name <name>] [--json]

Commands:
  setup   Create an organisation, its first admin and an admin API token (printed once).
          Uses the same DATABASE_URL as the API and runs pending migrations first.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function setup(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { org: { type: 'string' }, 'admin-email': { type: 'string' }, 'admin-name': { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const org = values.org?.trim();
  const email = values['admin-email']?.trim();
  if (!org) fail('--org is required');
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) fail('--admin-email must be an email address');

  const config = loadConfig();
  const dataSource = await openDataSource(config.database, ENTITIES, {
    onRetry: (n) => process.stderr.write(`Database not reachable yet: ${n.reason} (${n.cause}); retrying in ${n.retryInMs} ms\n`),
  });
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      TypeOrmModule.forRootAsync({
        useFactory: () => ({ ...buildDataSourceOptions(config.database, ENTITIES), toRetry: () => false }),
        dataSourceFactory: async () => dataSource,
      }),
      DatabaseModule,
      OrganizationsModule,
    ],
  })
  class CliModule {}

  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  try {
    const result = await app.get(OrganizationsService).setup({ organizationName: org, adminEmail: email, adminName: values['admin-name'] });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      process.stdout.write(
        `Organisation ${result.organizationId} created.\nAdmin user:  ${result.adminUserId} (${email})\n` +
          `Admin token: ${result.adminToken}\n\nKeep the token safe: it is shown only this once.\n`,
      );
    }
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  try {
    switch (command) {
      case 'setup':
        return await setup(rest);
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return;
      default:
        fail(`Unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    if (e instanceof DatabaseStartupError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) fail(e.message);
    throw e;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
