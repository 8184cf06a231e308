import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DirectoryPrincipal } from '../auth/principal.types';
import { DomainError } from '../common/domain.errors';

/** The audience of the tokens Entra's provisioning service obtains for a non-gallery app. */
export const ENTRA_PROVISIONING_AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Entra's clocks and ours may disagree a little. */
const CLOCK_TOLERANCE_SECONDS = 60;
const MAX_KEY_SETS = 1000;

const errorCodeOf = (err: unknown): string => {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'unknown';
};

/** What a JWT refusal looks like when the token itself is wrong (a 401), as opposed to the key server failing (a 503). */
const TOKEN_FAULTS = [
  errors.JWTClaimValidationFailed,
  // Not a subclass of JWTClaimValidationFailed (it only implements it).
  errors.JWTExpired,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWSInvalid,
  errors.JWTInvalid,
  errors.JWKInvalid,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JWSSignatureVerificationFailed,
];

/**
 * Opt-in per directory (`entraTenantId`): a JWT that Entra ID issued for that tenant to the
 * provisioning service (issuer `https://sts.windows.net/{tid}/`, audience
 * ENTRA_PROVISIONING_AUDIENCE, RS256), verified against the tenant's published keys.
 *
 * Microsoft's caveat: ANY app registered in that tenant can obtain a token for this audience, so
 * the tenant, not one app, is trusted. The tenant's keys are cached per process (they are public;
 * jose refetches on an unknown key id, at most every 30 s); which directory accepts the tenant,
 * and whether it is active, is read from the database on every request.
 */
@Injectable()
export class EntraTokensService {
  private readonly logger = new Logger(EntraTokensService.name);
  private readonly keySets = new Map<string, JWTVerifyGetKey>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `null` for anything but a valid token of a tenant an active directory accepts. A key server
   * that cannot be reached (or answers garbage) is not the client's fault: a 503. A database
   * failure propagates as itself.
   */
  async authenticate(token: string): Promise<DirectoryPrincipal | null> {
    if (token.length > 16_384 || !JWT_SHAPE.test(token)) return null;
    let tenantId: string;
    try {
      // Unverified, only to pick the tenant whose keys and issuer the token must then match.
      const tid = decodeJwt(token).tid;
      if (typeof tid !== 'string' || !GUID.test(tid)) return null;
      tenantId = tid.toLowerCase();
    } catch {
      return null;
    }
    const rows: Array<{ directoryId: string; organizationId: string }> = await this.dataSource.query(
      `SELECT id AS directoryId, organization_id AS organizationId FROM directories
        WHERE entra_tenant_id = ? AND deleted_at IS NULL AND status = 'active'`,
      [tenantId],
    );
    const directory = rows[0];
    if (!directory) return null;
    let appId: unknown;
    try {
      const { payload } = await jwtVerify(token, this.keySetOf(tenantId), {
        issuer: `https://sts.windows.net/${tenantId}/`,
        audience: ENTRA_PROVISIONING_AUDIENCE,
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'tid'],
      });
      if (typeof payload.tid !== 'string' || payload.tid.toLowerCase() !== tenantId) return null;
      appId = payload.appid ?? payload.azp;
    } catch (err) {
      if (TOKEN_FAULTS.some((fault) => err instanceof fault)) return null;
      // Named by its code only: the token never reaches a log line.
      this.logger.warn({ cause: errorCodeOf(err) }, 'Entra signing keys unavailable: answered 503');
      throw new DomainError('IDENTITY_PROVIDER_UNAVAILABLE', "The identity provider's signing keys cannot be read now; try again later", {
        retryAfterSeconds: 30,
      });
    }
    // The app of the tenant that obtained the token names the credential (the provisioning log).
    const tokenId = typeof appId === 'string' && GUID.test(appId) ? appId.toLowerCase() : tenantId;
    return { kind: 'directory', ...directory, tokenId, credential: 'entra-token' };
  }

  private keySetOf(tenantId: string): JWTVerifyGetKey {
    let keySet = this.keySets.get(tenantId);
    if (!keySet) {
      if (this.keySets.size >= MAX_KEY_SETS) this.keySets.clear();
      keySet = createRemoteJWKSet(new URL(`${this.config.entra.authorityUrl}/${tenantId}/discovery/v2.0/keys`), {
        timeoutDuration: 5_000,
        cooldownDuration: 30_000,
        cacheMaxAge: 10 * 60_000,
      });
      this.keySets.set(tenantId, keySet);
    }
    return keySet;
  }
}
