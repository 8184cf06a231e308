import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

const cache = new WeakMap<object, Map<number, string>>();

/**
 * INSERT of whole entities as one raw statement, for the SCIM hot path. TypeORM's insert()
 * rebuilds and re-parses its query on every call; this builds the SQL once per entity and row
 * count, and converts values with the driver's own rules (dates, booleans), so rows read back
 * exactly as TypeORM would have written them.
 */
export async function insertRows<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, rows: T[]): Promise<void> {
  if (rows.length === 0) return;
  const metadata = m.dataSource.getMetadata(target);
  // Scalar foreign-key properties (organizationId…) share their column with the relation, so
  // each column is read from its own property, never through the relation object.
  const columns = metadata.columns.filter((c) => !c.isVirtual);
  let byCount = cache.get(metadata);
  if (!byCount) cache.set(metadata, (byCount = new Map<number, string>()));
  let sql = byCount.get(rows.length);
  if (!sql) {
    const driver = m.dataSource.driver;
    const names = columns.map((c) => driver.escape(c.databaseName)).join(', ');
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    sql = `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES ${rows.map(() => tuple).join(', ')}`;
    byCount.set(rows.length, sql);
  }
  const driver = m.dataSource.driver;
  const params = rows.flatMap((row) => columns.map((c): unknown => driver.preparePersistentValue((row as Record<string, unknown>)[c.propertyName], c) ?? null));
  await m.query(sql, params);
}
