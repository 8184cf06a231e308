import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { DirectoriesService } from '../directories/directories.service';
import { EntraTokensService } from '../directories/entra-tokens.service';
import { OAuthClientsService } from '../directories/oauth-clients.service';
import { ApiTokensService } from './api-tokens.service';
import { AdminPrincipal, DirectoryPrincipal, PersonPrincipal } from '../auth/principals';
import { looksLike } from '../auth/secret-token';
import { SessionsService } from './sessions.service';

/*
 * The three ways a bearer token (read from the Authorization header by RouteAuthGuard, route-auth.guard.ts)
 * is turned into a principal. `false` is "not a valid token of this kind": a 401.
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

/** Anyone signed in: a session of any active person, or an admin API token. */
@Injectable()
export class PersonStrategy {
  constructor(
    private readonly apiTokens: ApiTokensService,
    private readonly sessions: SessionsService,
  ) {}

  async validate(token: string): Promise<PersonPrincipal | false> {
    const session = await this.sessions.authenticate(token);
    if (session) {
      const { sessionId, ...who } = session;
      return { kind: 'person', ...who, tokenId: sessionId, via: 'session' };
    }
    const admin = await this.apiTokens.authenticate(token);
    return admin ? { ...admin, kind: 'person', isAdmin: true } : false;
  }
}

/**
 * On /scim/v2: `Bearer scim_…` (a directory's secret token), `Bearer oat_…` (an access token from
 * POST /oauth/token) or, for a directory that opted in, a JWT Entra ID issued for its tenant.
 * Each lookup answers only for its own shape, so at most one of them reads the database.
 */
@Injectable()
export class DirectoryTokenStrategy {
  constructor(
    private readonly directories: DirectoriesService,
    private readonly oauthClients: OAuthClientsService,
    private readonly entraTokens: EntraTokensService,
  ) {}

  async validate(token: string): Promise<DirectoryPrincipal | false> {
    if (looksLike('oat', token)) return (await this.oauthClients.authenticateAccessToken(token)) ?? false;
    if (token.includes('.')) return (await this.entraTokens.authenticate(token)) ?? false;
    return (await this.directories.authenticateToken(token)) ?? false;
  }
}
