import { DataSource, MixedList } from 'typeorm';
import type { DatabaseConfig } from '@app/config';
import { buildDataSourceOptions, DEFAULT_QUERY_TIMEOUT_MS, detectMysqlFlavour } from './data-source-options';
import { DatabaseGate } from './database-gate';
import { databaseErrorCode, isDatabaseUnavailable } from './db-errors';
import { MigrationRun, runMigrationsOnce } from './migration-lease';

/** Entity classes (or their paths), as TypeORM's `entities` option takes them. */
type EntityList = MixedList<abstract new (...args: never[]) => unknown>;

const DEFAULT_RETRY_SECONDS = 30;
const MAX_RETRY_DELAY_MS = 5_000;

/** Why the database could not be reached, in words an operator can act on (no password). */
export interface ConnectionProblem {
  /** The driver's code, e.g. ECONNREFUSED, ER_ACCESS_DENIED_ERROR, SQLITE_CANTOPEN. */
  cause: string;
  /** What is wrong, naming the host, user, database or file. */
  reason: string;
}

/** Start-up gave up on the database: main.ts and the CLI print this, never a stack trace. */
export class DatabaseStartupError extends Error {
  readonly variable = 'DATABASE_URL';

  constructor(
    readonly problem: ConnectionProblem,
    readonly attempts: number,
    readonly target: string,
  ) {
    super(`Cannot use the database: ${problem.reason} (${problem.cause}). Check DATABASE_URL (now ${target}).`);
    this.name = 'DatabaseStartupError';
  }
}

export interface RetryNotice extends ConnectionProblem {
  attempt: number;
  retryInMs: number;
}

export interface OpenOptions {
  /** Called before each wait between attempts, to log it. */
  onRetry?: (notice: RetryNotice) => void;
  /** Called when another replica holds the migration lease and this one waits for it. */
  onMigrationWait?: (holder: string) => void;
  /** Called after the migrations step (when DB_MIGRATIONS_RUN is on). */
  onMigrations?: (run: MigrationRun) => void;
}

/** DATABASE_URL as it may be printed: the password masked. */
export function describeTarget(db: DatabaseConfig): string {
  if (db.type === 'sqlite') return `sqlite:${db.path}`;
  try {
    const url = new URL(db.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'mysql://…';
  }
}

/** A connection failure explained, or null when the error is not about reaching the database. */
export function describeConnectionProblem(err: unknown, db: DatabaseConfig): ConnectionProblem | null {
  const code = databaseErrorCode(err);
  if (db.type === 'sqlite') {
    if (
      code === undefined ||
      !/^(SQLITE_(CANTOPEN|IOERR|NOTADB|CORRUPT|BUSY|READONLY|FULL|PERM|AUTH)|ENOTDIR|EACCES|EPERM|EROFS|ENOENT|EISDIR|ENOSPC)/.test(code)
    )
      return null;
    return { cause: code, reason: `the SQLite file ${db.path} cannot be opened or read` };
  }
  if (code === undefined || !isDatabaseUnavailable(err)) return null;
  let host = '?';
  let user = '?';
  let database = '?';
  try {
    const url = new URL(db.url);
    host = `${url.hostname}:${url.port || '3306'}`;
    user = decodeURIComponent(url.username);
    database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    // The URL was validated at boot; keep the placeholders if it still does not parse.
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: `nothing accepts connections at ${host}`,
    ENOTFOUND: `the host of ${host} is unknown`,
    EAI_AGAIN: `the host of ${host} could not be resolved`,
    ETIMEDOUT: `${host} did not answer in time`,
    ECONNRESET: `${host} closed the connection`,
    EHOSTUNREACH: `${host} cannot be reached`,
    ENETUNREACH: `${host} cannot be reached`,
    ER_ACCESS_DENIED_ERROR: `the server at ${host} refused user "${user}" (wrong user name or password)`,
    ER_DBACCESS_DENIED_ERROR: `user "${user}" may not use database "${database}"`,
    ER_BAD_DB_ERROR: `database "${database}" does not exist on ${host}`,
  };
  return { cause: code, reason: reasons[code] ?? `the server at ${host} is unavailable` };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connects (retrying an unreachable database for `connectRetrySeconds`, with growing waits),
 * runs pending migrations if configured (once across replicas: a lease row), then switches on the per-query time limit and the
 * DatabaseGate. Gives up with a DatabaseStartupError; other errors (a failing migration) pass.
 */
export async function openDataSource(db: DatabaseConfig, entities: EntityList, options: OpenOptions = {}): Promise<DataSource> {
  const deadline = Date.now() + (db.connectRetrySeconds ?? DEFAULT_RETRY_SECONDS) * 1000;
  const queryTimeoutMs = db.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  let dataSource: DataSource | undefined;
  for (let attempt = 1; !dataSource; attempt++) {
    let candidate: DataSource | undefined;
    try {
      const flavour = db.type === 'mysql' ? await detectMysqlFlavour(db.url, Math.max(queryTimeoutMs, 3000)) : undefined;
      candidate = new DataSource({ ...buildDataSourceOptions(db, entities, flavour), migrationsRun: false });
      await candidate.initialize();
      // better-sqlite3 opens lazily-created files without complaint: read the schema once.
      if (db.type === 'sqlite') await candidate.query('SELECT count(*) FROM sqlite_master');
      dataSource = candidate;
    } catch (err) {
      if (candidate?.isInitialized) await candidate.destroy().catch(() => undefined);
      const problem = describeConnectionProblem(err, db);
      if (!problem) throw err;
      const wait = Math.min(500 * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
      if (Date.now() + wait > deadline) throw new DatabaseStartupError(problem, attempt, describeTarget(db));
      options.onRetry?.({ ...problem, attempt, retryInMs: wait });
      await sleep(wait);
    }
  }
  if (db.migrationsRun) {
    // Replicas booting together: one runs them, the others wait (see runMigrationsOnce).
    const run = await runMigrationsOnce(dataSource, { onWait: options.onMigrationWait });
    options.onMigrations?.(run);
  }
  if (db.type === 'mysql') {
    // Read on every query (MysqlQueryRunner.query), so it can be switched on now.
    (dataSource.driver.options as { enableQueryTimeout?: boolean }).enableQueryTimeout = true;
  }
  DatabaseGate.install(dataSource);
  return dataSource;
}
