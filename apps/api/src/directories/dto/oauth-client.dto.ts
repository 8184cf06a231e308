import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Trim } from '../../common/trim.decorator';

export class CreateOAuthClientDto {
  /** A label for the client, e.g. "Entra provisioning (gallery app)". @example "Entra provisioning" */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;
}

/** An OAuth 2.0 client of a directory (client credentials grant), without its secret. */
export class OAuthClientResponse {
  /** The `client_id`: a public identifier. @example "0b6f3f5e-1c1a-4a3e-9f59-5d1f2f0f7c11" */
  clientId!: string;
  /** @example "Entra provisioning" */
  name!: string;
  /** The first characters of the secret, to tell clients apart. @example "ocs_q9Zt1L" */
  secretPrefix!: string;
  /** `active` or `revoked`. @example "active" */
  status!: 'active' | 'revoked';
  /** @example "2026-12-03T08:12:45.000Z" */
  createdAt!: string;
  /** When the client last obtained an access token; null if never. @example "2026-12-03T09:30:00.000Z" */
  lastUsedAt!: string | null;
  /** Null unless the client was revoked. @example "2026-12-04T17:05:00.000Z" */
  revokedAt!: string | null;
}

export class CreatedOAuthClientResponse extends OAuthClientResponse {
  /** The `client_secret`. Shown only in this response; it cannot be read again. @example "ocs_q9Zt1LrXWk3h0c2N8bQ4vYp6sJ1mA7eD5fG0hK2lM3n" */
  clientSecret!: string;
  /** Where the client obtains access tokens (`grant_type=client_credentials`). @example "https://people.contoso.com/oauth/token" */
  tokenUrl!: string;
}

export class OAuthClientPage {
  items!: OAuthClientResponse[];
  /** Clients in all pages, revoked ones included (numbered paging only). @example 1 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}
