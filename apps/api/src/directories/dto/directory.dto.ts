import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Trim } from '../../common/trim.decorator';
import { DIRECTORY_STATUSES, DirectoryStatus } from '../directory.entity';
import type { DirectoryState } from '../directory-states.service';

export class CreateDirectoryDto {
  /** A name admins recognise, e.g. "Contoso Entra ID". @example "Contoso Entra ID" */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;
}

/** The mass-deprovisioning guard's settings; fields left out keep their value. */
export class DeprovisionGuardDto {
  /** Off: every deactivation and deletion archives at once, as before the guard. @example true */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  /** Trips when the window's deprovisions are MORE than this share of the directory's people (exactly this share does not). @example 20 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  percent?: number;

  /** …and at least this many. @example 10 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  minimum?: number;

  /** How long a window lasts, from its first deprovision. @example 60 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_080)
  windowMinutes?: number;

  /** How long a deprovisioned person stays suspended before the archive is committed (0: at once, no grace). @example 10 */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_440)
  graceMinutes?: number;
}

export class UpdateDirectoryDto {
  /** New name. @example "Contoso Entra ID (production)" */
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  /** `paused` makes every token of the directory answer 401 until it is `active` again. @example "paused" */
  @IsOptional()
  @IsIn(DIRECTORY_STATUSES)
  status?: DirectoryStatus;

  /**
   * Opt-in: also accept on SCIM a token Entra ID issues for this tenant (Entra's provisioning
   * page with the Secret Token left blank). Any app of the tenant can obtain such a token. `null`
   * turns it off. One directory per tenant (409 `ENTRA_TENANT_TAKEN`).
   * @example "72f988bf-86f1-41af-91ab-2d7cd011db47"
   */
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'entraTenantId must be a GUID (the Entra tenant id) or null' })
  entraTenantId?: string | null;

  /** The mass-deprovisioning guard (README "Mass-deprovisioning guard"). */
  @IsOptional()
  @ValidateNested()
  @Type(() => DeprovisionGuardDto)
  deprovisionGuard?: DeprovisionGuardDto;
}

export class CreateDirectoryTokenDto {
  /** A label for the token, e.g. "Entra production job". @example "Entra production job" */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  /** Free text: where the token is used, who owns it. @example "Enterprise app People Directory, owned by the IT identity team" */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** Optional expiry (ISO 8601). Entra quarantines a job whose token expires, so most tokens have none. @example "2027-11-22T00:00:00.000Z" */
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;
}

export class DeprovisionGuardResponse {
  /** @example true */
  enabled!: boolean;
  /** @example 20 */
  percent!: number;
  /** @example 10 */
  minimum!: number;
  /** @example 60 */
  windowMinutes!: number;
  /** @example 10 */
  graceMinutes!: number;
  /** `armed`, or `tripped` (deprovisions are held until an admin approves or rejects them). @example "armed" */
  state!: 'armed' | 'tripped';
  /** When the guard tripped; null while armed. @example "2026-11-23T17:05:00.000Z" */
  trippedAt!: string | null;
}

/** A SCIM connection from one identity provider tenant (usually Entra ID) into the organisation. */
export class DirectoryResponse {
  /** @example "6d089ccc-c3b0-4b37-8849-f0ddcb198797" */
  id!: string;
  /** @example "Contoso Entra ID" */
  name!: string;
  /** `paused` directories are refused (401) until resumed. @example "active" */
  status!: DirectoryStatus;
  /** The Tenant URL to paste into Entra's provisioning page. @example "https://people.contoso.com/scim/v2" */
  scimBaseUrl!: string;
  /** The token endpoint for the directory's OAuth clients (client credentials grant). @example "https://people.contoso.com/oauth/token" */
  tokenUrl!: string;
  /** The Entra tenant whose tokens SCIM also accepts, or null (off). @example "72f988bf-86f1-41af-91ab-2d7cd011db47" */
  entraTenantId!: string | null;
  /** @example "2026-09-14T08:12:45.000Z" */
  createdAt!: string;
  /** @example "2026-11-22T09:30:00.000Z" */
  updatedAt!: string;
  /** When the directory last called the SCIM API (minute resolution); null if never. @example "2026-11-22T09:30:00.000Z" */
  lastActivityAt!: string | null;
  /** Health state (rules in GET /api/v1/directories/:id/health); on the list and on GET of one directory. @example "healthy" */
  state?: DirectoryState;
  deprovisionGuard!: DeprovisionGuardResponse;
}

export class CreatedDirectoryResponse extends DirectoryResponse {
  /** The Secret Token for Entra. Shown only in this response; it cannot be read again. @example "scim_Wf9hALYABP_RyOLd_SGoeaaDpqQCysrp7ddl2N7KkuE" */
  token!: string;
  /** Id of that first token, to revoke it later. @example "d1bf374f-e3e9-4ad2-8fc3-68f69bac38c1" */
  tokenId!: string;
}

export class DirectoryPage {
  items!: DirectoryResponse[];
  /** Directories in all pages (numbered paging only). @example 2 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}

/** A SCIM bearer token of a directory, without its secret. */
export class DirectoryTokenResponse {
  /** @example "d1bf374f-e3e9-4ad2-8fc3-68f69bac38c1" */
  id!: string;
  /** @example "Entra production job" */
  name!: string;
  /** @example "Enterprise app People Directory, owned by the IT identity team" */
  description!: string | null;
  /** The first characters of the secret, to tell tokens apart. @example "scim_Wf9hAL" */
  prefix!: string;
  /** `active`, `revoked` or `expired`. @example "active" */
  status!: 'active' | 'revoked' | 'expired';
  /** @example "2026-09-14T08:12:45.000Z" */
  createdAt!: string;
  /** When the token was last used (minute resolution); null if never. @example "2026-11-22T09:30:00.000Z" */
  lastUsedAt!: string | null;
  /** Null for a token without expiry (the usual case). @example "2027-11-22T00:00:00.000Z" */
  expiresAt!: string | null;
  /** Null unless the token was revoked. @example "2026-11-23T17:05:00.000Z" */
  revokedAt!: string | null;
}

export class CreatedDirectoryTokenResponse extends DirectoryTokenResponse {
  /** The secret. Shown only in this response. @example "scim_Wf9hALYABP_RyOLd_SGoeaaDpqQCysrp7ddl2N7KkuE" */
  token!: string;
}

export class DirectoryTokenPage {
  items!: DirectoryTokenResponse[];
  /** Tokens in all pages, revoked ones included (numbered paging only). @example 3 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}
