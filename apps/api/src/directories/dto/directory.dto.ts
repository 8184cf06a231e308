import { IsDateString, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { Trim } from '../../common/trim';
import { DIRECTORY_STATUSES, DirectoryStatus } from '../directory.entity';

export class CreateDirectoryDto {
  /** A name admins recognise, e.g. "Contoso Entra ID". */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;
}

export class UpdateDirectoryDto {
  /** New name. */
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  /** `paused` makes every token of the directory answer 401 until it is `active` again. */
  @IsOptional()
  @IsIn(DIRECTORY_STATUSES)
  status?: DirectoryStatus;
}

export class CreateDirectoryTokenDto {
  /** A label for the token, e.g. "Entra production job". */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  /** Free text: where the token is used, who owns it. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** Optional expiry (ISO 8601). Entra quarantines a job whose token expires, so most tokens have none. */
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;
}

export class DirectoryResponse {
  id!: string;
  name!: string;
  status!: DirectoryStatus;
  /** The Tenant URL to paste into Entra's provisioning page. */
  scimBaseUrl!: string;
  createdAt!: string;
  updatedAt!: string;
  /** When the directory last called the SCIM API (minute resolution). */
  lastActivityAt!: string | null;
}

export class CreatedDirectoryResponse extends DirectoryResponse {
  /** The Secret Token for Entra. Shown only in this response; it cannot be read again. */
  token!: string;
  /** Id of that first token, to revoke it later. */
  tokenId!: string;
}

export class DirectoryPage {
  items!: DirectoryResponse[];
  total!: number;
  page!: number;
  limit!: number;
}

export class DirectoryTokenResponse {
  id!: string;
  name!: string;
  description!: string | null;
  /** The first characters of the secret, to tell tokens apart. */
  prefix!: string;
  /** `active`, `revoked` or `expired`. */
  status!: 'active' | 'revoked' | 'expired';
  createdAt!: string;
  /** When the token was last used (minute resolution). */
  lastUsedAt!: string | null;
  expiresAt!: string | null;
  revokedAt!: string | null;
}

export class CreatedDirectoryTokenResponse extends DirectoryTokenResponse {
  /** The secret. Shown only in this response. */
  token!: string;
}

export class DirectoryTokenPage {
  items!: DirectoryTokenResponse[];
  total!: number;
  page!: number;
  limit!: number;
}
