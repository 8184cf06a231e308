import { Injectable } from '@nestjs/common';
import { Transactions } from '@app/database';
import { ApiTokensService } from '../credentials/api-tokens.service';
import { notFound } from '../common/domain.errors';
import { UsersAdminService } from '../users/users-admin.service';
import { Organization } from '../organizations/organization.entity';

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
 * (UsersAdminService.grantDirectAdmin says how), and a new admin API token is minted for them,
 * all or nothing in one transaction.
 */
@Injectable()
export class BreakGlassService {
  constructor(
    private readonly tx: Transactions,
    private readonly people: UsersAdminService,
    private readonly apiTokens: ApiTokensService,
  ) {}

  async grantAdmin(input: BreakGlassInput): Promise<BreakGlassResult> {
    return this.tx.run(async (m) => {
      const organization = await m.findOneBy(Organization, { id: input.organizationId });
      if (!organization) throw notFound('ORGANIZATION_NOT_FOUND', 'Organisation', input.organizationId);
      const { userId, outcome } = await this.people.grantDirectAdmin(m, organization.id, input.email);
      const { secret } = await this.apiTokens.issue(m, { userId, organizationId: organization.id }, 'break-glass');
      return { organizationId: organization.id, userId, adminToken: secret, outcome };
    });
  }
}
