import { isUniqueViolation } from '@app/database';
import { DomainError } from '../common/domain.errors';

export const emailInUse = (): DomainError =>
  new DomainError('EMAIL_ALREADY_IN_USE', 'This email is already the email of another person of this organisation who is not archived');

/**
 * True when `err` is the database refusing a second holder of an email among the people who are
 * not archived (UQ_users_org_active_email_key): the key, not a read before the write, decides
 * concurrent requests on both engines.
 */
export function isActiveEmailViolation(err: unknown): boolean {
  return isUniqueViolation(err) && err instanceof Error && err.message.includes('active_email_key');
}
