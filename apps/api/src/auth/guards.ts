import { applyDecorators, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../common/domain-error';
import { ErrorResponse } from '../errors/error-response.dto';

export const ADMIN_STRATEGY = 'admin-token';
export const PERSON_STRATEGY = 'person-token';
export const DIRECTORY_STRATEGY = 'directory-token';

/**
 * Any failure to authenticate (no header, malformed header, unknown/revoked/expired token, wrong
 * kind of token) is one 401; the reason is not revealed. A known person without the rights the
 * route needs is a 403.
 */
function rejectUnlessAuthenticated<T>(err: unknown, principal: T | false): T {
  // A strategy answers "no such token" with false; anything it throws (a 403, a database outage
  // that must be a 503, a bug) passes through as itself, never as a 401.
  if (err) throw err;
  if (!principal) throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required');
  return principal;
}

@Injectable()
export class AdminAuthGuard extends AuthGuard(ADMIN_STRATEGY) {
  override handleRequest<T>(err: unknown, principal: T | false): T {
    return rejectUnlessAuthenticated(err, principal);
  }
}

@Injectable()
export class PersonAuthGuard extends AuthGuard(PERSON_STRATEGY) {
  override handleRequest<T>(err: unknown, principal: T | false): T {
    return rejectUnlessAuthenticated(err, principal);
  }
}

@Injectable()
export class DirectoryAuthGuard extends AuthGuard(DIRECTORY_STRATEGY) {
  override handleRequest<T>(err: unknown, principal: T | false): T {
    return rejectUnlessAuthenticated(err, principal);
  }
}

/** Guards an admin REST route (admin API token or an admin's session) and documents both schemes. */
export const AdminAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    UseGuards(AdminAuthGuard),
    ApiBearerAuth('admin'),
    ApiBearerAuth('session'),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid admin token or session' }),
    ApiForbiddenResponse({ type: ErrorResponse, description: 'Signed in, but not an admin' }),
  );

/** Guards a route every signed-in person may call (a session, or an admin API token). */
export const PersonAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    UseGuards(PersonAuthGuard),
    ApiBearerAuth('session'),
    ApiBearerAuth('admin'),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid session or token' }),
  );

/** Guards a SCIM route and documents its bearer scheme (its 401 is a SCIM Error, not an ErrorResponse). */
export const DirectoryAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(UseGuards(DirectoryAuthGuard), ApiBearerAuth('scim'), ApiUnauthorizedResponse({ description: 'Missing or invalid directory token' }));
