import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isRetryableTransactionError, isUniqueViolation } from './db-errors';

/**
 * The lease row. Outside the migration history on purpose: it must exist before the first
 * migration runs (like TypeORM's own `migrations` table), and no entity maps it.
 */
export const LEASE_TABLE = 'schema_lock';
const LEASE_ID = 1;

export interface MigrationLeaseOptions {
  /** How long a lease holds without a heartbeat (a holder that died frees it after this). */
  ttlMs?: number;
  /** Between two attempts to take a held lease. */
  pollMs?: number;
  /** Give up waiting for another replica's migrations after this long. */
  maxWaitMs?: number;
  /** Called once when this process finds the lease held and starts waiting. */
  onWait?: (holder: string) => void;
}

/** What happened: how many migrations this process ran, and how long it waited for another one. */
export interface MigrationRun {
  ran: number;
  waitedMs: number;
}

export class MigrationLeaseTimeoutError extends Error {
  constructor(
    readonly holder: string,
    waitedMs: number,
  ) {
    super(`Another replica (${holder}) has held the migration lease for ${Math.round(waitedMs / 1000)} s; giving up`);
    this.name = 'MigrationLeaseTimeoutError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the pending migrations exactly once however many replicas boot at the same moment, on
 * SQLite, MySQL, MariaDB and Galera alike: no GET_LOCK (Galera does not replicate it), no
 * LOCK TABLES, no SELECT … FOR UPDATE (it locks one Galera node only). The lease is one row
 * whose primary key decides who holds it: every replica INSERTs it, one succeeds (on Galera the
 * others fail with a duplicate or a certification failure, both meaning "taken"), runs the
 * migrations while refreshing the expiry, and deletes the row. The others poll until the row is
 * gone (or expired: a holder that died), take it in turn and find nothing left to run.
 */
export async function runMigrationsOnce(dataSource: DataSource, options: MigrationLeaseOptions = {}): Promise<MigrationRun> {
  const ttlMs = options.ttlMs ?? 30_000;
  const pollMs = options.pollMs ?? 250;
  const maxWaitMs = options.maxWaitMs ?? 10 * 60_000;
  const holder = randomUUID();
  const started = Date.now();
  await retryBusy(() =>
    dataSource.query(`CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (id INT NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, expires_at BIGINT NOT NULL)`),
  );
  let waitingFor: string | null = null;
  while (!(await tryTake(dataSource, holder, ttlMs))) {
    const current = await currentHolder(dataSource);
    if (current !== null && waitingFor === null) {
      waitingFor = current;
      options.onWait?.(current);
    }
    if (Date.now() - started > maxWaitMs) throw new MigrationLeaseTimeoutError(current ?? waitingFor ?? 'unknown', Date.now() - started);
    await sleep(pollMs * (0.5 + Math.random()));
  }
  const waitedMs = Date.now() - started;
  const heartbeat = setInterval(
    () => {
      dataSource.query(`UPDATE ${LEASE_TABLE} SET expires_at = ? WHERE id = ? AND holder = ?`, [Date.now() + ttlMs, LEASE_ID, holder]).catch(() => undefined);
    },
    Math.max(ttlMs / 3, 50),
  );
  heartbeat.unref();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return { ran: ran.length, waitedMs };
  } finally {
    clearInterval(heartbeat);
    await retryBusy(() => dataSource.query(`DELETE FROM ${LEASE_TABLE} WHERE id = ? AND holder = ?`, [LEASE_ID, holder])).catch(() => undefined);
  }
}

/** Frees an expired lease, then tries to insert ours: true when we hold it. */
async function tryTake(dataSource: DataSource, holder: string, ttlMs: number): Promise<boolean> {
  try {
    const now = Date.now();
    await dataSource.query(`DELETE FROM ${LEASE_TABLE} WHERE id = ? AND expires_at < ?`, [LEASE_ID, now]);
    await dataSource.query(`INSERT INTO ${LEASE_TABLE} (id, holder, expires_at) VALUES (?, ?, ?)`, [LEASE_ID, holder, now + ttlMs]);
    return true;
  } catch (err) {
    // Taken (duplicate key; a Galera certification failure; SQLite busy while another process migrates).
    if (isUniqueViolation(err) || isRetryableTransactionError(err)) return false;
    throw err;
  }
}

async function currentHolder(dataSource: DataSource): Promise<string | null> {
  try {
    const rows: Array<{ holder: string }> = await dataSource.query(`SELECT holder FROM ${LEASE_TABLE} WHERE id = ?`, [LEASE_ID]);
    return rows[0]?.holder ?? null;
  } catch (err) {
    if (isRetryableTransactionError(err)) return null;
    throw err;
  }
}

/** SQLite answers BUSY while another process writes; a few short retries ride it out. */
async function retryBusy<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= 20 || !isRetryableTransactionError(err)) throw err;
      await sleep(50 * attempt);
    }
  }
}
