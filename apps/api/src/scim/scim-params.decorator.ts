import { createParamDecorator, ExecutionContext, Header, Res } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { VersionPrecondition } from '../common/version-precondition.util';
import { SCIM_CONTENT_TYPE } from '../errors/scim-error.util';
import { versionPrecondition } from './scim-http.util';

/** Decorators the SCIM resource routes share, so their controllers say only what differs. */

const header = (ctx: ExecutionContext, name: 'if-match' | 'if-none-match'): string | undefined => {
  const value = ctx.switchToHttp().getRequest<FastifyRequest>().headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** The versions the request's If-Match names (RFC 7644 §3.14): a write goes ahead only on one of them; absent: any. */
export const IfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): VersionPrecondition | undefined =>
  versionPrecondition(header(ctx, 'if-match')),
);

/** The versions the request's If-None-Match names: a GET of one of them answers 304 (sendResource). */
export const IfNoneMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): VersionPrecondition | undefined =>
  versionPrecondition(header(ctx, 'if-none-match')),
);

/** The reply, for the ETag, Location and status a SCIM answer sets (the handler still returns the body). */
export const ScimReply = (): ParameterDecorator => Res({ passthrough: true });

/** `Content-Type: application/scim+json` on a route that answers a SCIM body. */
export const ScimContentType = (): MethodDecorator => Header('content-type', SCIM_CONTENT_TYPE);
