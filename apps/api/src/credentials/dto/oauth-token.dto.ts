/** RFC 6749 §5.1 successful token answer. */
export class AccessTokenResponse {
  /** The SCIM bearer token of the client's directory. @example "oat_3bqkR2Jx0c9nVb1mA4eZtL7sW8yH5gF6dK0pQ2rU1iO" */
  access_token!: string;
  /** @example "Bearer" */
  token_type!: 'Bearer';
  /** Seconds until the token expires (OAUTH_ACCESS_TOKEN_MINUTES × 60). @example 3600 */
  expires_in!: number;
}

/** RFC 6749 §5.2 error answer of the token endpoint. */
export class OAuthErrorResponse {
  /** `invalid_request`, `invalid_client`, `unsupported_grant_type`, `slow_down` (429), `temporarily_unavailable` (503) or `server_error`. @example "invalid_client" */
  error!: string;
  /** @example "Client authentication failed" */
  error_description!: string;
}
