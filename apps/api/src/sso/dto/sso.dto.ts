import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class PutSsoConfigRequest {
  /**
   * The OpenID issuer; its `.well-known/openid-configuration` is read. For Entra use
   * `https://login.microsoftonline.com/{tenantid}/v2.0` (with allowedTenantIds) or a tenant's own issuer.
   * @example "https://login.microsoftonline.com/{tenantid}/v2.0"
   */
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  issuer!: string;

  /** The application (client) id. @example "0f8fad5b-d9cb-469f-a165-70867728950e" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  clientId!: string;

  /** Write-only: stored encrypted, never shown. Required the first time; omit to keep the stored one. @example "Abc8Q~…" */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  clientSecret?: string;

  /** Entra tenant ids whose people may sign in; when set, an ID token without `tid` or with another one is refused. @example ["72f988bf-86f1-41af-91ab-2d7cd011db47"] */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  allowedTenantIds?: string[];

  /** @example true */
  @IsBoolean()
  enabled!: boolean;

  /** `disabled` only once an SSO sign-in has worked with this issuer and client. @example "allowed" */
  @IsOptional()
  @IsIn(['allowed', 'disabled'])
  passwordSignIn?: 'allowed' | 'disabled';

  /** Shown on the button: "Sign in with Microsoft". @example "Microsoft" */
  @IsOptional()
  @IsString()
  @Matches(/\S/)
  @MaxLength(100)
  providerName?: string;
}

export class SsoConfigResponse {
  /** @example "https://login.microsoftonline.com/{tenantid}/v2.0" */
  issuer!: string;
  /** @example "0f8fad5b-d9cb-469f-a165-70867728950e" */
  clientId!: string;
  /** Whether a client secret is stored (it is never shown). @example true */
  clientSecretSet!: boolean;
  /** @example ["72f988bf-86f1-41af-91ab-2d7cd011db47"] */
  allowedTenantIds!: string[];
  /** @example true */
  enabled!: boolean;
  /** @example "allowed" */
  passwordSignIn!: 'allowed' | 'disabled';
  /** @example "Microsoft" */
  providerName!: string;
  /** Register this redirect URI (type Web) in the provider. @example "https://people.example.com/api/v1/auth/sso/callback" */
  redirectUri!: string;
  /** First successful SSO sign-in since the issuer or client changed; null until then. @example "2026-12-03T10:05:00.000Z" */
  verifiedAt!: string | null;
  /** @example "2026-12-03T10:00:00.000Z" */
  updatedAt!: string;
}

export class SsoExchangeRequest {
  /** The `code` parameter of the return URL (`ssoc_…`), usable once within 60 seconds. @example "ssoc_3q2…" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  code!: string;
}

export class SsoLinkResponse {
  /** The `iss` of the first ID token. @example "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0" */
  issuer!: string;
  /** Entra tenant (`tid`), or null for other providers. @example "72f988bf-86f1-41af-91ab-2d7cd011db47" */
  tenantId!: string | null;
  /** Entra object id (`oid`), else the provider's `sub`. @example "00aa00aa-bb11-cc22-dd33-44ee44ee44ee" */
  subject!: string;
  /** @example "2026-12-03T10:00:00.000Z" */
  linkedAt!: string;
  /** @example "2026-12-03T10:00:00.000Z" */
  lastSignInAt!: string | null;
}
