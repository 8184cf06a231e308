import 'reflect-metadata';
import { createServer } from 'node:net';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { AppConfig, ConfigError, loadConfig } from '@app/config';
import { DatabaseStartupError, openDataSource } from '@app/database';
import { createApp } from './bootstrap';
import { ENTITIES } from './entities';

const SHUTDOWN_DEADLINE_MS = 15_000;

/** Thrown when PORT cannot be bound; reported in one line, before anything claims to have started. */
class PortUnavailableError extends Error {
  constructor(
    readonly config: Pick<AppConfig, 'host' | 'port'>,
    readonly code: string,
  ) {
    super(
      code === 'EADDRINUSE'
        ? `Cannot listen on ${config.host}:${config.port}: the port is already in use. Set PORT to a free port or stop the process using it.`
        : `Cannot listen on ${config.host}:${config.port} (${code}). Check PORT and HOST.`,
    );
  }
}

/** Fails fast on a taken port, before the database is opened and migrations run. */
async function assertPortFree(config: AppConfig): Promise<void> {
  if (config.port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(new PortUnavailableError(config, err.code ?? 'unknown')));
    probe.listen(config.port, config.host, () => probe.close(() => resolve()));
  });
}

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
  // Start-up lines before Nest's logger exists: JSON like every other line, written at once.
  const bootLog = pino({ level: config.log.level === 'silent' ? 'fatal' : config.log.level }, pino.destination({ dest: 1, sync: true }));
  const giveUp = (fields: Record<string, unknown>, message: string): never => {
    bootLog.fatal(fields, message);
    process.exit(1);
  };

  let app;
  try {
    await assertPortFree(config);
    const dataSource = await openDataSource(config.database, ENTITIES, {
      onRetry: (n) =>
        bootLog.warn(
          { cause: n.cause, attempt: n.attempt, retryInMs: n.retryInMs, variable: 'DATABASE_URL' },
          `Database not reachable yet: ${n.reason}; retrying`,
        ),
      onMigrationWait: (holder) => bootLog.info({ holder }, 'Another replica is running the migrations; waiting for it'),
      onMigrations: (run) => bootLog.info({ migrationsRun: run.ran, waitedMs: run.waitedMs }, 'Migrations done'),
    });
    app = await createApp({ config, dataSource });
  } catch (e) {
    if (e instanceof PortUnavailableError) giveUp({ cause: e.code, variable: 'PORT' }, e.message);
    if (e instanceof DatabaseStartupError) giveUp({ cause: e.problem.cause, attempts: e.attempts, variable: e.variable }, e.message);
    giveUp({ err: e }, 'Start-up failed');
    return;
  }
  const logger = app.get(Logger);

  // Graceful shutdown: stop accepting connections, let in-flight requests finish, close the
  // database pool, then exit 0 (so orchestrators see a clean stop, not a signal death).
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`);
    setTimeout(() => {
      logger.error('Shutdown deadline passed, exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await app.close();
    logger.log('Shutdown complete: HTTP server and database closed');
    process.exit(0);
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));

  try {
    await app.listen(config.port, config.host);
  } catch (e) {
    // Taken between the check above and now.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      giveUp({ cause: code, variable: 'PORT' }, new PortUnavailableError(config, code).message);
    }
    throw e;
  }
  logger.log(`Listening on ${config.host}:${config.port}, database ${config.database.type}`);
}

void main();
