import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue #9: the failed sign-in ledger is swept by age across every key (not only keys that are
 * used again), so it needs an index on `at` alone.
 */
export class LoginFailuresByAge1795385000000 implements MigrationInterface {
  name = 'LoginFailuresByAge1795385000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('login_failures', new TableIndex({ name: 'IDX_login_failures_at', columnNames: ['at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('login_failures', 'IDX_login_failures_at');
  }
}
