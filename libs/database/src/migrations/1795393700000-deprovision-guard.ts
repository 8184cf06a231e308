import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { bool, int, ref, timestamp, varchar } from './columns';

/**
 * Issue 11 §3, the mass-deprovisioning guard: a person's suspension and pending / held
 * deprovisioning on `users`, and one row per directory with the guard's settings and its window
 * (the row every deprovision of the directory locks, so the trip is decided by the database).
 */
export class DeprovisionGuard1795393700000 implements MigrationInterface {
  name = 'DeprovisionGuard1795393700000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('users', [
      new TableColumn(timestamp('suspended_at', true)),
      new TableColumn(varchar('deprovision_state', 16, true)),
      new TableColumn(varchar('deprovision_reason', 16, true)),
      new TableColumn(timestamp('deprovision_requested_at', true)),
      new TableColumn(varchar('deprovision_request_id', 64, true)),
      new TableColumn(timestamp('pending_archive_at', true)),
    ]);
    await q.createIndex('users', new TableIndex({ name: 'IDX_users_directory_deprovision', columnNames: ['directory_id', 'deprovision_state'] }));
    await q.createIndex('users', new TableIndex({ name: 'IDX_users_pending_archive', columnNames: ['deprovision_state', 'pending_archive_at'] }));
    await q.createTable(
      new Table({
        name: 'deprovision_guards',
        columns: [
          { ...ref('directory_id'), isPrimary: true },
          ref('organization_id'),
          bool('enabled'),
          int('percent'),
          int('minimum'),
          int('window_minutes'),
          int('grace_minutes'),
          timestamp('window_started_at', true),
          int('window_base'),
          int('window_count'),
          timestamp('tripped_at', true),
          timestamp('updated_at'),
        ],
        foreignKeys: [
          {
            name: 'FK_deprovision_guards_directory',
            columnNames: ['directory_id'],
            referencedTableName: 'directories',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('deprovision_guards');
    await q.dropIndex('users', 'IDX_users_pending_archive');
    await q.dropIndex('users', 'IDX_users_directory_deprovision');
    for (const c of ['pending_archive_at', 'deprovision_request_id', 'deprovision_requested_at', 'deprovision_reason', 'deprovision_state', 'suspended_at'])
      await q.dropColumn('users', c);
  }
}
