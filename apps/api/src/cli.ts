import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { parseArgs } from 'node:util';
import { ConfigError, ConfigModule, loadConfig } from '@app/config';
import { buildDataSourceOptions, DatabaseModule, DatabaseStartupError, openDataSource } from '@app/database';
import { DomainError } from './common/domain.errors';
import { ENTITIES } from './entities';
import { BreakGlassService } from './setup/break-glass.service';
import { SetupModule } from './setup/setup.module';
import { OrganizationsService } from './setup/organizations.service';

const USAGE = `Usage:
  npm run cli -- setup --org <name> --admin-email <email> [--admin-name <name>] [--json]
  npm run cli -- admin --org <organisation id> --email <email> [--json]

Commands:
  setup   Create an organisation, its first admin and an admin API token (printed once).
  admin   Break-glass: make the person with this email a direct admin of the organisation
          (created if missing, restored if archived, released from their directory) and
          print a new admin API token (once).
Both use the same DATABASE_URL as the API and run pending migrations first.`;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

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
  if (!email || !EMAIL.test(email)) fail('--admin-email must be an email address');

  await withApp(async (app) => {
    const result = await app.get(OrganizationsService).setup({ organizationName: org, adminEmail: email, adminName: values['admin-name'] });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      process.stdout.write(
        `Organisation ${result.organizationId} created.\nAdmin user:  ${result.adminUserId} (${email})\n` +
          `Admin token: ${result.adminToken}\n\nKeep the token safe: it is shown only this once.\n`,
      );
    }
  });
}

/** Break-glass: an admin again for an organisation whose directory archived every admin. */
async function admin(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { org: { type: 'string' }, email: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const organizationId = values.org?.trim();
  const email = values.email?.trim();
  if (!organizationId) fail('--org (the organisation id) is required');
  if (!email || !EMAIL.test(email)) fail('--email must be an email address');

  await withApp(async (app) => {
    const { outcome, ...result } = await app.get(BreakGlassService).grantAdmin({ organizationId, email });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const what = { created: 'created as a direct admin', restored: 'restored and made a direct admin', updated: 'made a direct admin' }[outcome];
      process.stdout.write(
        `User ${result.userId} (${email}) ${what} of organisation ${result.organizationId}.\n` +
          `Admin token: ${result.adminToken}\n\nKeep the token safe: it is shown only this once.\n`,
      );
    }
  });
}

/** Boots just the database and the organisation services, runs `work`, and closes. */
async function withApp(work: (app: INestApplicationContext) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const dataSource = await openDataSource(config.database, ENTITIES, {
    onRetry: (n) => process.stderr.write(`Database not reachable yet: ${n.reason} (${n.cause}); retrying in ${n.retryInMs} ms\n`),
  });
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      TypeOrmModule.forRootAsync({
        useFactory: () => ({ ...buildDataSourceOptions(config.database, ENTITIES), toRetry: () => false }),
        dataSourceFactory: () => Promise.resolve(dataSource),
      }),
      DatabaseModule,
      SetupModule,
    ],
  })
  class CliModule {}

  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  try {
    await work(app);
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
      case 'admin':
        return await admin(rest);
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
  // A refused request (e.g. an unknown organisation): its message, and a failing exit code.
  if (e instanceof DomainError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
