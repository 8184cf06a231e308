import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { bool, id, int, ref, timestamp, varchar } from './columns';

/** Issue 11: the provisioning log and the per-directory "failing" mark that its notification keys on. */
export class ProvisioningLog1795390000000 implements MigrationInterface {
  name = 'ProvisioningLog1795390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'provisioning_events',
        columns: [
          id(),
          ref('organization_id'),
          ref('directory_id'),
          ref('token_id', true),
          timestamp('at'),
          varchar('request_id', 64),
          varchar('method', 8),
          varchar('route', 64),
          varchar('resource_type', 16, true),
          varchar('resource_id', 64, true),
          varchar('user_name', 255, true),
          varchar('operation', 32),
          varchar('outcome', 8),
          int('status'),
          varchar('scim_type', 32, true),
          varchar('error_code', 64, true),
          varchar('error_message', 500, true),
          varchar('attributes', 1000, true),
          int('duration_ms'),
        ],
        indices: [
          { name: 'IDX_provisioning_events_directory_at', columnNames: ['directory_id', 'at', 'id'] },
          { name: 'IDX_provisioning_events_resource', columnNames: ['resource_id', 'at'] },
          { name: 'IDX_provisioning_events_at', columnNames: ['at'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'directory_health',
        columns: [id('directory_id'), ref('organization_id'), bool('failing'), timestamp('changed_at')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('directory_health');
    await q.dropTable('provisioning_events');
  }
}
