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

/** Which directory is calling the SCIM API; its organisation bounds what it can touch. */
export interface DirectoryPrincipal {
  kind: 'directory';
  directoryId: string;
  organizationId: string;
  tokenId: string;
}
