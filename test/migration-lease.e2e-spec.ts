import { DataSource } from 'typeorm';
import { buildDataSourceOptions, LEASE_TABLE, runMigrationsOnce } from '@app/database';
import { ENTITIES } from '../apps/api/src/entities';
import { ALL_MIGRATIONS, appliedMigrations, bootTogether, logLines, migrationsRunBy } from './support/boot-race';
import { createTestDatabase, Engine, testEngines, TestDatabase } from './support/databases';
import { assertBuilt, RunningApi, startApi } from './support/processes';

/**
 * Issue 14 §3: replicas booting at the same moment run each pending migration exactly once,
 * through a lease row (schema_lock) that works on every engine; the others wait for it.
 */
describe.each(testEngines())('migrations at start-up on %s', (engine: Engine) => {
  let db: TestDatabase;
  let apis: RunningApi[] = [];

  beforeAll(() => assertBuilt());

  beforeEach(async () => {
    db = await createTestDatabase(engine, false);
  });

  afterEach(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    apis = [];
    await db.drop();
  });

  const openRaw = async (): Promise<DataSource> => {
    const ds = new DataSource({ ...buildDataSourceOptions(db.config, ENTITIES, engine === 'mysql' ? 'mariadb' : undefined), migrationsRun: false });
    return ds.initialize();
  };

  it('three replicas booting together on an empty database: one runs every migration once, the others wait and run none', async () => {
    apis = await bootTogether([db.url, db.url, db.url]);
    expect(await appliedMigrations(db)).toEqual(ALL_MIGRATIONS);
    const ran = migrationsRunBy(apis).sort((a, b) => a - b);
    expect(ran).toEqual([0, 0, ALL_MIGRATIONS.length]);
    for (const api of apis) expect((await fetch(`${api.baseUrl}/health`)).status).toBe(200);
    // The lease is released once the migrations are done.
    const ds = await openRaw();
    try {
      expect(await ds.query(`SELECT * FROM ${LEASE_TABLE}`)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('a replica booting on an up-to-date database runs nothing and does not wait (positive control)', async () => {
    apis = await bootTogether([db.url]);
    expect(migrationsRunBy(apis)).toEqual([ALL_MIGRATIONS.length]);
    const again = await startApi({ DATABASE_URL: db.url, DB_MIGRATIONS_RUN: 'true', LOG_LEVEL: 'info' });
    apis.push(again);
    expect(migrationsRunBy([again])).toEqual([0]);
    expect(logLines(again, 'Another replica is running the migrations; waiting for it')).toEqual([]);
    expect(await appliedMigrations(db)).toEqual(ALL_MIGRATIONS);
  });

  it('while another replica holds the lease, a booting replica waits, then finds the migrations done', async () => {
    const holder = await openRaw();
    try {
      await holder.query(`CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (id INT NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, expires_at BIGINT NOT NULL)`);
      await holder.query(`INSERT INTO ${LEASE_TABLE} (id, holder, expires_at) VALUES (1, 'other-replica', ?)`, [Date.now() + 60_000]);
      let seen = '';
      let waiting!: () => void;
      const isWaiting = new Promise<void>((resolve) => (waiting = resolve));
      const booting = startApi({ DATABASE_URL: db.url, DB_MIGRATIONS_RUN: 'true', LOG_LEVEL: 'info' }, undefined, (chunk) => {
        seen += chunk;
        if (seen.includes('Another replica is running the migrations')) waiting();
      });
      await isWaiting;
      // The "other replica" migrates, then releases the lease.
      await holder.runMigrations({ transaction: 'each' });
      await holder.query(`DELETE FROM ${LEASE_TABLE} WHERE id = 1`);
      const api = await booting;
      apis.push(api);
      expect(logLines(api, 'Another replica is running the migrations; waiting for it')).toEqual([expect.objectContaining({ holder: 'other-replica' })]);
      expect(migrationsRunBy([api])).toEqual([0]);
      expect(await appliedMigrations(db)).toEqual(ALL_MIGRATIONS);
    } finally {
      await holder.destroy();
    }
  });

  it('a lease left by a replica that died (expired) is taken over', async () => {
    const ds = await openRaw();
    try {
      await ds.query(`CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (id INT NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, expires_at BIGINT NOT NULL)`);
      await ds.query(`INSERT INTO ${LEASE_TABLE} (id, holder, expires_at) VALUES (1, 'dead-replica', ?)`, [Date.now() - 1000]);
      const run = await runMigrationsOnce(ds, { maxWaitMs: 5000 });
      expect(run.ran).toBe(ALL_MIGRATIONS.length);
      expect(await ds.query(`SELECT * FROM ${LEASE_TABLE}`)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('a live lease is not taken over: the waiter gives up after its limit instead of migrating alongside', async () => {
    const ds = await openRaw();
    try {
      await ds.query(`CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (id INT NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, expires_at BIGINT NOT NULL)`);
      await ds.query(`INSERT INTO ${LEASE_TABLE} (id, holder, expires_at) VALUES (1, 'live-replica', ?)`, [Date.now() + 60_000]);
      await expect(runMigrationsOnce(ds, { maxWaitMs: 600, pollMs: 100 })).rejects.toThrow(/live-replica/);
      expect(await ds.showMigrations()).toBe(true);
    } finally {
      await ds.destroy();
    }
  });
});
