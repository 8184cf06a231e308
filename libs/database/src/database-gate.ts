import { Logger } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';
import { databaseErrorCode, DatabaseUnavailableError, isDatabaseUnavailable } from './db-errors';

const PROBE_INTERVAL_MS = 250;
const GATED = Symbol('gated');

/** The raw better-sqlite3 handle, as far as the probe needs it. */
interface SqliteHandle {
  inTransaction: boolean;
  pragma(source: string, options?: { simple: boolean }): unknown;
  exec(source: string): unknown;
  prepare(source: string): { get(): unknown };
}

interface PooledConnection {
  release(): void;
  destroy(): void;
  query(options: { sql: string; timeout?: number }, callback: (err: Error | null) => void): unknown;
}

interface PooledDriver {
  obtainMasterConnection?: () => Promise<PooledConnection>;
  options: { maxQueryExecutionTime?: number };
}

type GatedRunner = QueryRunner & { [GATED]?: true; databaseConnection?: { destroy?: () => void } };

/**
 * Fails fast while the database is down. The first query that finds the database unreachable
 * (refused, reset, timed out, locked by another process past busy_timeout…) closes the gate:
 * from then on every query throws DatabaseUnavailableError at once instead of waiting for a
 * connect or query timeout (and, on SQLite, instead of blocking the event loop for the busy
 * timeout). A probe every 250 ms opens it again as soon as the database answers, so the service
 * comes back by itself. Only ROLLBACK passes a closed gate, so a transaction can always unwind.
 */
export class DatabaseGate {
  private readonly logger = new Logger('Database');
  private downSince: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Requests waiting for a pooled connection: failed at once when the gate closes. */
  private readonly waiters = new Set<(err: Error) => void>();
  /** The pool's own connection getter, past the gate: for the probe. */
  private obtainDirect?: () => Promise<PooledConnection>;

  private constructor(private readonly dataSource: DataSource) {}

  /** Puts every query of the data source behind the gate. */
  static install(dataSource: DataSource): DatabaseGate {
    const gate = new DatabaseGate(dataSource);
    const driver = dataSource.driver as unknown as { createQueryRunner(mode?: unknown): GatedRunner };
    const create = driver.createQueryRunner.bind(driver);
    driver.createQueryRunner = (mode?: unknown) => gate.wrap(create(mode));
    if (dataSource.options.type !== 'better-sqlite3') gate.wrapPool(dataSource.driver);
    const destroy = dataSource.destroy.bind(dataSource);
    dataSource.destroy = async () => {
      gate.stop();
      return destroy();
    };
    return gate;
  }

  get available(): boolean {
    return this.downSince === null;
  }

  private wrap(runner: GatedRunner): GatedRunner {
    // better-sqlite3's driver hands out one shared runner: wrap it once.
    if (runner[GATED]) return runner;
    runner[GATED] = true;
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    (runner as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      if (this.downSince !== null && !/^\s*ROLLBACK/i.test(String(args[0]))) throw new DatabaseUnavailableError();
      try {
        return await query(...args);
      } catch (err) {
        if (isDatabaseUnavailable(err) && !(err instanceof DatabaseUnavailableError)) {
          // mysql2 leaves a timed-out query on its connection: drop the connection so neither
          // this transaction's ROLLBACK nor the next borrower queues behind it.
          if (databaseErrorCode(err) === 'PROTOCOL_SEQUENCE_TIMEOUT') runner.databaseConnection?.destroy?.();
          this.close(err);
        }
        throw err;
      }
    };
    return runner;
  }

  /**
   * A blackholed server holds every pooled connection until its query times out, and mysql2
   * queues further requests for a connection without a time limit: when the gate closes they
   * are answered at once instead of each waiting for a connect timeout in turn.
   */
  private wrapPool(driver: PooledDriver): void {
    const obtain = driver.obtainMasterConnection?.bind(driver);
    if (!obtain) return;
    this.obtainDirect = obtain;
    driver.obtainMasterConnection = () =>
      new Promise((resolve, reject) => {
        if (this.downSince !== null) return reject(new DatabaseUnavailableError());
        let abandoned = false;
        const abandon = (err: Error): void => {
          abandoned = true;
          reject(err);
        };
        this.waiters.add(abandon);
        obtain().then(
          (connection) => {
            this.waiters.delete(abandon);
            if (abandoned) connection?.release();
            else resolve(connection);
          },
          (err: unknown) => {
            this.waiters.delete(abandon);
            // Not `instanceof Error`: an error made in another realm (e.g. Jest's sandbox) fails that
            // test, and wrapping it would drop the driver's code that marks an outage (503, not 500).
            if (!abandoned) reject(typeof err === 'object' && err !== null ? (err as Error) : new Error(String(err)));
          },
        );
      });
  }

  private close(err: unknown): void {
    if (this.downSince !== null || !this.dataSource.isInitialized) return;
    this.downSince = Date.now();
    for (const abandon of this.waiters) abandon(new DatabaseUnavailableError());
    this.waiters.clear();
    this.logger.warn({ cause: databaseErrorCode(err) ?? 'unknown' }, 'Database unavailable: answering 503 until it is back');
    this.schedule(0);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => void this.probe(), delay);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    this.timer = null;
    if (!this.dataSource.isInitialized || this.downSince === null) return;
    try {
      if (this.dataSource.options.type === 'better-sqlite3') this.probeSqlite();
      else await this.probeMysql();
    } catch {
      if (this.dataSource.isInitialized) this.schedule(PROBE_INTERVAL_MS);
      return;
    }
    // Same level as the outage line, so whoever sees one sees the other.
    this.logger.warn({ downMs: Date.now() - this.downSince }, 'Database available again');
    this.downSince = null;
  }

  /** SELECT 1 on a pooled connection, past the closed gate, within the query time limit. */
  private async probeMysql(): Promise<void> {
    if (!this.obtainDirect) throw new DatabaseUnavailableError();
    const connection = await this.obtainDirect();
    const timeout = (this.dataSource.driver as unknown as PooledDriver).options.maxQueryExecutionTime;
    try {
      await new Promise<void>((resolve, reject) => connection.query({ sql: 'SELECT 1', timeout }, (err) => (err ? reject(err) : resolve())));
    } catch (err) {
      connection.destroy();
      throw err;
    }
    connection.release();
  }

  /**
   * Takes and drops the write lock without waiting: a SELECT would pass while another process
   * holds the lock (WAL readers are never blocked) although every write would fail.
   */
  private probeSqlite(): void {
    const db = (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
    // A transaction of ours is open on the shared connection: try again at the next round.
    if (db.inTransaction) throw new DatabaseUnavailableError();
    const busyTimeout = Number(db.pragma('busy_timeout', { simple: true }));
    db.pragma('busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        db.prepare('SELECT count(*) FROM sqlite_master').get();
      } finally {
        db.exec('ROLLBACK');
      }
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
