import { ValidateBy } from 'class-validator';
import { DomainError } from '../common/domain.errors';
import { identifierProblem } from '../common/identifier-text.util';

/**
 * One plain address: a local part, one `@`, a domain; no list separators (`,` `;`), no display
 * name or angle brackets, no quotes, no whitespace. Anything else could turn one person's email
 * into several recipients, or into a header an SMTP server reads differently.
 */
export const PLAIN_EMAIL = /^[^\s@,;:<>()[\]"\\]+@(?!\.)[^\s@,;:<>()[\]"\\]+(?<!\.)$/;

/** Also free of invisible and control characters (common/identifier-text.util.ts), which \s does not cover. */
export const isPlainEmail = (value: string): boolean => PLAIN_EMAIL.test(value) && identifierProblem(value) === null;

/** 400 VALIDATION_FAILED (SCIM: invalidValue) unless `value` is one plain address. */
export function assertPlainEmail(value: string, field = 'email'): void {
  if (!isPlainEmail(value)) throw new DomainError('VALIDATION_FAILED', `${field} must be one plain email address (no list, no display name)`);
}

/** The same rule for request DTOs (class-validator): 400 VALIDATION_FAILED naming the field. */
export const IsPlainEmail = (): PropertyDecorator =>
  ValidateBy({
    name: 'isPlainEmail',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isPlainEmail(value),
      defaultMessage: (args) => `${args?.property ?? 'email'} must be one plain email address (no list, no display name, no invisible characters)`,
    },
  });
