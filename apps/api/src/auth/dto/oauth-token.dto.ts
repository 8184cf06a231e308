/** RFC 6749 §5.1 successful token answer. */
export class AccessTokenResponse {
  /** The SCIM bearer token of the client's directory. @example "oat_3bqkR2Jx0c9nVb1mA4eZtL7sW8yH5gF6dK0pQ2rU1iO" */
  access_token!: string;
  /** @example "Bearer" */
  token_type!: 'Bearer';
  /** Seconds until the token expires (OAUTH_ACCESS_TOKEN_MINUTES × 60). @example 3600 */
  expires_in!: number;
}
