import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryResult, QueryRunner } from 'typeorm';
import { isRetryableTransactionError } from './db-errors';
import type { Statement } from './fast-insert';
import { isSqlite } from './sql-values';

/** Attempts per unit of work, and the cap of the random wait before each retry. */
export const MAX_ATTEMPTS = 8;
const MAX_BACKOFF_MS = 250;

/** Before retry n (1, 2…): a random wait in [0, min(cap, 10 ms × 2^n)] ("full jitter"), so racing retries spread out. */
export function retryDelayMs(retry: number, random: () => number = Math.random): number {
  return random() * Math.min(MAX_BACKOFF_MS, 10 * 2 ** retry);
}

/**
 * Runs units of work in a database transaction.
 *
 * On MySQL every transaction gets its own pooled connection and the server's locks decide.
 * TypeORM's better-sqlite3 driver, however, shares ONE connection for the whole process and
 * nests a concurrent `transaction()` as a savepoint inside whichever transaction is open, so two
 * requests would commit or roll back each other's work. SQLite admits one writer at a time
 * anyway, so on SQLite transactions are queued here, one after the other.
 *
 * A transaction the server aborted to break a deadlock is retried (up to MAX_ATTEMPTS, with a
 * growing random wait). On a Galera cluster that includes certification failures: a transaction
 * that wrote a row another node committed first fails at COMMIT with the same ER_LOCK_DEADLOCK.
 * The work function must therefore only touch the database, never send anything outside;
 * what must happen once its writes are durable (waking the mail dispatcher) it registers with
 * `afterCommit(m, hook)`, which runs after the COMMIT that succeeded and never after a rollback
 * or an attempt that is retried.
 *
 * Round trips (MySQL): each statement costs the API a socket write and read, so a transaction
 * sends its `START TRANSACTION` in one packet with its first statement, and the writes it
 * `defer`s (whose results it does not need) ahead of its next statement or with its COMMIT
 * (the connection runs with `multipleStatements`; a batch stops at its first failing statement,
 * so a failure still commits nothing). `batch(m, …)` sends several statements at once.
 */
@Injectable()
export class Transactions {
  private readonly logger = new Logger(Transactions.name);
  private queue: Promise<unknown> = Promise.resolve();
  private readonly serialise: boolean;
  /** The after-commit hooks of each open transaction, by its EntityManager (one per attempt). */
  private readonly hooks = new WeakMap<EntityManager, Array<() => void>>();
  /** MySQL: the statements each open transaction has yet to send, by its EntityManager. */
  private readonly pipelines = new WeakMap<EntityManager, Pipeline>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.serialise = isSqlite(dataSource);
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialise) return this.withRetry(work);
    const result = this.queue.then(() => this.withRetry(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs `hook` once the transaction of `m` has committed (not if it rolls back or is retried:
   * the retried attempt registers its own). `m` must be the manager `run` handed to the work.
   */
  afterCommit(m: EntityManager, hook: () => void): void {
    const hooks = this.hooks.get(m);
    if (!hooks) throw new Error('afterCommit() needs the EntityManager of a transaction opened by Transactions.run()');
    hooks.push(hook);
  }

  /**
   * Queues a write whose result the work does not need: on MySQL it is sent ahead of the
   * transaction's next statement, or with its COMMIT; elsewhere it runs at once. Only for
   * statements that fail only when something is broken (no unique key the caller maps to an
   * answer): a failure surfaces at the statement it travelled with (and still commits nothing).
   */
  async defer(m: EntityManager, sql: string, params: unknown[] = []): Promise<void> {
    const pipeline = this.pipelines.get(m);
    if (pipeline) pipeline.pending.push({ sql, params });
    else await m.query(sql, params);
  }

  /**
   * The transaction's last statements and its COMMIT, in one round trip on MySQL (after whatever
   * was deferred): the work sends nothing after this. Elsewhere they simply run, and run()
   * commits as usual. Answers each statement's raw result; a failing statement commits nothing
   * (a batch stops at its first error) and its error surfaces here, for the caller to map.
   */
  async commitWith(m: EntityManager, statements: Statement[]): Promise<unknown[]> {
    const pipeline = this.pipelines.get(m);
    if (pipeline) return pipeline.commitWith(statements);
    const out: unknown[] = [];
    for (const st of statements) out.push(await runStatement(m, st));
    return out;
  }

  private async withRetry<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const hooks: Array<() => void> = [];
      let result: T;
      try {
        result = this.serialise
          ? await this.dataSource.transaction((m) => {
              this.hooks.set(m, hooks);
              return work(m);
            })
          : await this.pipelined(work, hooks);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
        continue;
      }
      // Committed: a failing hook must not make the caller believe the work was not done.
      for (const hook of hooks) {
        try {
          hook();
        } catch (err) {
          // The error's name only: a message could quote data.
          this.logger.error({ error: err instanceof Error ? err.name : typeof err }, 'An after-commit hook failed');
        }
      }
      return result;
    }
  }

  /** One attempt of a MySQL transaction with its BEGIN and deferred writes travelling with other statements. */
  private async pipelined<T>(work: (manager: EntityManager) => Promise<T>, hooks: Array<() => void>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const pipeline = new Pipeline(runner);
    this.hooks.set(runner.manager, hooks);
    this.pipelines.set(runner.manager, pipeline);
    try {
      const result = await work(runner.manager);
      await pipeline.commit();
      return result;
    } catch (err) {
      await pipeline.rollback().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }
}

/**
 * A MySQL transaction's statements not yet sent: `START TRANSACTION` first, then deferred writes.
 * Wraps its runner's query() so that they go ahead of the next statement in one packet, and
 * answers that statement's own result as if it had been sent alone.
 */
class Pipeline {
  pending: Array<{ sql: string; params: unknown[] }> = [{ sql: 'START TRANSACTION', params: [] }];
  private begun = false;
  private committed = false;
  private readonly send: (sql: string, params?: unknown[], structured?: boolean) => Promise<unknown>;

  constructor(private readonly runner: QueryRunner) {
    this.send = runner.query.bind(runner) as Pipeline['send'];
    // TypeORM then neither opens a transaction of its own (save) nor refuses a locking read.
    (runner as { isTransactionActive: boolean }).isTransactionActive = true;
    (runner as unknown as { transactionDepth: number }).transactionDepth = 1;
    (runner as { query: Pipeline['send'] }).query = (sql, params, structured) => this.query(sql, params, structured);
  }

  private async query(sql: string, params: unknown[] = [], structured = false): Promise<unknown> {
    if (this.committed) throw new Error('The transaction was committed by commitWith(): nothing may follow it');
    if (this.pending.length === 0) return this.send(sql, params, structured);
    const ahead = this.pending;
    this.pending = [];
    this.begun = true;
    const result = (await this.send([...ahead.map((p) => p.sql), sql].join(';\n'), [...ahead.flatMap((p) => p.params), ...params], true)) as QueryResult;
    const own = (result.raw as unknown[]).slice(ahead.length);
    return answer(own.length === 1 ? own[0] : own, structured);
  }

  async commitWith(statements: Statement[]): Promise<unknown[]> {
    if (statements.length === 0) {
      await this.commit();
      this.committed = true;
      return [];
    }
    const raw = (await this.query(
      [...statements.map((st) => st.sql), 'COMMIT'].join(';\n'),
      statements.flatMap((st) => st.params),
    )) as unknown[];
    this.committed = true;
    return raw.slice(0, statements.length);
  }

  async commit(): Promise<void> {
    if (!this.committed && (this.begun || this.pending.length > 1)) await this.query('COMMIT');
    this.end();
  }

  async rollback(): Promise<void> {
    const begun = this.begun && !this.committed;
    this.pending = [];
    this.end();
    if (begun) await this.send('ROLLBACK');
  }

  private end(): void {
    (this.runner as { isTransactionActive: boolean }).isTransactionActive = false;
    (this.runner as unknown as { transactionDepth: number }).transactionDepth = 0;
  }
}

/** A statement's result as TypeORM's MySQL runner answers it: the raw result, or a QueryResult. */
function answer(raw: unknown, structured: boolean): unknown {
  if (!structured) return raw;
  const result = new QueryResult();
  result.raw = raw;
  if (Array.isArray(raw)) result.records = raw;
  if (raw && typeof raw === 'object' && 'affectedRows' in raw) result.affected = (raw as { affectedRows: number }).affectedRows;
  return result;
}

/**
 * Several statements in one round trip on MySQL (`multipleStatements`), one after the other on
 * SQLite (in-process: nothing to save); answers each statement's raw result (rows for a SELECT).
 * Outside a transaction each statement commits on its own, as separate queries would.
 */
export async function batch(m: EntityManager, statements: Array<{ sql: string; params?: unknown[] }>): Promise<unknown[]> {
  if (statements.length === 0) return [];
  if (statements.length === 1 || isSqlite(m.dataSource)) {
    const out: unknown[] = [];
    for (const st of statements) out.push(await runStatement(m, st));
    return out;
  }
  return m.query<unknown[]>(
    statements.map((st) => st.sql).join(';\n'),
    statements.flatMap((st) => st.params ?? []),
  );
}

/**
 * Runs one statement; answers its raw result as MySQL gives it in a batch: rows for a SELECT, else something
 * affectedRows() reads (better-sqlite3's unstructured answer to a write is only its last rowid).
 */
export async function runStatement(m: EntityManager, st: { sql: string; params?: unknown[] }): Promise<unknown> {
  if (!m.queryRunner) return m.query(st.sql, st.params ?? []);
  const result = await m.queryRunner.query(st.sql, st.params ?? [], true);
  return Array.isArray(result.raw) || result.affected === undefined ? result.raw : { affectedRows: result.affected };
}
