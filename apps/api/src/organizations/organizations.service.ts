import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { normalizedKey, Transactions } from '@app/database';
import { ApiTokensService } from '../auth/api-tokens.service';
import { User } from '../users/user.entity';
import { Organization } from './organization.entity';

export interface SetupInput {
  organizationName: string;
  adminEmail: string;
  adminName?: string;
}

export interface SetupResult {
  organizationId: string;
  adminUserId: string;
  adminToken: string;
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly tx: Transactions,
    private readonly apiTokens: ApiTokensService,
  ) {}

  /** Creates an organisation, its first admin and an admin API token, all or nothing. */
  async setup(input: SetupInput): Promise<SetupResult> {
    return this.tx.run(async (m) => {
      const now = new Date();
      const organization = m.create(Organization, { id: randomUUID(), name: input.organizationName, createdAt: now, updatedAt: now });
      await m.insert(Organization, organization);
      const admin = m.create(User, {
        id: randomUUID(),
        organizationId: organization.id,
        email: input.adminEmail,
        emailKey: normalizedKey(input.adminEmail),
        userName: null,
        userNameKey: null,
        externalId: null,
        givenName: null,
        familyName: null,
        displayName: input.adminName ?? input.adminEmail,
        // The first admin works through API tokens from the start, so the account is active.
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
      await m.insert(User, admin);
      const { secret } = await this.apiTokens.issue(m, { userId: admin.id, organizationId: organization.id }, 'setup');
      return { organizationId: organization.id, adminUserId: admin.id, adminToken: secret };
    });
  }
}
