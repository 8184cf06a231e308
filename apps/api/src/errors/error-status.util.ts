import { ErrorCode } from '../common/domain.errors';

/** The one mapping from domain error codes to HTTP statuses, for both transports. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
    case 'OAUTH_INVALID_CLIENT':
    case 'SSO_ID_TOKEN_INVALID':
      return 401;
    case 'FORBIDDEN':
    case 'PASSWORD_SIGN_IN_DISABLED':
    case 'SSO_TENANT_NOT_ALLOWED':
    case 'SSO_NO_ACCOUNT':
    case 'SSO_NOT_INVITED':
    case 'SSO_ACCOUNT_DISABLED':
      return 403;
    case 'INVITATION_EXPIRED':
      return 410;
    case 'PRECONDITION_FAILED':
      return 412;
    case 'TOO_MANY_LOGIN_ATTEMPTS':
      return 429;
    case 'VALIDATION_FAILED':
    case 'INVITATION_INVALID':
    case 'INVALID_REFERENCE':
    case 'INVALID_GRADE':
    case 'PASSWORD_TOO_WEAK':
    case 'INVALID_MANAGER':
    case 'INVALID_REASSIGN':
    case 'INVALID_MEMBER':
    case 'OAUTH_INVALID_REQUEST':
    case 'OAUTH_UNSUPPORTED_GRANT_TYPE':
    case 'SSO_ISSUER_INVALID':
    case 'SSO_STATE_INVALID':
    case 'SSO_PROVIDER_ERROR':
    case 'SSO_CODE_INVALID':
      return 400;
    case 'NOT_FOUND':
    case 'ORGANIZATION_NOT_FOUND':
    case 'DIRECTORY_NOT_FOUND':
    case 'DIRECTORY_TOKEN_NOT_FOUND':
    case 'USER_NOT_FOUND':
    case 'SITE_NOT_FOUND':
    case 'DEPARTMENT_NOT_FOUND':
    case 'ROLE_NOT_FOUND':
    case 'GROUP_NOT_FOUND':
    case 'API_TOKEN_NOT_FOUND':
    case 'OAUTH_CLIENT_NOT_FOUND':
    case 'SSO_NOT_CONFIGURED':
      return 404;
    case 'EMAIL_ALREADY_IN_USE':
    case 'USER_NAME_TAKEN':
    case 'ORG_NAME_TAKEN':
    case 'GROUP_NAME_TAKEN':
    case 'ORGANIZATION_REQUIRED':
    case 'USER_ARCHIVED':
    case 'USER_ALREADY_ACTIVE':
    case 'USER_HAS_NO_EMAIL':
    case 'FIELD_MANAGED_BY_DIRECTORY':
    case 'CANNOT_CHANGE_OWN_ACCESS':
    case 'ENTRA_TENANT_TAKEN':
    case 'SSO_NOT_VERIFIED':
      return 409;
    case 'DATABASE_UNAVAILABLE':
    case 'IDENTITY_PROVIDER_UNAVAILABLE':
      return 503;
    default: {
      const unhandled: never = code;
      throw new Error(`Unmapped error code ${String(unhandled)}`);
    }
  }
}
