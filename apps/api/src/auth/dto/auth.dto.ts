import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Trim } from '../../common/trim';
import { UserResponse } from '../../users/dto/user.dto';

export class LoginRequest {
  /** @example "ada.lovelace@example.com" */
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  /** @example "correct horse battery staple" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password!: string;

  /** Only needed when the same email and password open accounts in several organisations (409 ORGANIZATION_REQUIRED lists them). */
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class LoginResponse {
  /** Bearer session token (`ses_…`), shown once. Send it as `Authorization: Bearer …`. @example "ses_3q2+7w…" */
  token!: string;
  /** @example "2026-11-22T21:00:00.000Z" */
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

export class ApiTokenResponse {
  /** @example "6a1f0c1e-4a3e-4d53-9e43-0c8a2f7d9b10" */
  id!: string;
  /** @example "HRIS export job" */
  name!: string;
  /** The first characters of the secret, to recognise it by. @example "adm_Xy3kP0" */
  prefix!: string;
  createdAt!: string;
  lastUsedAt!: string | null;
  expiresAt!: string | null;
  revokedAt!: string | null;
}

export class CreatedApiTokenResponse extends ApiTokenResponse {
  /** The secret (`adm_…`), shown this once; only its hash is stored. */
  token!: string;
}

export class ApiTokenList {
  items!: ApiTokenResponse[];
}
