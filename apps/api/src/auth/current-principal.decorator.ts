import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AdminPrincipal, DirectoryPrincipal, PersonPrincipal } from './principal.types';

/** The admin that a guarded admin route was called by. */
export const CurrentAdmin = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AdminPrincipal => ctx.switchToHttp().getRequest<{ user: AdminPrincipal }>().user,
);

/** The signed-in person that a PersonAuth route was called by. */
export const CurrentPerson = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): PersonPrincipal => ctx.switchToHttp().getRequest<{ user: PersonPrincipal }>().user,
);

/** The directory that a guarded SCIM route was called by. */
export const CurrentDirectory = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): DirectoryPrincipal => ctx.switchToHttp().getRequest<{ user: DirectoryPrincipal }>().user,
);
