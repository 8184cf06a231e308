import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { dateParam, normalizedKey, Transactions, writeLock } from '@app/database';
import { hashToken, looksLike } from '../auth/secret-token.util';
import { DomainError } from '../common/domain.errors';
import { Invitation } from '../invitations/invitation.entity';
import { invitationRef } from '../invitations/invitations.service';
import { MailService } from '../mail/mail.service';
import { mayHoldAccess } from '../users/access-rule.sql';
import { markActive } from '../users/users-writes.util';
import { UserCredential } from '../users/user-credential.entity';
import { User } from '../users/user.entity';
import { PasswordHasher } from './password-hasher.service';
import { PasswordSignInPolicy } from './password-sign-in-policy.service';

export const MIN_PASSWORD_LENGTH = 10;

/**
 * Accepting an invitation (issue #5 §3): the invitation token is traded for the person's first
 * credential, a password (argon2id), and the person becomes `active`. Issuing invitations is
 * invitations/invitations.service.ts.
 */
@Injectable()
export class InvitationAcceptanceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly passwords: PasswordHasher,
    private readonly mail: MailService,
    private readonly passwordPolicy: PasswordSignInPolicy,
  ) {}

  /**
   * Sets the password and activates the person. The token works once: accepting revokes every
   * other open invitation of the person. Hashing happens before the transaction (it is slow), the
   * checks are repeated under the row lock, so two concurrent accepts of one token make one
   * account, and the loser gets INVITATION_INVALID.
   */
  async accept(token: string, password: string): Promise<{ organizationId: string; userId: string }> {
    const hash = looksLike('inv', token) ? hashToken(token) : null;
    const preview = hash ? await this.dataSource.getRepository(Invitation).findOne({ where: { tokenHash: hash }, relations: { user: true } }) : null;
    assertUsable(preview);
    if (!(await this.passwordPolicy.allowed(this.dataSource, preview.organizationId))) {
      throw new DomainError('PASSWORD_SIGN_IN_DISABLED', 'This organisation signs in with single sign-on only');
    }
    assertStrong(password, preview.user?.email ?? null);
    const passwordHash = await this.passwords.hash(password);
    return this.tx.run(async (m) => {
      const invitation = await m.findOne(Invitation, { where: { tokenHash: hash! }, ...writeLock(m.dataSource) });
      assertUsable(invitation);
      const user = await m.findOne(User, { where: { id: invitation.userId, organizationId: invitation.organizationId }, ...writeLock(m.dataSource) });
      if (!user || !mayHoldAccess(user)) throw invalidInvitation();
      const now = new Date();
      await m.delete(UserCredential, { userId: user.id });
      await m.insert(UserCredential, { userId: user.id, organizationId: user.organizationId, passwordHash, updatedAt: now });
      await markActive(m, user.organizationId, user.id, now);
      await m.update(Invitation, { id: invitation.id }, { acceptedAt: now });
      await m.query('UPDATE invitations SET revoked_at = ? WHERE user_id = ? AND id <> ? AND accepted_at IS NULL AND revoked_at IS NULL', [
        dateParam(m.dataSource, now),
        user.id,
        invitation.id,
      ]);
      return { organizationId: user.organizationId, userId: user.id };
    });
  }

  /** The organisation and invitee of an open invitation link, or null (for the invitation page). */
  async openInvitation(token: string): Promise<{ organizationId: string; userId: string; email: string | null } | null> {
    if (!looksLike('inv', token)) return null;
    const found = await this.dataSource.getRepository(Invitation).findOne({ where: { tokenHash: hashToken(token) }, relations: { user: true } });
    if (!found || !isUsable(found)) return null;
    return { organizationId: found.organizationId, userId: found.userId, email: found.user?.email ?? null };
  }

  /**
   * A first single sign-on of an invited person accepts their invitation (issue #12 §3), inside
   * the caller's transaction, which holds the person's row lock: they become active and every
   * open invitation is marked accepted, so its link stops working.
   */
  async acceptBySignInWithin(m: EntityManager, organizationId: string, userId: string, at: Date): Promise<void> {
    await markActive(m, organizationId, userId, at);
    await m.query('UPDATE invitations SET accepted_at = ? WHERE organization_id = ? AND user_id = ? AND accepted_at IS NULL AND revoked_at IS NULL', [
      dateParam(m.dataSource, at),
      organizationId,
      userId,
    ]);
    await this.mail.cancelPending(m, [invitationRef(userId)]);
  }
}

const invalidInvitation = (): DomainError =>
  new DomainError('INVITATION_INVALID', 'This invitation link is not valid (already used, replaced by a newer one, or mistyped)');

/** An invitation that can still be accepted, expiry aside: not used, not replaced, its person neither archived nor suspended. */
function isOpen(invitation: Invitation): boolean {
  return !invitation.acceptedAt && !invitation.revokedAt && (!invitation.user || mayHoldAccess(invitation.user));
}

function isUsable(invitation: Invitation): boolean {
  return isOpen(invitation) && invitation.expiresAt.getTime() > Date.now();
}

function assertUsable(invitation: Invitation | null): asserts invitation is Invitation {
  if (!invitation || !isOpen(invitation)) throw invalidInvitation();
  if (!isUsable(invitation)) {
    throw new DomainError('INVITATION_EXPIRED', 'This invitation has expired; ask an admin to send a new one');
  }
}

function assertStrong(password: string, email: string | null): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new DomainError('PASSWORD_TOO_WEAK', `Use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (email && normalizedKey(password) === normalizedKey(email)) throw new DomainError('PASSWORD_TOO_WEAK', 'Do not use your email as your password');
}
