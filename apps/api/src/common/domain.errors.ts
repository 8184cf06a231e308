/**
 * Stable error codes of the service. Services throw DomainError with one of these; exactly one
 * place per transport (errors/rest-error.util.ts, errors/scim-error.util.ts) turns a code into a response.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'ORGANIZATION_NOT_FOUND',
  'DIRECTORY_NOT_FOUND',
  'DIRECTORY_TOKEN_NOT_FOUND',
  'USER_NOT_FOUND',
  'SITE_NOT_FOUND',
  'DEPARTMENT_NOT_FOUND',
  'ROLE_NOT_FOUND',
  'EMAIL_ALREADY_IN_USE',
  'USER_NAME_TAKEN',
  'INVALID_MANAGER',
  'ORG_NAME_TAKEN',
  'INVALID_REASSIGN',
  'GROUP_NOT_FOUND',
  'GROUP_NAME_TAKEN',
  'INVALID_MEMBER',
  'FORBIDDEN',
  'INVALID_CREDENTIALS',
  'TOO_MANY_LOGIN_ATTEMPTS',
  'ORGANIZATION_REQUIRED',
  'INVITATION_INVALID',
  'INVITATION_EXPIRED',
  'USER_ARCHIVED',
  'USER_ALREADY_ACTIVE',
  'USER_HAS_NO_EMAIL',
  'FIELD_MANAGED_BY_DIRECTORY',
  'INVALID_REFERENCE',
  'INVALID_GRADE',
  'CANNOT_CHANGE_OWN_ACCESS',
  'API_TOKEN_NOT_FOUND',
  'PASSWORD_TOO_WEAK',
  'PRECONDITION_FAILED',
  'DATABASE_UNAVAILABLE',
  'OAUTH_INVALID_CLIENT',
  'OAUTH_INVALID_REQUEST',
  'OAUTH_UNSUPPORTED_GRANT_TYPE',
  'OAUTH_CLIENT_NOT_FOUND',
  'ENTRA_TENANT_TAKEN',
  'IDENTITY_PROVIDER_UNAVAILABLE',
  'PASSWORD_SIGN_IN_DISABLED',
  'SSO_NOT_CONFIGURED',
  'SSO_ISSUER_INVALID',
  'SSO_NOT_VERIFIED',
  'SSO_STATE_INVALID',
  'SSO_ID_TOKEN_INVALID',
  'SSO_PROVIDER_ERROR',
  'SSO_TENANT_NOT_ALLOWED',
  'SSO_NO_ACCOUNT',
  'SSO_NOT_INVITED',
  'SSO_ACCOUNT_DISABLED',
  'SSO_CODE_INVALID',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      /** For 429s and 503s: when the caller may try again (sent as Retry-After). */
      retryAfterSeconds?: number;
      /** Machine-readable specifics, rendered as `details` in REST errors (e.g. the fields refused). */
      details?: Record<string, unknown>;
      /** For 401s: credentials were sent and refused (RFC 6750 §3 `error="invalid_token"` in WWW-Authenticate). */
      bearerError?: 'invalid_token';
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (code: Extract<ErrorCode, `${string}NOT_FOUND`>, what: string, id: string): DomainError =>
  new DomainError(code, `${what} ${id} not found`);

/** Seconds a client is asked to wait (Retry-After) when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The database cannot be reached or timed out: a 503 with Retry-After, never the client's fault. */
export const databaseUnavailable = (details?: Record<string, unknown>): DomainError =>
  new DomainError('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly', {
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    ...(details ? { details } : {}),
  });
