import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { projectResource, ProjectionParams, RawQuery, ResourceSchema, singleValuedQuery } from '@app/scim-protocol';
import type { DirectoryPrincipal } from '../auth/principal.types';
import type { VersionPrecondition } from '../common/version-precondition.util';
import { SCIM_CONTENT_TYPE } from '../errors/scim-error.util';
import type { DirectoryScope } from '../org-structure/org-structure-sync.service';

/** What the SCIM controllers and services of every resource type share. */
export type Json = Record<string, unknown>;
export type Projection = ProjectionParams;

/**
 * The query string of a SCIM request, every parameter a single string (a repeated or
 * object-syntax parameter is a 400, see singleValuedQuery). Every SCIM route reads its query
 * through this, never through `@Query()`.
 */
export const ScimQuery = createParamDecorator((_: unknown, ctx: ExecutionContext): Record<string, string> =>
  singleValuedQuery(ctx.switchToHttp().getRequest<FastifyRequest>().query as RawQuery),
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

/**
 * Entity tags (RFC 7644 §3.14): a resource's weak `meta.version`, `W/"<n>"`, is its ETag. The
 * comparison is on the opaque value (weak and strong forms alike), as SCIM clients send back the
 * `meta.version` they read.
 */
export const etagOf = (version: number): string => `W/"${version}"`;

/** The versions an If-Match / If-None-Match header names: `*`, or a list of entity tags; absent or empty: undefined. */
export function versionPrecondition(header: string | undefined): VersionPrecondition | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return { kind: 'any' };
  const versions = header
    .split(',')
    .map((tag) => /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(tag)?.[1])
    // A tag we never issued can match nothing: it stays in the list as an impossible version.
    .map((n) => (n === undefined ? -1 : Number(n)));
  return { kind: 'versions', versions };
}

const versionOf = (resource: Json): number | undefined => {
  const tag = (resource.meta as { version?: string } | undefined)?.version;
  const n = tag ? /"(\d+)"/.exec(tag)?.[1] : undefined;
  return n === undefined ? undefined : Number(n);
};

/**
 * 200 with the resource and its ETag; 304 without a body when If-None-Match (`cached`, from
 * `@IfNoneMatch()`) names the version the client already has (RFC 7232 §3.2).
 */
export function sendResource(reply: FastifyReply, resource: Json, cached: VersionPrecondition | undefined): Json | undefined {
  const version = versionOf(resource);
  if (version === undefined) return resource;
  void reply.header('etag', etagOf(version));
  if (cached && (cached.kind === 'any' || cached.versions.includes(version))) {
    void reply.status(304);
    return undefined;
  }
  return resource;
}

/** 201 with the resource, its Location and its ETag. */
export function sendCreated(reply: FastifyReply, resource: Json): Json {
  void reply.header('content-type', SCIM_CONTENT_TYPE).header('location', (resource.meta as { location: string }).location);
  const version = versionOf(resource);
  if (version !== undefined) void reply.header('etag', etagOf(version));
  return resource;
}

/** What a PATCH made: the new version (for the ETag) and the resource when the client asked for it. */
export interface Patched {
  version: number;
  resource: Json | undefined;
}

/** 204 without a body, or 200 with the resource the client asked for; the new ETag either way. */
export function sendPatched(reply: FastifyReply, patched: Patched): Json | undefined {
  void reply.header('etag', etagOf(patched.version));
  if (patched.resource === undefined) {
    void reply.status(204);
    return undefined;
  }
  void reply.header('content-type', SCIM_CONTENT_TYPE);
  return patched.resource;
}
