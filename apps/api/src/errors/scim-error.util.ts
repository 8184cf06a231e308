import { HttpException } from '@nestjs/common';
import { isScimError } from '@app/scim-protocol';
import { DomainError } from '../common/domain.errors';
import { statusOf } from './error-status.util';
import { isClientError } from './client-error.util';
import { bearerChallenge, type RenderedError } from './rest-error.util';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const SCIM_ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function isScimPath(url: string): boolean {
  return /^\/scim(?:[/?]|$)/i.test(url);
}

function body(status: number, detail: string, scimType?: string): RenderedError {
  return {
    status,
    contentType: SCIM_CONTENT_TYPE,
    body: { schemas: [SCIM_ERROR_URN], status: String(status), ...(scimType ? { scimType } : {}), detail },
  };
}

/** SCIM Error schema (RFC 7644 §3.12): `status` is a string; `scimType` where one applies. */
export function renderScimError(exception: unknown): RenderedError {
  const rendered = renderScimBody(exception);
  return rendered.status === 401 ? { ...rendered, headers: { ...rendered.headers, 'www-authenticate': bearerChallenge('scim', exception) } } : rendered;
}

function renderScimBody(exception: unknown): RenderedError {
  if (isScimError(exception)) return body(exception.status, exception.detail, exception.scimType);
  if (exception instanceof DomainError) {
    const status = statusOf(exception.code);
    const rendered = body(status, exception.message, status === 409 ? 'uniqueness' : status === 400 ? 'invalidValue' : undefined);
    const retryAfter = exception.extra.retryAfterSeconds;
    return retryAfter === undefined ? rendered : { ...rendered, headers: { 'retry-after': String(retryAfter) } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return body(status, status === 404 ? 'Resource not found' : exception.message, status === 400 ? 'invalidSyntax' : undefined);
  }
  if (isClientError(exception)) {
    return body(exception.statusCode, exception.message, exception.statusCode === 400 ? 'invalidSyntax' : undefined);
  }
  return body(500, 'Internal server error');
}
