import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AdminPrincipal, DirectoryPrincipal } from './principals';

/** The admin that a guarded admin route was called by. */
export const CurrentAdmin = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AdminPrincipal => ctx.switchToHttp().getRequest<{ user: AdminPrincipal }>().user,
);

/** The directory that a guarded SCIM route was called by. */
export const CurrentDirectory = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): DirectoryPrincipal => ctx.switchToHttp().getRequest<{ user: DirectoryPrincipal }>().user,
);
