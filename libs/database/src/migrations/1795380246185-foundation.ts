import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { bool, id, int, ref, timestamp, varchar } from './columns';

/** Organisations, people, directories with their SCIM tokens, and admin API tokens. */
export class Foundation1795380246185 implements MigrationInterface {
  name = 'Foundation1795380246185';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'organizations',
        columns: [id(), varchar('name', 255), timestamp('created_at'), timestamp('updated_at')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'directories',
        columns: [
          id(),
          ref('organization_id'),
          varchar('name', 255),
          varchar('status', 16),
          timestamp('created_at'),
          timestamp('updated_at'),
          timestamp('last_activity_at', true),
          timestamp('deleted_at', true),
        ],
        indices: [{ name: 'IDX_directories_org', columnNames: ['organization_id', 'created_at'] }],
        foreignKeys: [
          {
            name: 'FK_directories_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          ref('organization_id'),
          varchar('email', 320, true),
          varchar('email_key', 64, true),
          varchar('user_name', 320, true),
          varchar('user_name_key', 64, true),
          varchar('external_id', 255, true),
          varchar('given_name', 255, true),
          varchar('family_name', 255, true),
          varchar('display_name', 255, true),
          varchar('status', 16),
          bool('is_admin'),
          timestamp('archived_at', true),
          varchar('archive_reason', 32, true),
          ref('directory_id', true),
          bool('scim_visible'),
          int('version'),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        indices: [
          { name: 'UQ_users_org_user_name_key', columnNames: ['organization_id', 'user_name_key'], isUnique: true },
          { name: 'IDX_users_org_email_key', columnNames: ['organization_id', 'email_key'] },
          { name: 'IDX_users_org_external_id', columnNames: ['organization_id', 'external_id'] },
          { name: 'IDX_users_directory', columnNames: ['directory_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_users_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
          {
            name: 'FK_users_directory',
            columnNames: ['directory_id'],
            referencedTableName: 'directories',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'directory_tokens',
        columns: [
          id(),
          ref('organization_id'),
          ref('directory_id'),
          varchar('name', 255),
          varchar('description', 1000, true),
          varchar('token_hash', 64),
          varchar('token_prefix', 16),
          timestamp('created_at'),
          timestamp('last_used_at', true),
          timestamp('expires_at', true),
          timestamp('revoked_at', true),
        ],
        indices: [
          { name: 'UQ_directory_tokens_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'IDX_directory_tokens_directory', columnNames: ['directory_id', 'created_at'] },
        ],
        foreignKeys: [
          {
            name: 'FK_directory_tokens_directory',
            columnNames: ['directory_id'],
            referencedTableName: 'directories',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          id(),
          ref('organization_id'),
          ref('user_id'),
          varchar('name', 255),
          varchar('token_hash', 64),
          varchar('token_prefix', 16),
          timestamp('created_at'),
          timestamp('last_used_at', true),
          timestamp('expires_at', true),
          timestamp('revoked_at', true),
        ],
        indices: [
          { name: 'UQ_api_tokens_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'IDX_api_tokens_user', columnNames: ['user_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_api_tokens_user',
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
    for (const table of ['api_tokens', 'directory_tokens', 'users', 'directories', 'organizations']) {
      await q.dropTable(table);
    }
  }
}
