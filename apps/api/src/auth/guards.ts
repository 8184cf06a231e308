import { applyDecorators, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../common/domain-error';

export const ADMIN_STRATEGY = 'admin-token';
export const DIRECTORY_STRATEGY = 'directory-token';

/**
 * Any failure (no header, malformed header, unknown/revoked token, wrong kind of token) is one
 * 401; the reason is not revealed to the caller.
 */
function rejectUnlessAuthenticated<T>(err: unknown, principal: T | false): T {
  if (err || !principal) throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required');
  return principal;
}

@Injectable()
export class AdminAuthGuard extends AuthGuard(ADMIN_STRATEGY) {
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

/** Guards an admin REST route and documents its bearer scheme. */
export const AdminAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(UseGuards(AdminAuthGuard), ApiBearerAuth('admin'), ApiUnauthorizedResponse({ description: 'Missing or invalid admin token' }));

/** Guards a SCIM route and documents its bearer scheme. */
export const DirectoryAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(UseGuards(DirectoryAuthGuard), ApiBearerAuth('scim'), ApiUnauthorizedResponse({ description: 'Missing or invalid directory token' }));
