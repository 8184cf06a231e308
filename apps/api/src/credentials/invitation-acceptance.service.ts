import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dateParam, normalizedKey, Transactions, writeLock } from '@app/database';
import { hashToken, looksLike } from '../auth/secret-token';
import { DomainError } from '../common/domain-error';
import { Invitation } from '../invitations/invitation.entity';
import { markActive } from '../users/people-writes';
import { UserCredential } from '../users/user-credential.entity';
import { User } from '../users/user.entity';
import { PasswordHasher } from './password-hasher';

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
    assertStrong(password, preview.user?.email ?? null);
    const passwordHash = await this.passwords.hash(password);
    return this.tx.run(async (m) => {
      const invitation = await m.findOne(Invitation, { where: { tokenHash: hash! }, ...writeLock(m.dataSource) });
      assertUsable(invitation);
      const user = await m.findOne(User, { where: { id: invitation.userId, organizationId: invitation.organizationId }, ...writeLock(m.dataSource) });
      if (!user || user.archivedAt || user.suspendedAt) throw invalidInvitation();
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
}

const invalidInvitation = (): DomainError =>
  new DomainError('INVITATION_INVALID', 'This invitation link is not valid (already used, replaced by a newer one, or mistyped)');

function assertUsable(invitation: Invitation | null): asserts invitation is Invitation {
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.user?.archivedAt || invitation.user?.suspendedAt) throw invalidInvitation();
  if (invitation.expiresAt.getTime() <= Date.now()) {
    throw new DomainError('INVITATION_EXPIRED', 'This invitation has expired; ask an admin to send a new one');
  }
}

function assertStrong(password: string, email: string | null): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new DomainError('PASSWORD_TOO_WEAK', `Use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (email && normalizedKey(password) === normalizedKey(email)) throw new DomainError('PASSWORD_TOO_WEAK', 'Do not use your email as your password');
}
