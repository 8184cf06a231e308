import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { id, int, ref, text, timestamp, varchar } from './columns';

const cascade = (name: string, column: string, table: string) => ({
  name,
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
  onUpdate: 'NO ACTION',
});

/**
 * Issue #5: role grades and a person's grade, passwords (kept apart from the users row),
 * invitations, the email outbox, sign-in sessions and the failed-login ledger behind the rate
 * limit.
 */
export class InvitationsAndSignIn1795383000000 implements MigrationInterface {
  name = 'InvitationsAndSignIn1795383000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('roles', new TableColumn(text('grades', true)));
    await q.addColumn('users', new TableColumn(varchar('grade', 64, true)));
    // Sign-in looks a person up by email across organisations.
    await q.createIndex('users', new TableIndex({ name: 'IDX_users_email_key', columnNames: ['email_key'] }));
    await q.createTable(
      new Table({
        name: 'user_credentials',
        columns: [{ ...ref('user_id'), isPrimary: true }, ref('organization_id'), varchar('password_hash', 255), timestamp('updated_at')],
        foreignKeys: [cascade('FK_user_credentials_user', 'user_id', 'users')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'invitations',
        columns: [
          id(),
          ref('organization_id'),
          ref('user_id'),
          ref('invited_by', true),
          varchar('token_hash', 64),
          timestamp('created_at'),
          timestamp('expires_at'),
          timestamp('accepted_at', true),
          timestamp('revoked_at', true),
        ],
        indices: [
          { name: 'UQ_invitations_token_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'IDX_invitations_user', columnNames: ['user_id', 'created_at'] },
        ],
        foreignKeys: [cascade('FK_invitations_user', 'user_id', 'users')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'email_outbox',
        columns: [
          id(),
          ref('organization_id', true),
          varchar('recipient', 320),
          varchar('template', 64),
          text('payload'),
          varchar('ref', 128, true),
          varchar('status', 16),
          int('attempts'),
          timestamp('next_attempt_at'),
          timestamp('locked_until', true),
          varchar('last_error', 1000, true),
          timestamp('created_at'),
          timestamp('sent_at', true),
        ],
        indices: [
          { name: 'IDX_email_outbox_due', columnNames: ['status', 'next_attempt_at'] },
          { name: 'IDX_email_outbox_ref', columnNames: ['ref'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sessions',
        columns: [
          id(),
          ref('organization_id'),
          ref('user_id'),
          varchar('token_hash', 64),
          timestamp('created_at'),
          timestamp('expires_at'),
          timestamp('last_used_at', true),
          timestamp('revoked_at', true),
        ],
        indices: [
          { name: 'UQ_sessions_token_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'IDX_sessions_user', columnNames: ['user_id'] },
        ],
        foreignKeys: [cascade('FK_sessions_user', 'user_id', 'users')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'login_failures',
        columns: [id(), varchar('key_hash', 64), timestamp('at')],
        indices: [{ name: 'IDX_login_failures_key_at', columnNames: ['key_hash', 'at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('login_failures');
    await q.dropTable('sessions');
    await q.dropTable('email_outbox');
    await q.dropTable('invitations');
    await q.dropTable('user_credentials');
    await q.dropIndex('users', 'IDX_users_email_key');
    await q.dropColumn('users', 'grade');
    await q.dropColumn('roles', 'grades');
  }
}
