import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue #13 §4, §5: cursor (keyset) paging reads each list in id order from an index that ends
 * in id, so page 2,000 costs what page 1 costs. InnoDB appends the primary key to every
 * secondary index, SQLite does not (its indexes end in the rowid), so the id is spelled out.
 */
const INDEXES: Array<[string, string, string[]]> = [
  ['users', 'IDX_users_directory_scim_id', ['directory_id', 'scim_visible', 'id']],
  ['groups', 'IDX_groups_directory_id', ['directory_id', 'id']],
  // The admin API's keyset pages of people and groups (`?cursor=`), per organisation.
  ['users', 'IDX_users_org_id', ['organization_id', 'id']],
  ['groups', 'IDX_groups_org_id', ['organization_id', 'id']],
  // The numbered people list (creation order): page 1 reads 50 index entries, not a filesort of the organisation.
  ['users', 'IDX_users_org_created', ['organization_id', 'created_at', 'id']],
  // The numbered people list's total for a status filter, counted from the index alone.
  ['users', 'IDX_users_org_status', ['organization_id', 'status', 'archived_at']],
];

export class KeysetPaging1795393300000 implements MigrationInterface {
  name = 'KeysetPaging1795393300000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, name, columnNames] of INDEXES) await q.createIndex(table, new TableIndex({ name, columnNames }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, name] of [...INDEXES].reverse()) await q.dropIndex(table, name);
  }
}
