import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { bearerTokenOf } from '../auth/bearer-token.util';
import { ROUTE_ACCESS, RouteAccess } from '../auth/route-access.decorator';
import type { AdminPrincipal, DirectoryPrincipal, PersonPrincipal } from '../auth/principal.types';
import { DomainError } from '../common/domain.errors';
import { AdminTokenStrategy } from './admin-token.strategy';
import { DirectoryTokenStrategy } from './directory-token.strategy';
import { PersonStrategy } from './person.strategy';

/**
 * Any failure to authenticate (no header, malformed header, unknown/revoked/expired token, wrong
 * kind of token) is one 401; the reason is not revealed. A known person without the rights the
 * route needs is a 403.
 */
function rejectUnlessAuthenticated<T>(err: unknown, principal: T | false): T {
  // A strategy answers "no such token" with false; anything it throws (a 403, a database outage
  // that must be a 503, a bug) passes through as itself, never as a 401.
  if (err instanceof Error) throw err;
  if (err) throw new Error('The authentication strategy failed', { cause: err });
  if (!principal) throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required');
  return principal;
}

/**
 * The one global guard (APP_GUARD): deny by default. A route opts out with `@Public()` or names
 * the credential it needs with `@AdminAuth()`, `@PersonAuth()` or `@DirectoryAuth()` (on the
 * method, else on the controller); any other route is refused with a 401, so forgetting a
 * decorator locks a route instead of opening it.
 */
@Injectable()
export class RouteAuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');
  private readonly strategies: Record<
    Exclude<RouteAccess, 'public'>,
    { validate(token: string): Promise<AdminPrincipal | PersonPrincipal | DirectoryPrincipal | false> }
  >;

  constructor(
    private readonly reflector: Reflector,
    admin: AdminTokenStrategy,
    person: PersonStrategy,
    directory: DirectoryTokenStrategy,
  ) {
    this.strategies = { admin, person, directory };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (access === 'public') return true;
    if (access === undefined) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no access rule; refused`);
      throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required');
    }
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: unknown }>();
    const token = bearerTokenOf(request.headers.authorization);
    if (token === undefined && request.headers.authorization === undefined) {
      throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required');
    }
    let principal: AdminPrincipal | PersonPrincipal | DirectoryPrincipal | false = false;
    let err: unknown;
    try {
      if (token !== undefined) principal = await this.strategies[access].validate(token);
    } catch (e) {
      err = e;
    }
    try {
      request.user = rejectUnlessAuthenticated(err, principal);
      return true;
    } catch (e) {
      // Credentials were sent and refused: RFC 6750 §3 `error="invalid_token"` in WWW-Authenticate.
      if (e instanceof DomainError && e.code === 'UNAUTHENTICATED') throw new DomainError(e.code, e.message, { ...e.extra, bearerError: 'invalid_token' });
      throw e;
    }
  }
}
