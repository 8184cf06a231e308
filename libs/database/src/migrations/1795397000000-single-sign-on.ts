import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { bool, id, ref, text, timestamp, varchar } from './columns';

const cascade = (name: string, column: string, table: string) => ({
  name,
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
  onUpdate: 'NO ACTION',
});

/**
 * Issue #12 §1-§3: an organisation's OpenID Connect settings (the client secret sealed with
 * SECRETS_ENCRYPTION_KEY), the pinned links between a provider identity and a person, and the
 * one-time codes the callback hands to the browser (hashes only).
 */
export class SingleSignOn1795397000000 implements MigrationInterface {
  name = 'SingleSignOn1795397000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'sso_configs',
        columns: [
          { ...ref('organization_id'), isPrimary: true },
          varchar('issuer', 500),
          varchar('client_id', 255),
          varchar('client_secret_sealed', 2000, true),
          text('allowed_tenant_ids'),
          bool('enabled'),
          varchar('password_sign_in', 16),
          varchar('provider_name', 100),
          timestamp('verified_at', true),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        foreignKeys: [cascade('FK_sso_configs_organization', 'organization_id', 'organizations')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sso_links',
        columns: [
          id(),
          ref('organization_id'),
          ref('user_id'),
          // sha256 of the identity key (tenant or issuer) and the subject: a short unique key on both engines.
          varchar('identity_hash', 64),
          varchar('issuer', 500),
          varchar('tenant_id', 64, true),
          varchar('subject', 255),
          timestamp('created_at'),
          timestamp('last_sign_in_at', true),
        ],
        indices: [
          { name: 'UQ_sso_links_identity', columnNames: ['organization_id', 'identity_hash'], isUnique: true },
          { name: 'UQ_sso_links_user', columnNames: ['organization_id', 'user_id'], isUnique: true },
        ],
        foreignKeys: [cascade('FK_sso_links_user', 'user_id', 'users')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sso_codes',
        columns: [
          { ...varchar('code_hash', 64), isPrimary: true },
          ref('organization_id'),
          ref('user_id'),
          timestamp('created_at'),
          timestamp('expires_at'),
          timestamp('used_at', true),
        ],
        indices: [{ name: 'IDX_sso_codes_expires', columnNames: ['expires_at'] }],
        foreignKeys: [cascade('FK_sso_codes_user', 'user_id', 'users')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('sso_codes');
    await q.dropTable('sso_links');
    await q.dropTable('sso_configs');
  }
}
