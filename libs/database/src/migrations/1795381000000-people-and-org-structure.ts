import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { bool, id, int, ref, timestamp, varchar } from './columns';

const orgTable = (name: string, extra: ReturnType<typeof varchar>[] = []): Table =>
  new Table({
    name,
    columns: [id(), ref('organization_id'), varchar('name', 255), varchar('name_key', 64), ...extra, timestamp('created_at'), timestamp('updated_at')],
    indices: [{ name: `UQ_${name}_org_name_key`, columnNames: ['organization_id', 'name_key'], isUnique: true }],
    foreignKeys: [
      {
        name: `FK_${name}_organization`,
        columnNames: ['organization_id'],
        referencedTableName: 'organizations',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
        onUpdate: 'NO ACTION',
      },
    ],
  });

const setNull = (name: string, column: string, table: string): TableForeignKey =>
  new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'SET NULL',
    onUpdate: 'NO ACTION',
  });

/** SCIM user attributes, the emails list, sites/departments/roles and their directory mappings. */
export class PeopleAndOrgStructure1795381000000 implements MigrationInterface {
  name = 'PeopleAndOrgStructure1795381000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      orgTable('sites', [
        varchar('street_address', 255, true),
        varchar('locality', 255, true),
        varchar('region', 255, true),
        varchar('postal_code', 64, true),
        varchar('country', 255, true),
      ]),
    );
    await q.createTable(orgTable('departments'));
    await q.createTable(orgTable('roles'));

    await q.createTable(
      new Table({
        name: 'org_source_mappings',
        columns: [id(), ref('organization_id'), ref('directory_id'), varchar('kind', 16), varchar('source_key', 64), ref('entity_id'), timestamp('created_at')],
        indices: [
          { name: 'UQ_org_source_mappings_source', columnNames: ['directory_id', 'kind', 'source_key'], isUnique: true },
          { name: 'IDX_org_source_mappings_entity', columnNames: ['kind', 'entity_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_org_source_mappings_directory',
            columnNames: ['directory_id'],
            referencedTableName: 'directories',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );

    await q.addColumns('users', [
      new TableColumn(varchar('name_formatted', 255, true)),
      new TableColumn(varchar('title', 255, true)),
      new TableColumn(varchar('preferred_language', 64, true)),
      new TableColumn(varchar('employee_number', 255, true)),
      new TableColumn(varchar('department', 255, true)),
      new TableColumn(varchar('address_formatted', 1000, true)),
      new TableColumn(varchar('address_street', 255, true)),
      new TableColumn(varchar('address_locality', 255, true)),
      new TableColumn(varchar('address_region', 255, true)),
      new TableColumn(varchar('address_postal_code', 64, true)),
      new TableColumn(varchar('address_country', 255, true)),
      new TableColumn(varchar('phone_work', 64, true)),
      new TableColumn(varchar('phone_mobile', 64, true)),
      new TableColumn(varchar('phone_fax', 64, true)),
      new TableColumn(ref('manager_id', true)),
      new TableColumn(ref('site_id', true)),
      new TableColumn(ref('department_id', true)),
      new TableColumn(ref('role_id', true)),
    ]);
    await q.createIndices('users', [
      new TableIndex({ name: 'IDX_users_directory_scim', columnNames: ['directory_id', 'scim_visible', 'created_at'] }),
      new TableIndex({ name: 'IDX_users_manager', columnNames: ['manager_id'] }),
      new TableIndex({ name: 'IDX_users_site', columnNames: ['site_id'] }),
      new TableIndex({ name: 'IDX_users_department', columnNames: ['department_id'] }),
      new TableIndex({ name: 'IDX_users_role', columnNames: ['role_id'] }),
    ]);
    await q.createForeignKeys('users', [
      setNull('FK_users_manager', 'manager_id', 'users'),
      setNull('FK_users_site', 'site_id', 'sites'),
      setNull('FK_users_department', 'department_id', 'departments'),
      setNull('FK_users_role', 'role_id', 'roles'),
    ]);

    await q.createTable(
      new Table({
        name: 'user_emails',
        columns: [
          id(),
          ref('organization_id'),
          ref('user_id'),
          int('position'),
          varchar('type', 32, true),
          varchar('value', 320),
          varchar('value_key', 64),
          bool('is_primary'),
        ],
        indices: [
          { name: 'UQ_user_emails_user_position', columnNames: ['user_id', 'position'], isUnique: true },
          { name: 'IDX_user_emails_org_value_key', columnNames: ['organization_id', 'value_key'] },
        ],
        foreignKeys: [
          {
            name: 'FK_user_emails_user',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('user_emails');
    for (const fk of ['FK_users_manager', 'FK_users_site', 'FK_users_department', 'FK_users_role']) await q.dropForeignKey('users', fk);
    for (const index of ['IDX_users_directory_scim', 'IDX_users_manager', 'IDX_users_site', 'IDX_users_department', 'IDX_users_role']) {
      await q.dropIndex('users', index);
    }
    for (const column of [
      'name_formatted',
      'title',
      'preferred_language',
      'employee_number',
      'department',
      'address_formatted',
      'address_street',
      'address_locality',
      'address_region',
      'address_postal_code',
      'address_country',
      'phone_work',
      'phone_mobile',
      'phone_fax',
      'manager_id',
      'site_id',
      'department_id',
      'role_id',
    ]) {
      await q.dropColumn('users', column);
    }
    for (const table of ['org_source_mappings', 'roles', 'departments', 'sites']) await q.dropTable(table);
  }
}
