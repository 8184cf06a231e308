import { Injectable } from '@nestjs/common';
import { DirectoriesService } from '../directories/directories.service';
import { EntraTokensService } from '../directories/entra-tokens.service';
import { OAuthClientsService } from '../directories/oauth-clients.service';
import { DirectoryPrincipal } from '../auth/principal.types';
import { looksLike } from '../auth/secret-token.util';

/*
 * One of the three ways a bearer token (read from the Authorization header by RouteAuthGuard,
 * route-auth.guard.ts) is turned into a principal. `false` is "not a valid token of this kind": a 401.
 */

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
