import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DomainError } from '../common/domain.errors';

/** What the flow needs of an organisation's provider settings (client secret already opened). */
export interface ProviderSettings {
  /** For the cache: changes whenever the settings do. */
  cacheKey: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  allowedTenantIds: string[];
}

/** The claims of a validated ID token that sign-in uses. */
export interface VerifiedIdentity {
  iss: string;
  sub: string;
  /** Entra: the tenant and the object id (stable for the person across the tenant's apps). */
  tid: string | null;
  oid: string | null;
  email: string | null;
  /** `email_verified`, or Entra's optional `xms_edov` (the tenant verified the email's domain). */
  emailVerified: boolean;
}

const ENTRA_TEMPLATE = '{tenantid}';
const DISCOVERY_TTL_MS = 10 * 60_000;
export const PROVIDER_RETRY_AFTER_SECONDS = 30;

/**
 * Where discovery is read. Entra's per-tenant template (`…/{tenantid}/v2.0`) with a single allowed
 * tenant is that tenant's issuer; with several (or none) it is the `organizations` authority,
 * whose metadata names the template as issuer, and openid-client then checks each ID token's
 * `iss` against the template filled with the token's own `tid`.
 */
export function discoveryUrl(issuer: string, allowedTenantIds: string[]): URL {
  if (!issuer.includes(ENTRA_TEMPLATE)) return new URL(issuer);
  return new URL(issuer.replace(ENTRA_TEMPLATE, allowedTenantIds.length === 1 ? allowedTenantIds[0] : 'organizations'));
}

/** Only Microsoft's authority publishes a templated issuer that openid-client knows how to check. */
export function isEntraTemplate(issuer: string): boolean {
  return issuer.includes(ENTRA_TEMPLATE);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/**
 * fetch's "fetch failed" TypeError, a timeout, or a socket error, anywhere in the cause chain.
 * By name, not instanceof: openid-client wraps errors, and under Jest they come from another realm.
 */
function isNetworkFailure(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, message, code } = e as { name?: unknown; message?: unknown; code?: unknown };
    if (name === 'AbortError' || name === 'TimeoutError') return true;
    if (name === 'TypeError' && typeof message === 'string' && /fetch failed/i.test(message)) return true;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  }
  return false;
}

/** Why `issuer` cannot be saved, or null. */
export function issuerProblem(issuer: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(issuer.replace(ENTRA_TEMPLATE, 'tenant'));
  } catch {
    return 'issuer must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp)) {
    return 'issuer must be an https:// URL (http:// only with OIDC_ALLOW_HTTP=true, for local testing)';
  }
  if (isEntraTemplate(issuer) && url.origin !== 'https://login.microsoftonline.com')
    return 'The {tenantid} template is supported for https://login.microsoftonline.com only';
  if (url.search || url.hash) return 'issuer must not carry a query or fragment';
  return null;
}

const truthy = (v: unknown): boolean => v === true || v === 'true' || v === 1 || v === '1';
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * openid-client (v6) for an organisation's provider: discovery (cached for a few minutes per
 * settings version), the authorization URL (code + PKCE S256 + state + nonce) and the callback.
 * The callback verifies the ID token's signature by the provider's JWKS even though it came from
 * the token endpoint (enableNonRepudiationChecks), plus issuer, audience, expiry, nonce and state.
 * Failures become coded DomainErrors; an unreachable provider is a 503 with Retry-After.
 */
@Injectable()
export class OidcClient {
  private readonly logger = new Logger('Sso');
  private readonly cache = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  constructor(@Inject(APP_CONFIG) private readonly appConfig: AppConfig) {}

  /** Reads the discovery document now (used when an admin saves settings). */
  async check(settings: ProviderSettings): Promise<void> {
    this.cache.delete(settings.cacheKey);
    await this.configuration(settings);
  }

  async authorizationUrl(
    settings: ProviderSettings,
    p: { redirectUri: string; state: string; nonce: string; verifier: string; loginHint?: string },
  ): Promise<URL> {
    const config = await this.configuration(settings);
    const params: Record<string, string> = {
      redirect_uri: p.redirectUri,
      scope: 'openid profile email',
      response_type: 'code',
      state: p.state,
      nonce: p.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(p.verifier),
      code_challenge_method: 'S256',
    };
    if (p.loginHint) params.login_hint = p.loginHint;
    return oidc.buildAuthorizationUrl(config, params);
  }

  async callback(settings: ProviderSettings, currentUrl: URL, checks: { state: string; nonce: string; verifier: string }): Promise<VerifiedIdentity> {
    const config = await this.configuration(settings);
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (err) {
      throw this.failure(err, 'callback');
    }
    if (!claims) throw new DomainError('SSO_ID_TOKEN_INVALID', 'The identity provider sent no ID token');
    return {
      iss: claims.iss,
      sub: claims.sub,
      tid: text(claims.tid),
      oid: text(claims.oid),
      email: text(claims.email),
      emailVerified: truthy(claims.email_verified) || truthy(claims.xms_edov),
    };
  }

  private configuration(settings: ProviderSettings): Promise<oidc.Configuration> {
    const hit = this.cache.get(settings.cacheKey);
    if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
    const config = this.discover(settings);
    this.cache.set(settings.cacheKey, { at: Date.now(), config });
    // A failed discovery is not cached: the next attempt reads again.
    config.catch(() => this.cache.delete(settings.cacheKey));
    return config;
  }

  private async discover(settings: ProviderSettings): Promise<oidc.Configuration> {
    const url = discoveryUrl(settings.issuer, settings.allowedTenantIds);
    const insecure = url.protocol === 'http:';
    if (insecure && !this.appConfig.sso.allowHttp) throw new DomainError('SSO_ISSUER_INVALID', 'The issuer must be an https:// URL');
    try {
      const config = await oidc.discovery(
        url,
        settings.clientId,
        { client_secret: settings.clientSecret ?? undefined },
        settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
        { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: 10 },
      );
      oidc.enableNonRepudiationChecks(config);
      return config;
    } catch (err) {
      throw this.failure(err, 'discovery');
    }
  }

  /** The one mapping from openid-client's errors to ours; the log line names the library's code, never a value. */
  private failure(err: unknown, step: 'discovery' | 'callback'): DomainError {
    if (err instanceof DomainError) return err;
    const code = (err as { code?: unknown }).code;
    const status = (err as { status?: unknown }).status ?? (err as { cause?: { status?: unknown } }).cause?.status;
    const unavailable = (): DomainError =>
      new DomainError('IDENTITY_PROVIDER_UNAVAILABLE', 'The identity provider cannot be reached now; try again shortly', {
        retryAfterSeconds: PROVIDER_RETRY_AFTER_SECONDS,
      });
    this.logger.warn(
      { step, error: err instanceof Error ? err.name : typeof err, code: typeof code === 'string' ? code : undefined, status },
      'Single sign-on step failed',
    );
    if (isNetworkFailure(err) || code === 'OAUTH_TIMEOUT') return unavailable();
    if (typeof status === 'number' && status >= 500) return unavailable();
    if (step === 'discovery') return new DomainError('SSO_ISSUER_INVALID', "The issuer's .well-known/openid-configuration could not be used");
    if (err instanceof oidc.AuthorizationResponseError)
      return new DomainError('SSO_PROVIDER_ERROR', 'The identity provider refused the sign-in', { details: { error: err.error } });
    if (err instanceof oidc.ResponseBodyError)
      return new DomainError('SSO_PROVIDER_ERROR', 'The identity provider refused the sign-in', { details: { error: err.error } });
    if (code === 'OAUTH_INVALID_RESPONSE' && err instanceof Error && /"state"/.test(`${err.message} ${(err.cause as Error | undefined)?.message ?? ''}`)) {
      return new DomainError('SSO_STATE_INVALID', 'This sign-in attempt is not the one this browser started; start again');
    }
    return new DomainError('SSO_ID_TOKEN_INVALID', 'The ID token could not be verified');
  }
}
