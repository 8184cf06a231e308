/** Who is calling the admin REST API. */
export interface AdminPrincipal {
  kind: 'admin';
  userId: string;
  organizationId: string;
  tokenId: string;
}

/** Which directory is calling the SCIM API; its organisation bounds what it can touch. */
export interface DirectoryPrincipal {
  kind: 'directory';
  directoryId: string;
  organizationId: string;
  tokenId: string;
}
