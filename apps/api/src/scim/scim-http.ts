import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { projectResource, ProjectionParams, RawQuery, ResourceSchema, singleValuedQuery } from '@app/scim-protocol';
import type { DirectoryPrincipal } from '../auth/principals';
import { SCIM_CONTENT_TYPE } from '../errors/scim-error';
import type { DirectoryScope } from '../org-structure/org-structure.service';

/** What the SCIM controllers and services of every resource type share. */
export type Json = Record<string, unknown>;
export type Projection = ProjectionParams;

/**
 * The query string of a SCIM request, every parameter a single string (a repeated or
 * object-syntax parameter is a 400, see singleValuedQuery). Every SCIM route reads its query
 * through this, never through `@Query()`.
 */
export const ScimQuery = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Record<string, string> => singleValuedQuery(ctx.switchToHttp().getRequest<FastifyRequest>().query as RawQuery),
);

export const scopeOf = (dir: DirectoryPrincipal): DirectoryScope => ({ organizationId: dir.organizationId, directoryId: dir.directoryId });

/**
 * Whether the client asked for attributes. A PATCH answers the resource only then (RFC 7644
 * §3.5.2 allows 204; Entra and Microsoft's test collection expect it).
 */
export const wantsResource = (projection: Projection): boolean => Boolean(projection.attributes || projection.excludedAttributes);

/** Applies `attributes`/`excludedAttributes`, or returns the resource as it is when neither is given. */
export const shapeResource = (resource: Json, projection: Projection, schema: ResourceSchema): Json =>
  wantsResource(projection) ? projectResource(resource, projection, schema) : resource;

/** 201 with the resource and its Location. */
export function sendCreated(reply: FastifyReply, resource: Json): Json {
  void reply.header('content-type', SCIM_CONTENT_TYPE).header('location', (resource.meta as { location: string }).location);
  return resource;
}

/** 204 without a body, or 200 with the resource the client asked for. */
export function sendPatched(reply: FastifyReply, resource: Json | undefined): Json | undefined {
  if (resource === undefined) {
    void reply.status(204);
    return undefined;
  }
  void reply.header('content-type', SCIM_CONTENT_TYPE);
  return resource;
}
