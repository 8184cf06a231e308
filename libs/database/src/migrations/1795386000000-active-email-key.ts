import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { varchar } from './columns';

/**
 * Issue #9: a person's work email is unique in the organisation among people who are not
 * archived. `active_email_key` holds `email_key` while the person is not archived (NULL
 * otherwise), under UNIQUE(organization_id, active_email_key): NULLs never collide on either
 * engine, and MySQL has no partial index. Existing duplicates: the oldest holder keeps the key;
 * the others keep their email but no key (an admin resolves them: the app refuses to give the
 * address to anyone else, and their next email change or restore claims a key like any other).
 */
export class ActiveEmailKey1795386000000 implements MigrationInterface {
  name = 'ActiveEmailKey1795386000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('users', new TableColumn(varchar('active_email_key', 64, true)));
    await q.query('UPDATE users SET active_email_key = email_key WHERE archived_at IS NULL AND email_key IS NOT NULL');
    const duplicated: Array<{ organization_id: string; email_key: string }> = await q.query(
      `SELECT organization_id, email_key FROM users WHERE active_email_key IS NOT NULL
        GROUP BY organization_id, email_key HAVING COUNT(*) > 1`,
    );
    for (const d of duplicated) {
      const holders: Array<{ id: string }> = await q.query('SELECT id FROM users WHERE organization_id = ? AND active_email_key = ? ORDER BY created_at, id', [
        d.organization_id,
        d.email_key,
      ]);
      const losers = holders.slice(1).map((h) => h.id);
      await q.query(`UPDATE users SET active_email_key = NULL WHERE id IN (${losers.map(() => '?').join(', ')})`, losers);
    }
    await q.createIndex(
      'users',
      new TableIndex({ name: 'UQ_users_org_active_email_key', columnNames: ['organization_id', 'active_email_key'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('users', 'UQ_users_org_active_email_key');
    await q.dropColumn('users', 'active_email_key');
  }
}
