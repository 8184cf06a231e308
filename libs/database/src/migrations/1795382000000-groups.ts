import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { bool, id, int, ref, timestamp, varchar } from './columns';

const cascade = (name: string, column: string, table: string) => ({
  name,
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
  onUpdate: 'NO ACTION',
});

/** Groups a directory provisions and their memberships, one row per member (issue #4). */
export class Groups1795382000000 implements MigrationInterface {
  name = 'Groups1795382000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'groups',
        columns: [
          id(),
          ref('organization_id'),
          ref('directory_id'),
          varchar('display_name', 255),
          varchar('display_name_key', 64),
          varchar('external_id', 255, true),
          bool('auto_invite'),
          bool('grants_admin'),
          int('version'),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        indices: [
          { name: 'UQ_groups_directory_display_name_key', columnNames: ['directory_id', 'display_name_key'], isUnique: true },
          { name: 'IDX_groups_directory_external_id', columnNames: ['directory_id', 'external_id'] },
          { name: 'IDX_groups_org', columnNames: ['organization_id', 'created_at'] },
        ],
        foreignKeys: [cascade('FK_groups_organization', 'organization_id', 'organizations'), cascade('FK_groups_directory', 'directory_id', 'directories')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'group_members',
        columns: [{ ...ref('group_id'), isPrimary: true }, { ...ref('user_id'), isPrimary: true }, ref('organization_id'), timestamp('created_at')],
        indices: [{ name: 'IDX_group_members_user', columnNames: ['user_id'] }],
        foreignKeys: [cascade('FK_group_members_group', 'group_id', 'groups'), cascade('FK_group_members_user', 'user_id', 'users')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('group_members');
    await q.dropTable('groups');
  }
}
