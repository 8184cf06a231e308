import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { id, ref, timestamp, varchar } from './columns';

const cascade = (name: string, column: string, table: string) => ({
  name,
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
  onUpdate: 'NO ACTION',
});

/**
 * Issue #12 §4, §5: OAuth 2.0 clients of a directory and the access tokens issued to them
 * (hashes only), and the opt-in Entra tenant of a directory (one live directory per tenant).
 */
export class OAuthClientsAndEntraTenant1795391000000 implements MigrationInterface {
  name = 'OAuthClientsAndEntraTenant1795391000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'oauth_clients',
        columns: [
          id(),
          ref('organization_id'),
          ref('directory_id'),
          varchar('name', 255),
          varchar('secret_hash', 64),
          varchar('secret_prefix', 16),
          timestamp('created_at'),
          timestamp('last_used_at', true),
          timestamp('revoked_at', true),
        ],
        indices: [{ name: 'IDX_oauth_clients_directory', columnNames: ['directory_id', 'created_at'] }],
        foreignKeys: [cascade('FK_oauth_clients_directory', 'directory_id', 'directories')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oauth_access_tokens',
        columns: [
          id(),
          ref('organization_id'),
          ref('directory_id'),
          ref('client_id'),
          varchar('token_hash', 64),
          timestamp('created_at'),
          timestamp('expires_at'),
        ],
        indices: [
          { name: 'UQ_oauth_access_tokens_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'IDX_oauth_access_tokens_client', columnNames: ['client_id', 'expires_at'] },
        ],
        foreignKeys: [cascade('FK_oauth_access_tokens_client', 'client_id', 'oauth_clients')],
      }),
    );
    await q.addColumn('directories', new TableColumn(varchar('entra_tenant_id', 36, true)));
    await q.createIndex('directories', new TableIndex({ name: 'UQ_directories_entra_tenant', columnNames: ['entra_tenant_id'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('directories', 'UQ_directories_entra_tenant');
    await q.dropColumn('directories', 'entra_tenant_id');
    await q.dropTable('oauth_access_tokens');
    await q.dropTable('oauth_clients');
  }
}
