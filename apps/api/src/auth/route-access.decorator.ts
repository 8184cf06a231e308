import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../errors/error-response.dto';

/*
 * Route access: every route declares who may call it; RouteAuthGuard (credentials/route-auth.guard.ts)
 * enforces it.
 */

/** Who may call a route. Every route says which; a route that says nothing is refused. */
export type RouteAccess = 'public' | 'admin' | 'person' | 'directory';
export const ROUTE_ACCESS = 'routeAccess';

/** No credential needed (sign-in, accepting an invitation, health). */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(ROUTE_ACCESS, 'public' satisfies RouteAccess);

/** An admin REST route (admin API token or an admin's session); documents both schemes. */
export const AdminAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, 'admin' satisfies RouteAccess),
    ApiBearerAuth('admin'),
    ApiBearerAuth('session'),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid admin token or session' }),
    ApiForbiddenResponse({ type: ErrorResponse, description: 'Signed in, but not an admin' }),
  );

/** A route every signed-in person may call (a session, or an admin API token). */
export const PersonAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, 'person' satisfies RouteAccess),
    ApiBearerAuth('session'),
    ApiBearerAuth('admin'),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid session or token' }),
  );

/** A SCIM route (a directory token); its 401 is a SCIM Error, not an ErrorResponse. */
export const DirectoryAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, 'directory' satisfies RouteAccess),
    ApiBearerAuth('scim'),
    ApiUnauthorizedResponse({ description: 'Missing or invalid directory token' }),
  );
