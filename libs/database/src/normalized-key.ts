import { hash } from 'node:crypto';

/**
 * The text a case-insensitive key is made of: compatibility forms folded (NFKC: fullwidth
 * `ＡＬＩＣＥ` is `ALICE`, the ligature `ﬁ` is `fi`), outer whitespace trimmed, lower-cased.
 * Accents stay: `josé` and `jose` are different people.
 */
export function keyText(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase().normalize('NFKC');
}

/**
 * Key for case-insensitive uniqueness and lookups (userName, email, org-structure names, group
 * names): the one rule for "the same name", so a unique index, a SCIM filter and a 409 agree.
 *
 * We hash instead of storing the folded text because collations make text keys engine-
 * dependent: MySQL/MariaDB's default collations equate 'é' and 'e', and even utf8mb4_bin pads
 * trailing spaces ('bob' = 'bob '), while SQLite compares bytes. A hex digest compares the same
 * everywhere, so a unique index means the same thing on both engines.
 */
export function normalizedKey(value: string): string {
  // crypto.hash: one call, no Hash object (several keys per SCIM write).
  return hash('sha256', keyText(value), 'hex');
}
