import { Injectable } from '@nestjs/common';
import { PersonPrincipal } from '../auth/principal.types';
import { ApiTokensService } from './api-tokens.service';
import { SessionsService } from './sessions.service';

/*
 * One of the three ways a bearer token (read from the Authorization header by RouteAuthGuard,
 * route-auth.guard.ts) is turned into a principal. `false` is "not a valid token of this kind": a 401.
 */

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
