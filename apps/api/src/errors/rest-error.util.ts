import { HttpException } from '@nestjs/common';
import { DomainError } from '../common/domain.errors';
import { statusOf } from './error-status.util';
import { isClientError } from './client-error.util';

export interface RenderedError {
  status: number;
  contentType: string;
  body: unknown;
  headers?: Record<string, string>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Stable codes for errors that do not come from our services. */
function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 404:
      return 'NOT_FOUND';
    case 408:
      return 'REQUEST_TIMEOUT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 414:
      return 'URI_TOO_LONG';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 431:
      return 'HEADERS_TOO_LARGE';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'REQUEST_FAILED';
  }
}

/**
 * RFC 7235 §3.1: a 401 names the scheme to use. RFC 6750 §3: `error="invalid_token"` when a token
 * was sent and refused; no error code when none was sent. Shared by both transports.
 */
export function bearerChallenge(realm: string, exception: unknown): string {
  const refused = exception instanceof DomainError && exception.extra.bearerError === 'invalid_token';
  return `Bearer realm="${realm}"${refused ? ', error="invalid_token"' : ''}`;
}

/** REST JSON errors: `{ statusCode, error, message, code }`. */
export function renderRestError(exception: unknown): RenderedError {
  let status = 500;
  let code = 'INTERNAL_ERROR';
  let message: string | string[] = 'Internal server error';
  let headers: Record<string, string> | undefined;
  let details: Record<string, unknown> | undefined;
  if (exception instanceof DomainError) {
    status = statusOf(exception.code);
    code = exception.code;
    message = exception.message;
    if (exception.extra.retryAfterSeconds !== undefined) headers = { 'retry-after': String(exception.extra.retryAfterSeconds) };
    details = exception.extra.details;
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    const response = exception.getResponse();
    const raw = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    message = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw : exception.message;
    // ValidationPipe reports an array of constraint messages.
    code = status === 400 && Array.isArray(raw) ? 'VALIDATION_FAILED' : codeForStatus(status);
  } else if (isClientError(exception)) {
    status = exception.statusCode;
    code = exception.code === 'INVALID_JSON' ? 'INVALID_JSON' : codeForStatus(status);
    message = exception.message;
  }
  if (status === 401) headers = { ...headers, 'www-authenticate': bearerChallenge('api', exception) };
  return {
    status,
    contentType: 'application/json; charset=utf-8',
    body: { statusCode: status, error: REASONS[status] ?? 'Error', message, code, ...(details ? { details } : {}) },
    ...(headers ? { headers } : {}),
  };
}
