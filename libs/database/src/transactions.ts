import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isRetryableTransactionError } from './db-errors';
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
 */
@Injectable()
export class Transactions {
  private readonly logger = new Logger(Transactions.name);
  private queue: Promise<unknown> = Promise.resolve();
  private readonly serialise: boolean;
  /** The after-commit hooks of each open transaction, by its EntityManager (one per attempt). */
  private readonly hooks = new WeakMap<EntityManager, Array<() => void>>();

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

  private async withRetry<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const hooks: Array<() => void> = [];
      let result: T;
      try {
        result = await this.dataSource.transaction((m) => {
          this.hooks.set(m, hooks);
          return work(m);
        });
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
}
