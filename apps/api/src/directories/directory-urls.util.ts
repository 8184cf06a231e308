/** Where SCIM is served, below the public URL (the SCIM controllers' route prefix). */
export const SCIM_PATH = 'scim/v2';

/**
 * The SCIM Tenant URL, `${publicUrl}/scim/v2`: what an admin pastes into Entra's provisioning
 * page (a directory's `scimBaseUrl`), and the base of every SCIM `location` and `$ref`.
 */
export const scimTenantUrl = (publicUrl: string): string => `${publicUrl}/${SCIM_PATH}`;

/** The token endpoint of a directory's OAuth clients (client credentials grant). */
export const oauthTokenUrl = (publicUrl: string): string => `${publicUrl}/oauth/token`;
