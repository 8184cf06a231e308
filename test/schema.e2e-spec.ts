import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { resolveDataSourceOptions } from '@app/database';
import { ENTITIES } from '../apps/api/src/entities';
import { createTestDatabase, testEngines, TestDatabase } from './support/databases';

describe.each(testEngines())('schema on %s', (engine) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    ds = new DataSource(await resolveDataSourceOptions(db.config, ENTITIES));
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('migrations build exactly the schema the entities describe', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has no migration left to run', async () => {
    expect(await ds.showMigrations()).toBe(false);
  });

  it('every migration reverts cleanly and re-applies', async () => {
    for (let i = 0; i < ds.migrations.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const runner = ds.createQueryRunner();
    const left = [];
    for (const { tableName } of ds.entityMetadatas) if (await runner.hasTable(tableName)) left.push(tableName);
    await runner.release();
    expect(left).toEqual([]);
    await ds.runMigrations({ transaction: 'each' });
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries).toEqual([]);
  });
});
