import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Transactions } from '@app/database';
import { ApiTokensService } from '../credentials/api-tokens.service';
import { insertFirstAdmin } from '../users/users-writes.util';
import { Organization } from '../organizations/organization.entity';

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
      // The first admin works through API tokens from the start, so the account is active.
      const admin = await insertFirstAdmin(m, organization.id, input.adminEmail, input.adminName ?? null, now);
      const { secret } = await this.apiTokens.issue(m, { userId: admin.id, organizationId: organization.id }, 'setup');
      return { organizationId: organization.id, adminUserId: admin.id, adminToken: secret };
    });
  }
}
