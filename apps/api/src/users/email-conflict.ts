import { isUniqueViolation } from '@app/database';
import { EntityManager, IsNull, Not } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { User } from './user.entity';

export const emailInUse = (): DomainError =>
  new DomainError('EMAIL_ALREADY_IN_USE', 'This email is already the email of another person of this organisation who is not archived');

/** True when `err` is the database refusing a second holder of an active email (UQ_users_org_active_email_key). */
export function isActiveEmailViolation(err: unknown): boolean {
  return isUniqueViolation(err) && err instanceof Error && err.message.includes('active_email_key');
}

/**
 * 409 EMAIL_ALREADY_IN_USE when another person of the organisation who is not archived has this
 * email key. A friendly early answer only: the unique key decides races.
 */
export async function assertActiveEmailFree(m: EntityManager, organizationId: string, activeEmailKey: string | null, exceptId: string): Promise<void> {
  if (activeEmailKey === null) return;
  // By email_key among the people not archived: also catches holders that the migration left
  // without a key (duplicates from before the rule).
  const holder = await m.exists(User, { where: { organizationId, emailKey: activeEmailKey, archivedAt: IsNull(), id: Not(exceptId) } });
  if (holder) throw emailInUse();
}
