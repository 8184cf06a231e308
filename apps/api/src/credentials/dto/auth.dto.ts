import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Trim } from '../../common/trim.decorator';
import { UserResponse } from '../../users/dto/user.dto';

export class LoginRequest {
  /** @example "ada.lovelace@contoso.com" */
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  /** @example "correct horse battery staple" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password!: string;

  /** Only needed when the same email and password open accounts in several organisations (409 ORGANIZATION_REQUIRED lists them). @example "8da77199-4ded-44f3-b44c-9f1222fffb1c" */
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class LoginResponse {
  /** Bearer session token (`ses_…`), shown once. Send it as `Authorization: Bearer …`. @example "ses_RshdykOZ4m4Nx-ob3pNW14NVjV9u9i5kS0epgh4oN7o" */
  token!: string;
  /** When the session ends; sign in again after it. @example "2026-11-22T21:00:00.000Z" */
  expiresAt!: string;
  user!: UserResponse;
}

export class CreateApiTokenRequest {
  /** A label to recognise the token by. @example "HRIS export job" */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  /** Days until the token expires; omit for a token that lasts until revoked. @example 90 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}

/** An admin API token, without its secret. */
export class ApiTokenResponse {
  /** @example "6a1f0c1e-4a3e-4d53-9e43-0c8a2f7d9b10" */
  id!: string;
  /** @example "HRIS export job" */
  name!: string;
  /** The first characters of the secret, to recognise it by. @example "adm_YVYRFf" */
  prefix!: string;
  /** @example "2026-09-14T08:12:45.000Z" */
  createdAt!: string;
  /** When the token last authenticated a request; null if never. @example "2026-11-22T09:30:00.000Z" */
  lastUsedAt!: string | null;
  /** Null for a token that lasts until revoked. @example "2026-12-13T08:12:45.000Z" */
  expiresAt!: string | null;
  /** Null unless the token was revoked. @example "2026-11-23T17:05:00.000Z" */
  revokedAt!: string | null;
}

export class CreatedApiTokenResponse extends ApiTokenResponse {
  /** The secret (`adm_…`), shown this once; only its hash is stored. @example "adm_YVYRFf0Ukjj8vS52enfV6yyFZvvcxNDpQgyLaR0Pnk8" */
  token!: string;
}

export class ApiTokenList {
  items!: ApiTokenResponse[];
}
