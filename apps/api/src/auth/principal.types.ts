/** How a caller proved who they are. */
export type CredentialKind = 'api-token' | 'session';

/** Who is calling the admin REST API: an admin, with an API token or a sign-in session. */
export interface AdminPrincipal {
  kind: 'admin';
  userId: string;
  organizationId: string;
  /** The API token's or the session's id. */
  tokenId: string;
  via: CredentialKind;
}

/** Anyone signed in (routes such as /me that every person may call). */
export interface PersonPrincipal {
  kind: 'person';
  userId: string;
  organizationId: string;
  tokenId: string;
  via: CredentialKind;
  isAdmin: boolean;
}

/**
 * Which credential a directory called with: a `scim_` secret token, an access token issued to one
 * of its OAuth clients, or a token Entra ID issued for its tenant.
 */
export type DirectoryCredential = 'scim-token' | 'oauth-client' | 'entra-token';

/** Which directory is calling the SCIM API; its organisation bounds what it can touch. */
export interface DirectoryPrincipal {
  kind: 'directory';
  directoryId: string;
  organizationId: string;
  /**
   * Names the credential, at most 36 characters: the directory token's id (`scim-token`), the
   * OAuth client's id (`oauth-client`), or the `appid` of the Entra app that obtained the token
   * (`entra-token`).
   */
  tokenId: string;
  credential: DirectoryCredential;
}
