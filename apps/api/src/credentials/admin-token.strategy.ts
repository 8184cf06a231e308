import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain.errors';
import { AdminPrincipal } from '../auth/principal.types';
import { ApiTokensService } from './api-tokens.service';
import { SessionsService } from './sessions.service';

/*
 * One of the three ways a bearer token (read from the Authorization header by RouteAuthGuard,
 * route-auth.guard.ts) is turned into a principal. `false` is "not a valid token of this kind": a 401.
 */

/**
 * `Authorization: Bearer adm_…` (an admin API token) or `Bearer ses_…` (an admin's sign-in
 * session) on the admin API. A valid session of someone who is not an admin is a 403.
 */
@Injectable()
export class AdminTokenStrategy {
  constructor(
    private readonly apiTokens: ApiTokensService,
    private readonly sessions: SessionsService,
  ) {}

  async validate(token: string): Promise<AdminPrincipal | false> {
    const session = await this.sessions.authenticate(token);
    if (session) {
      if (!session.isAdmin) throw new DomainError('FORBIDDEN', 'This route is for admins');
      return { kind: 'admin', userId: session.userId, organizationId: session.organizationId, tokenId: session.sessionId, via: 'session' };
    }
    return (await this.apiTokens.authenticate(token)) ?? false;
  }
}
