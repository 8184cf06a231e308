import { createHash } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { isUniqueViolation } from '../db-errors';

/**
 * Issue #10 §4: case-insensitive keys also fold compatibility forms (NFKC), so `ＡＬＩＣＥ@…` and
 * `alice@…` are one userName. Every stored key is recomputed from the text it was made of.
 *
 * The key functions are spelled out here, not imported: a migration must keep meaning what it
 * meant when it landed, whatever normalizedKey becomes later.
 *
 * Two rows whose texts differ only in compatibility forms now want the same key; the unique
 * index then refuses the second update. That row keeps its old key (it stays findable by its
 * exact text as before) and the migration goes on: refusing to start the service over it would
 * be worse. Org-source mappings store only a key, not the text, so they cannot be recomputed:
 * a directory value whose NFKC form differs from its NFC form re-resolves by name on its next
 * mention.
 */
const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const nfcKey = (value: string): string => digest(value.normalize('NFC').trim().toLowerCase());
const nfkcKey = (value: string): string => digest(value.normalize('NFKC').trim().toLowerCase().normalize('NFKC'));

/** Key columns and the text column each is computed from. A NULL key stays NULL (e.g. a freed userName). */
export const KEYED_COLUMNS: ReadonlyArray<{ table: string; text: string; key: string }> = [
  { table: 'users', text: 'user_name', key: 'user_name_key' },
  { table: 'users', text: 'email', key: 'email_key' },
  // Set only while the person is not archived (a NULL stays NULL), and then from the same email.
  { table: 'users', text: 'email', key: 'active_email_key' },
  { table: 'user_emails', text: 'value', key: 'value_key' },
  { table: 'sites', text: 'name', key: 'name_key' },
  { table: 'departments', text: 'name', key: 'name_key' },
  { table: 'roles', text: 'name', key: 'name_key' },
  { table: 'groups', text: 'display_name', key: 'display_name_key' },
];

const BATCH = 1000;

async function rekey(q: QueryRunner, keyOf: (value: string) => string): Promise<void> {
  const esc = (name: string): string => q.connection.driver.escape(name);
  for (const { table, text, key } of KEYED_COLUMNS) {
    let after = '';
    for (;;) {
      const rows: Array<{ id: string; t: string | null; k: string }> = await q.query(
        `SELECT id, ${esc(text)} AS t, ${esc(key)} AS k FROM ${esc(table)} WHERE id > ? AND ${esc(key)} IS NOT NULL ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      for (const row of rows) {
        const next = row.t === null ? row.k : keyOf(row.t);
        if (next === row.k) continue;
        try {
          await q.query(`UPDATE ${esc(table)} SET ${esc(key)} = ? WHERE id = ?`, [next, row.id]);
        } catch (err) {
          // A twin already holds the folded key (see above): this row keeps its old one. Both
          // engines undo just the refused statement, not the transaction.
          if (!isUniqueViolation(err)) throw err;
        }
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1].id;
    }
  }
}

export class CompatibilityFoldedKeys1795388000000 implements MigrationInterface {
  name = 'CompatibilityFoldedKeys1795388000000';

  async up(q: QueryRunner): Promise<void> {
    await rekey(q, nfkcKey);
  }

  async down(q: QueryRunner): Promise<void> {
    await rekey(q, nfcKey);
  }
}
