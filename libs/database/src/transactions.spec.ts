import { DataSource } from 'typeorm';
import { MAX_ATTEMPTS, retryDelayMs, Transactions } from './transactions';

describe('the retry budget of Transactions (deadlocks and Galera certification failures)', () => {
  it('waits a random time that grows with the retry, capped at 250 ms', () => {
    expect(retryDelayMs(1, () => 1)).toBe(20);
    expect(retryDelayMs(3, () => 1)).toBe(80);
    expect(retryDelayMs(10, () => 1)).toBe(250);
    expect(retryDelayMs(5, () => 0.5)).toBe(125);
  });

  it('may retry at once (full jitter), so racing retries spread over the whole window', () => {
    expect(retryDelayMs(4, () => 0)).toBe(0);
  });

  it('is bounded: a handful of attempts, not an endless loop', () => {
    expect(MAX_ATTEMPTS).toBeGreaterThan(1);
    expect(MAX_ATTEMPTS).toBeLessThanOrEqual(10);
  });
});

describe('Transactions.afterCommit', () => {
  let dataSource: DataSource;
  let tx: Transactions;

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    await dataSource.query('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    tx = new Transactions(dataSource);
  });

  afterAll(() => dataSource.destroy());

  it('runs the hooks once the transaction committed, when its writes are visible', async () => {
    const seen: number[] = [];
    await tx.run(async (m) => {
      await m.query('INSERT INTO t (id) VALUES (1)');
      tx.afterCommit(m, () => seen.push(1));
      tx.afterCommit(m, () => seen.push(2));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([1, 2]);
  });

  it('never runs them after a rollback', async () => {
    const seen: string[] = [];
    await expect(
      tx.run(async (m) => {
        tx.afterCommit(m, () => seen.push('rolled back'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(seen).toEqual([]);
  });

  it('runs only the hooks of the attempt that committed when a transaction is retried', async () => {
    const seen: number[] = [];
    let attempt = 0;
    await tx.run(async (m) => {
      attempt++;
      tx.afterCommit(m, () => seen.push(attempt));
      if (attempt === 1) throw Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' });
    });
    expect(seen).toEqual([2]);
  });

  it('answers the committed result even when a hook throws', async () => {
    const result = await tx.run(async (m) => {
      tx.afterCommit(m, () => {
        throw new Error('hook');
      });
      return 'done';
    });
    expect(result).toBe('done');
  });

  it('refuses a manager that is not a transaction of Transactions.run', () => {
    expect(() => tx.afterCommit(dataSource.manager, () => undefined)).toThrow(/Transactions\.run/);
  });
});
