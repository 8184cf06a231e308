import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * What a SCIM request did, as the SCIM layer names it, for the provisioning log. The SCIM
 * services fill it while they work; the log reads it when the answer is sent, so a request that
 * fails half-way still logs what was known (e.g. the userName of a refused create).
 */
export interface OperationNote {
  operation?: string;
  resourceType?: 'User' | 'Group';
  resourceId?: string | null;
  userName?: string | null;
  /** Names of the attributes the write changed; never their values. */
  attributes?: string[];
  /** `held`: the write was a deprovision the mass-deprovisioning guard holds (answered as success). */
  outcome?: 'held';
  /** The request id (as the log writes it), for what the request leaves behind (a held deprovision names it). */
  requestId?: string;
}

const NOTE = Symbol('provisioningNote');
type Noted = { [NOTE]?: OperationNote };

/** The request's note, made on first use. */
export function noteOf(request: object): OperationNote {
  const r = request as Noted & { id?: unknown };
  return (r[NOTE] ??= { requestId: typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id).slice(0, 64) : undefined });
}

/** The note if the route wrote one. */
export const existingNoteOf = (request: object): OperationNote | undefined => (request as Noted)[NOTE];

/** The request's OperationNote, for a SCIM controller to hand to its service. */
export const LogNote = createParamDecorator((_: unknown, ctx: ExecutionContext): OperationNote => noteOf(ctx.switchToHttp().getRequest<object>()));
