import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { normalizedKey, Transactions } from '@app/database';
import { ApiToken } from '../auth/api-token.entity';
import { ApiTokensService } from '../auth/api-tokens.service';
import { Session } from '../auth/session.entity';
import { notFound } from '../common/domain-error';
import { User } from '../users/user.entity';
import { Organization } from './organization.entity';

export interface BreakGlassInput {
  organizationId: string;
  email: string;
}

export type BreakGlassOutcome = 'created' | 'restored' | 'updated';

export interface BreakGlassResult {
  organizationId: string;
  userId: string;
  adminToken: string;
  outcome: BreakGlassOutcome;
}

/**
 * Break-glass (issue #9): an operator with database access gives an organisation an admin back
 * when its directory archived every admin. The person with that email becomes a direct admin
 * (`is_admin`), restored if archived (to the status they had), created if missing (active, like
 * setup's first admin: they work through the printed token from the start, and can be invited
 * to set a password later). A directory that managed them lets go of them, as when a directory
 * is deleted: otherwise the same directory, or a stolen SCIM token, could archive them again on
 * its next request. The directory can take them back later (a POST of their userName).
 * All or nothing, in one transaction with the new admin API token.
 */
@Injectable()
export class BreakGlassService {
  constructor(
    private readonly tx: Transactions,
    private readonly apiTokens: ApiTokensService,
  ) {}

  async grantAdmin(input: BreakGlassInput): Promise<BreakGlassResult> {
    return this.tx.run(async (m) => {
      const organization = await m.findOneBy(Organization, { id: input.organizationId });
      if (!organization) throw notFound('ORGANIZATION_NOT_FOUND', 'Organisation', input.organizationId);
      const existing = await this.findByEmail(m, organization.id, input.email);
      let userId: string;
      let outcome: BreakGlassOutcome;
      if (existing) {
        userId = existing.id;
        outcome = existing.archivedAt ? 'restored' : 'updated';
        // Restoring keeps `status`: archive and status are orthogonal, so the person returns to
        // the state they had. No old session or token comes back (DESIGN §5), whether or not the
        // archive revoked them: the new token is minted below.
        if (existing.archivedAt) await this.revokeCredentials(m, existing.id);
        await m.update(
          User,
          { id: existing.id },
          {
            isAdmin: true,
            archivedAt: null,
            archiveReason: null,
            ...(existing.directoryId !== null ? { directoryId: null, scimVisible: false } : {}),
            version: existing.version + 1,
            updatedAt: new Date(),
          },
        );
      } else {
        userId = await this.create(m, organization.id, input.email);
        outcome = 'created';
      }
      const { secret } = await this.apiTokens.issue(m, { userId, organizationId: organization.id }, 'break-glass');
      return { organizationId: organization.id, userId, adminToken: secret, outcome };
    });
  }

  private async revokeCredentials(m: EntityManager, userId: string): Promise<void> {
    const now = new Date();
    await m.update(ApiToken, { userId, revokedAt: IsNull() }, { revokedAt: now });
    await m.update(Session, { userId, revokedAt: IsNull() }, { revokedAt: now });
  }

  /** Emails are not unique per organisation: prefer a person who is not archived, then the newest. */
  private async findByEmail(m: EntityManager, organizationId: string, email: string): Promise<User | null> {
    return m
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId AND u.email_key = :key', { organizationId, key: normalizedKey(email) })
      .orderBy('CASE WHEN u.archived_at IS NULL THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('u.created_at', 'DESC')
      .addOrderBy('u.id', 'ASC')
      .getOne();
  }

  private async create(m: EntityManager, organizationId: string, email: string): Promise<string> {
    const now = new Date();
    const user = m.create(User, {
      id: randomUUID(),
      organizationId,
      email,
      emailKey: normalizedKey(email),
      userName: null,
      userNameKey: null,
      externalId: null,
      givenName: null,
      familyName: null,
      displayName: email,
      status: 'active',
      isAdmin: true,
      archivedAt: null,
      archiveReason: null,
      directoryId: null,
      scimVisible: false,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    await m.insert(User, user);
    return user.id;
  }
}
