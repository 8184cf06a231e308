import { createHash } from 'node:crypto';

/**
 * Key for case-insensitive uniqueness and lookups (userName, email, org-structure names).
 *
 * We hash instead of storing the lower-cased text because collations make text keys engine-
 * dependent: MySQL/MariaDB's default collations equate 'é' and 'e', and even utf8mb4_bin pads
 * trailing spaces ('bob' = 'bob '), while SQLite compares bytes. A hex digest compares the same
 * everywhere, so a unique index means the same thing on both engines.
 */
export function normalizedKey(value: string): string {
  return createHash('sha256').update(value.normalize('NFC').trim().toLowerCase(), 'utf8').digest('hex');
}
