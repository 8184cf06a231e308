import { DomainError } from '../common/domain-error';

/**
 * One plain address: a local part, one `@`, a domain; no list separators (`,` `;`), no display
 * name or angle brackets, no quotes, no whitespace. Anything else could turn one person's email
 * into several recipients, or into a header an SMTP server reads differently.
 */
export const PLAIN_EMAIL = /^[^\s@,;:<>()[\]"\\]+@(?!\.)[^\s@,;:<>()[\]"\\]+(?<!\.)$/;

export const isPlainEmail = (value: string): boolean => PLAIN_EMAIL.test(value);

/** 400 VALIDATION_FAILED (SCIM: invalidValue) unless `value` is one plain address. */
export function assertPlainEmail(value: string, field = 'email'): void {
  if (!isPlainEmail(value)) throw new DomainError('VALIDATION_FAILED', `${field} must be one plain email address (no list, no display name)`);
}
