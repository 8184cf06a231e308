import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { dateParam, dbErrorLogFields, isUniqueViolation, normalizedKey, Transactions, writeLock } from '@app/database';
import { hashToken, issueToken, looksLike } from '../auth/secret-token.util';
import { SessionsService, SignedIn } from '../credentials/sessions.service';
import { DomainError } from '../common/domain.errors';
import { InvitationAcceptanceService } from '../credentials/invitation-acceptance.service';
import { mayHoldAccess, maySignInSql } from '../users/access-rule.sql';
import { User } from '../users/user.entity';
import { OidcClient, VerifiedIdentity } from './oidc-client.service';
import { SecretBox } from './secret-box.service';
import { SsoCode } from './sso-code.entity';
import { SsoConfigService, tenantIdsOf } from './sso-config.service';
import { SsoLink } from './sso-link.entity';

/** How long a started sign-in may take at the provider (the flow cookie's life). */
export const FLOW_TTL_SECONDS = 600;
/** How long the one-time code of the return URL can be exchanged. */
export const CODE_TTL_MS = 60_000;

/** What the flow cookie carries, sealed (AES-256-GCM): the browser cannot read or change it. */
interface FlowState {
  o: string;
  s: string;
  n: string;
  v: string;
  e: number;
}

export interface StartedFlow {
  location: string;
  /** The sealed flow state for the HttpOnly cookie. */
  cookie: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const stateInvalid = (): DomainError =>
  new DomainError('SSO_STATE_INVALID', 'This sign-in attempt is not the one this browser started, or it is too old; start again');
const noAccount = (): DomainError => new DomainError('SSO_NO_ACCOUNT', 'No account of this organisation belongs to this identity; ask an admin');

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The single sign-on flow (issue #12 §2, §3). `start` redirects to the provider with code +
 * PKCE + state + nonce, the three secrets sealed into a short-lived cookie that binds the attempt
 * to this browser. `callback` checks the state against the cookie, lets openid-client verify the
 * ID token, checks the tenant, finds or links the person, and hands out a one-time code (hash
 * stored, 60 s, single use by a conditional UPDATE) that `exchange` turns into a session.
 */
@Injectable()
export class SsoSignInService {
  private readonly logger = new Logger('Sso');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: Transactions,
    private readonly box: SecretBox,
    private readonly oidc: OidcClient,
    private readonly configs: SsoConfigService,
    private readonly sessions: SessionsService,
    private readonly invitations: InvitationAcceptanceService,
  ) {}

  /** The organisation to sign in to: given, or the one whose person has this email and SSO enabled. */
  async organizationFor(query: { email?: string; organizationId?: string }): Promise<string> {
    if (query.organizationId) return query.organizationId;
    if (!query.email) throw new DomainError('VALIDATION_FAILED', 'Send email or organizationId');
    const rows: Array<{ organization_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT u.organization_id FROM users u JOIN sso_configs c ON c.organization_id = u.organization_id AND c.enabled = ?
        WHERE u.email_key = ? AND u.archived_at IS NULL LIMIT 2`,
      [true, normalizedKey(query.email)],
    );
    if (rows.length === 0) throw new DomainError('SSO_NOT_CONFIGURED', 'Single sign-on is not set up for this email address');
    if (rows.length > 1) throw new DomainError('ORGANIZATION_REQUIRED', 'This email belongs to several organisations: start again with organizationId');
    return rows[0].organization_id;
  }

  async start(organizationId: string, loginHint?: string): Promise<StartedFlow> {
    const { settings } = await this.configs.enabledSettings(organizationId);
    const flow: FlowState = {
      o: organizationId,
      s: oidc.randomState(),
      n: oidc.randomNonce(),
      v: oidc.randomPKCECodeVerifier(),
      e: Math.floor(Date.now() / 1000) + FLOW_TTL_SECONDS,
    };
    const url = await this.oidc.authorizationUrl(settings, {
      redirectUri: this.configs.redirectUri,
      state: flow.s,
      nonce: flow.n,
      verifier: flow.v,
      loginHint,
    });
    return { location: url.href, cookie: this.box.seal('sso-flow', 'cookie', JSON.stringify(flow)) };
  }

  /** Validates the provider's answer and returns the URL to send the browser to, carrying a one-time code. */
  async callback(query: Record<string, string | undefined>, cookie: string | undefined): Promise<string> {
    const flow = this.flowOf(cookie);
    if (!flow || typeof query.state !== 'string' || !sameText(query.state, flow.s)) throw stateInvalid();
    const { config, settings } = await this.configs.enabledSettings(flow.o);
    const current = new URL(this.configs.redirectUri);
    for (const [k, v] of Object.entries(query)) if (typeof v === 'string') current.searchParams.set(k, v);
    const identity = await this.oidc.callback(settings, current, { state: flow.s, nonce: flow.n, verifier: flow.v });
    const tenants = tenantIdsOf(config);
    if (tenants.length > 0 && (!identity.tid || !tenants.includes(identity.tid.toLowerCase()))) {
      throw new DomainError('SSO_TENANT_NOT_ALLOWED', "Your account's tenant is not one this organisation allows");
    }
    const code = await this.signIn(flow.o, identity);
    // Spent and expired codes are swept by later sign-ins (best effort, outside the sign-in's transaction).
    this.dataSource
      .query('DELETE FROM sso_codes WHERE expires_at < ?', [dateParam(this.dataSource, new Date(Date.now() - CODE_TTL_MS))])
      .catch((err: unknown) => this.logger.warn(dbErrorLogFields(err), 'Could not sweep expired SSO codes'));
    const back = new URL(this.config.sso.returnUrl);
    back.searchParams.set('code', code);
    return back.href;
  }

  /** The one-time code, used: a session like a password sign-in's. A second use, or after 60 s, is SSO_CODE_INVALID. */
  async exchange(code: string): Promise<SignedIn> {
    const invalid = new DomainError('SSO_CODE_INVALID', 'This sign-in code is not valid (already used, expired or mistyped); sign in again');
    if (!looksLike('ssoc', code)) throw invalid;
    const hash = hashToken(code);
    const row = await this.tx.run(async (m) => {
      const now = dateParam(m.dataSource, new Date());
      const used = await m
        .createQueryBuilder()
        .update(SsoCode)
        .set({ usedAt: new Date() })
        .where('code_hash = :hash AND used_at IS NULL AND expires_at > :now', { hash, now })
        .execute();
      if (used.affected !== 1) return null;
      return m.findOneBy(SsoCode, { codeHash: hash });
    });
    if (!row) throw invalid;
    const [person]: Array<{ id: string }> = await this.dataSource.query(
      `SELECT u.id FROM users u WHERE u.id = ? AND u.organization_id = ? AND ${maySignInSql('u')}`,
      [row.userId, row.organizationId],
    );
    if (!person) throw invalid;
    return this.sessions.open(row.organizationId, row.userId);
  }

  async linkOf(organizationId: string, userId: string): Promise<SsoLink> {
    const link = await this.dataSource.getRepository(SsoLink).findOneBy({ organizationId, userId });
    if (!link) throw new DomainError('NOT_FOUND', 'This person has no single sign-on link');
    return link;
  }

  /** Unpins a person's identity (e.g. their account was recreated in the tenant); the next SSO sign-in links again. */
  async unlink(organizationId: string, userId: string): Promise<void> {
    await this.linkOf(organizationId, userId);
    await this.tx.run((m) => m.delete(SsoLink, { organizationId, userId }));
  }

  private flowOf(cookie: string | undefined): FlowState | null {
    const opened = cookie ? this.box.open('sso-flow', 'cookie', cookie) : null;
    if (!opened) return null;
    const flow = JSON.parse(opened) as FlowState;
    return flow.e > Date.now() / 1000 ? flow : null;
  }

  /** Finds (or links, §3) the person and issues the one-time code, in one transaction. A lost race on a unique key is retried once. */
  private async signIn(organizationId: string, identity: VerifiedIdentity): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tx.run((m) => this.signInWithin(m, organizationId, identity));
      } catch (err) {
        if (attempt >= 2 || !isUniqueViolation(err)) throw err;
      }
    }
  }

  private async signInWithin(m: EntityManager, organizationId: string, identity: VerifiedIdentity): Promise<string> {
    // Entra keys a person on tenant + object id; any other provider on issuer + subject.
    const entra = identity.tid !== null && identity.oid !== null;
    const subject = entra ? identity.oid! : identity.sub;
    const identityHash = createHash('sha256')
      .update(`${entra ? `tid:${identity.tid!.toLowerCase()}` : `iss:${identity.iss}`}\n${subject}`)
      .digest('hex');
    const now = new Date();
    const link = await m.findOneBy(SsoLink, { organizationId, identityHash });
    const userId = link ? link.userId : await this.firstSignInCandidate(m, organizationId, identity, entra);
    const user = await m.findOne(User, { where: { organizationId, id: userId }, ...writeLock(m.dataSource) });
    if (!user) throw noAccount();
    // Suspended: a deprovisioning pending or held by the mass-deprovisioning guard; no access meanwhile.
    if (!mayHoldAccess(user)) throw new DomainError('SSO_ACCOUNT_DISABLED', `This account is ${user.archivedAt ? 'archived' : 'suspended'}; ask an admin`);
    if (user.status === 'uninvited') throw new DomainError('SSO_NOT_INVITED', 'You have not been invited yet; ask an admin to invite you');
    if (user.status === 'invited') await this.invitations.acceptBySignInWithin(m, organizationId, user.id, now);
    if (link) {
      await m.update(SsoLink, { id: link.id }, { lastSignInAt: now });
    } else {
      // One link per person: someone linked to another identity is not taken over by a matching email.
      if (await m.findOneBy(SsoLink, { organizationId, userId: user.id })) throw noAccount();
      await m.insert(SsoLink, {
        id: randomUUID(),
        organizationId,
        userId: user.id,
        identityHash,
        issuer: identity.iss,
        tenantId: identity.tid,
        subject,
        createdAt: now,
        lastSignInAt: now,
      });
    }
    await m.query('UPDATE sso_configs SET verified_at = ? WHERE organization_id = ? AND verified_at IS NULL', [dateParam(m.dataSource, now), organizationId]);
    const issued = issueToken('ssoc');
    await m.insert(SsoCode, {
      codeHash: issued.hash,
      organizationId,
      userId: user.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      usedAt: null,
    });
    return issued.token;
  }

  /**
   * The first SSO sign-in (§3): the person whose SCIM externalId is the token's object id, else
   * the one whose work email equals a verified email of the token. A person whose externalId is
   * an object id other than this one is someone else, whatever the email says.
   */
  private async firstSignInCandidate(m: EntityManager, organizationId: string, identity: VerifiedIdentity, entra: boolean): Promise<string> {
    if (entra) {
      const byExternalId: Array<{ id: string }> = await m.query('SELECT id FROM users WHERE organization_id = ? AND external_id = ? LIMIT 2', [
        organizationId,
        identity.oid,
      ]);
      if (byExternalId.length === 1) return byExternalId[0].id;
    }
    if (!identity.email || !identity.emailVerified) throw noAccount();
    const byEmail: Array<{ id: string; external_id: string | null }> = await m.query(
      'SELECT id, external_id FROM users WHERE organization_id = ? AND email_key = ? ORDER BY archived_at IS NULL DESC, created_at LIMIT 2',
      [organizationId, normalizedKey(identity.email)],
    );
    const [person] = byEmail;
    if (!person) throw noAccount();
    if (person.external_id && GUID.test(person.external_id) && (!entra || person.external_id.toLowerCase() !== identity.oid!.toLowerCase())) throw noAccount();
    return person.id;
  }
}
