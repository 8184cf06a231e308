import { HttpException } from '@nestjs/common';
import { DomainError } from '../common/domain.errors';
import { isClientError } from './client-error.util';
import { statusOf } from './error-status.util';
import type { RenderedError } from './rest-error.util';

/** RFC 6749 §5.1: token endpoint answers, successes and errors alike, are never cached. */
export const OAUTH_NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** The OAuth token endpoint, `/oauth/token`, and anything else under `/oauth`. */
export function isOAuthPath(url: string): boolean {
  return /^\/oauth(?:[/?]|$)/i.test(url);
}

/**
 * RFC 6749 §5.2 error answers: `{error, error_description}` in JSON, never cached. A 401
 * (`invalid_client`) names the Basic scheme (RFC 6749 §5.2, RFC 7235 §3.1: a 401 carries a
 * challenge), so a client that sent its credentials in the form learns it may use Basic too.
 */
export function renderOAuthError(exception: unknown): RenderedError {
  const { status, error, description, retryAfterSeconds } = classify(exception);
  const headers: Record<string, string> = { ...OAUTH_NO_STORE };
  if (status === 401) headers['www-authenticate'] = 'Basic realm="oauth", charset="UTF-8"';
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  return { status, contentType: 'application/json; charset=utf-8', body: { error, error_description: description }, headers };
}

function classify(exception: unknown): { status: number; error: string; description: string; retryAfterSeconds?: number } {
  if (exception instanceof DomainError) {
    const status = statusOf(exception.code);
    const retryAfterSeconds = exception.extra.retryAfterSeconds;
    switch (exception.code) {
      case 'OAUTH_INVALID_CLIENT':
        return { status, error: 'invalid_client', description: exception.message };
      case 'OAUTH_UNSUPPORTED_GRANT_TYPE':
        return { status, error: 'unsupported_grant_type', description: exception.message };
      case 'TOO_MANY_LOGIN_ATTEMPTS':
        // RFC 8628 §3.5 registers `slow_down` for the token endpoint: the closest to a rate limit.
        return { status, error: 'slow_down', description: 'Too many failed client authentications; try again later', retryAfterSeconds };
      default:
        if (status >= 500)
          return {
            status,
            error: status === 503 ? 'temporarily_unavailable' : 'server_error',
            description: 'The server cannot answer now; try again later',
            retryAfterSeconds,
          };
        return { status: status === 401 ? 400 : status, error: 'invalid_request', description: exception.message };
    }
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500) return { status, error: 'server_error', description: 'Internal server error' };
    return { status, error: 'invalid_request', description: status === 404 ? 'Not found' : exception.message };
  }
  if (isClientError(exception)) return { status: exception.statusCode, error: 'invalid_request', description: exception.message };
  return { status: 500, error: 'server_error', description: 'Internal server error' };
}
