import { Injectable } from '@nestjs/common';
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
 * The work function must therefore only touch the database, never send anything outside.
 */
@Injectable()
export class Transactions {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly serialise: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.serialise = isSqlite(dataSource);
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialise) return this.withRetry(work);
    const result = this.queue.then(() => this.withRetry(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async withRetry<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
      }
    }
  }
}
