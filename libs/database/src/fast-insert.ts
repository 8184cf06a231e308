import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';

/** One statement and its bound values (`?` placeholders). */
export interface Statement {
  sql: string;
  params: unknown[];
}

const cache = new WeakMap<object, Map<string, string>>();

/** SQL text built once per entity and shape (the key), then reused. */
function cached(metadata: EntityMetadata, key: string, build: () => string): string {
  let byKey = cache.get(metadata);
  if (!byKey) cache.set(metadata, (byKey = new Map<string, string>()));
  let sql = byKey.get(key);
  if (sql === undefined) byKey.set(key, (sql = build()));
  return sql;
}

// Scalar foreign-key properties (organizationId…) share their column with the relation, so each
// column is read from and written to its own property, never through the relation object.
const ownColumns = (metadata: EntityMetadata): ColumnMetadata[] => metadata.columns.filter((c) => !c.isVirtual);

/**
 * INSERT of whole entities as one raw statement, for the SCIM hot path. TypeORM's insert()
 * rebuilds and re-parses its query on every call; this builds the SQL once per entity and row
 * count, and converts values with the driver's own rules (dates, booleans), so rows read back
 * exactly as TypeORM would have written them.
 */
export function insertStatement<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, rows: T[]): Statement {
  const metadata = m.dataSource.getMetadata(target);
  const columns = ownColumns(metadata);
  const driver = m.dataSource.driver;
  const sql = cached(metadata, `insert:${rows.length}`, () => {
    const names = columns.map((c) => driver.escape(c.databaseName)).join(', ');
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    return `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES ${rows.map(() => tuple).join(', ')}`;
  });
  const params = rows.flatMap((row) => columns.map((c): unknown => driver.preparePersistentValue((row as Record<string, unknown>)[c.propertyName], c) ?? null));
  return { sql, params };
}

export async function insertRows<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, rows: T[]): Promise<void> {
  if (rows.length === 0) return;
  const { sql, params } = insertStatement(m, target, rows);
  await m.query(sql, params);
}

/**
 * `UPDATE <table> SET <the properties of set> WHERE <the properties of where, all equal>` as one
 * raw statement (values converted as insertStatement does), so it can travel in a batch.
 */
export function updateStatement<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, set: Partial<T>, where: Partial<T>): Statement {
  const metadata = m.dataSource.getMetadata(target);
  const driver = m.dataSource.driver;
  const byProperty = new Map(ownColumns(metadata).map((c) => [c.propertyName, c]));
  const pick = (values: Partial<T>): ColumnMetadata[] =>
    Object.keys(values).flatMap((k) => {
      if ((values as Record<string, unknown>)[k] === undefined) return [];
      const column = byProperty.get(k);
      return column ? [column] : [];
    });
  const setColumns = pick(set);
  const whereColumns = pick(where);
  if (setColumns.length === 0 || whereColumns.length === 0) throw new Error('updateStatement needs columns to set and a condition');
  const sql = cached(metadata, `update:${setColumns.map((c) => c.propertyName).join(',')}:${whereColumns.map((c) => c.propertyName).join(',')}`, () => {
    const assignments = setColumns.map((c) => `${driver.escape(c.databaseName)} = ?`).join(', ');
    const conditions = whereColumns.map((c) => `${driver.escape(c.databaseName)} = ?`).join(' AND ');
    return `UPDATE ${driver.escape(metadata.tableName)} SET ${assignments} WHERE ${conditions}`;
  });
  const value = (values: Partial<T>, c: ColumnMetadata): unknown =>
    driver.preparePersistentValue((values as Record<string, unknown>)[c.propertyName], c) ?? null;
  return { sql, params: [...setColumns.map((c) => value(set, c)), ...whereColumns.map((c) => value(where, c))] };
}

/** `alias.col1, alias.col2, …`: every column of the entity, for a raw SELECT whose rows hydrateRows reads. */
export function selectList(m: EntityManager, target: EntityTarget<ObjectLiteral>, alias: string): string {
  const metadata = m.dataSource.getMetadata(target);
  const driver = m.dataSource.driver;
  return cached(metadata, `select:${alias}`, () =>
    ownColumns(metadata)
      .map((c) => `${alias}.${driver.escape(c.databaseName)}`)
      .join(', '),
  );
}

/**
 * Raw rows (selected with selectList) as entities, each value converted by the driver's own
 * rules, exactly as TypeORM hydrates a find(): no query builder on the hot path.
 */
export function hydrateRows<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, rows: Array<Record<string, unknown>>): T[] {
  const metadata = m.dataSource.getMetadata(target);
  const driver = m.dataSource.driver;
  const columns = ownColumns(metadata);
  return rows.map((row) => {
    const entity = metadata.create() as T;
    for (const c of columns) (entity as Record<string, unknown>)[c.propertyName] = driver.prepareHydratedValue(row[c.databaseName], c);
    return entity;
  });
}
