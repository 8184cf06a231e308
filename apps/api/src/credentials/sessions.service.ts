import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { dateParam, dbErrorLogFields, normalizedKey, Transactions } from '@app/database';
import { DomainError } from '../common/domain.errors';
import { maySignInSql } from '../users/access-rule.sql';
import { effectiveAdminSql } from '../users/admin-rights.sql';
import { UsersLifecycle, PersonAccessHook } from '../users/users-lifecycle.service';
import { LoginLimiter } from './login-limiter.service';
import { PasswordHasher } from './password-hasher.service';
import { PasswordSignInPolicy } from './password-sign-in-policy.service';
import { hashToken, issueToken, looksLike } from '../auth/secret-token.util';
import { Session } from './session.entity';
import { UsageThrottle } from '../auth/usage-throttle.util';

export interface LoginInput {
  email: string;
  password: string;
  /** Needed only when the email signs in to several organisations with this password. */
  organizationId?: string;
}

export interface SignedIn {
  session: Session;
  /** The bearer token, returned once; only its hash is stored. */
  secret: string;
}

export interface SessionPrincipal {
  sessionId: string;
  userId: string;
  organizationId: string;
  isAdmin: boolean;
}

/** At most this many accounts are tried for one email (one per organisation it belongs to). */
const MAX_ACCOUNTS_PER_EMAIL = 20;

const invalid = (): DomainError => new DomainError('INVALID_CREDENTIALS', 'Email or password is incorrect');

/**
 * Sign-in with email and password for active people, giving an expiring bearer session. Failed
 * attempts are limited per account and address pair, per address, and per account from all
 * addresses (LoginLimiter); a wrong email and a wrong password answer alike, in about the same time.
 */
@Injectable()
export class SessionsService implements PersonAccessHook {
  readonly accessName = 'sessions';
  private readonly logger = new Logger(SessionsService.name);
  private readonly usage = new UsageThrottle();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: Transactions,
    private readonly limiter: LoginLimiter,
    private readonly passwords: PasswordHasher,
    private readonly passwordPolicy: PasswordSignInPolicy,
    lifecycle: UsersLifecycle,
  ) {
    lifecycle.register(this);
  }

  async login(input: LoginInput, ip: string): Promise<SignedIn> {
    const emailKey = normalizedKey(input.email);
    const attempt = await this.limiter.begin(emailKey, ip);
    let matches: Array<{ id: string; organization_id: string }>;
    try {
      matches = await this.matchingAccounts(emailKey, input);
    } catch (err) {
      // The check did not run (e.g. the database went away): a 503, never a wrong password.
      await this.limiter.abandon(attempt);
      throw err;
    }
    if (matches.length === 0) {
      await this.limiter.failed();
      throw invalid();
    }
    await this.limiter.succeeded(attempt);
    if (matches.length > 1) {
      const organizations: Array<{ id: string; name: string }> = await this.dataSource.query(
        `SELECT id, name FROM organizations WHERE id IN (${matches.map(() => '?').join(', ')}) ORDER BY name`,
        matches.map((a) => a.organization_id),
      );
      throw new DomainError('ORGANIZATION_REQUIRED', 'This account belongs to several organisations: sign in again with organizationId', {
        details: { organizations },
      });
    }
    const [account] = matches;
    return this.open(account.organization_id, account.id);
  }

  /** The accounts of this email whose password this is (one per organisation, at most). */
  private async matchingAccounts(emailKey: string, input: LoginInput): Promise<Array<{ id: string; organization_id: string }>> {
    const accounts: Array<{ id: string; organization_id: string; password_hash: string }> = await this.dataSource.query(
      `SELECT u.id, u.organization_id, c.password_hash FROM users u JOIN user_credentials c ON c.user_id = u.id
        WHERE u.email_key = ? AND ${maySignInSql('u')}
          AND ${this.passwordPolicy.allowedSql('u.organization_id')}
          ${input.organizationId ? 'AND u.organization_id = ?' : ''}
        ORDER BY u.created_at LIMIT ${MAX_ACCOUNTS_PER_EMAIL}`,
      input.organizationId ? [emailKey, input.organizationId] : [emailKey],
    );
    const matches = [];
    for (const account of accounts) if (await this.passwords.verify(account.password_hash, input.password)) matches.push(account);
    if (accounts.length === 0) await this.passwords.verifyNone(input.password);
    return matches;
  }

  /** A new session for a person who proved who they are (a password above, or single sign-on). */
  async open(organizationId: string, userId: string): Promise<SignedIn> {
    const issued = issueToken('ses');
    const now = new Date();
    const session: Session = {
      id: randomUUID(),
      organizationId,
      userId,
      tokenHash: issued.hash,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessions.ttlHours * 3_600_000),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.tx.run((m) => m.insert(Session, session));
    return { session, secret: issued.token };
  }

  /** Resolves a bearer secret to a signed-in person, or null (unknown, expired, revoked, archived). */
  async authenticate(secret: string): Promise<SessionPrincipal | null> {
    if (!looksLike('ses', secret)) return null;
    const now = new Date();
    const [row]: Array<{ sessionId: string; userId: string; organizationId: string; isAdmin: number | boolean }> = await this.dataSource.query(
      `SELECT s.id AS sessionId, s.user_id AS userId, s.organization_id AS organizationId, ${effectiveAdminSql('u')} AS isAdmin
         FROM sessions s JOIN users u ON u.id = s.user_id AND u.organization_id = s.organization_id
        WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND ${maySignInSql('u')}`,
      [hashToken(secret), dateParam(this.dataSource, now)],
    );
    if (!row) return null;
    if (this.usage.shouldRecord(row.sessionId)) {
      this.tx
        .run((m) => m.update(Session, { id: row.sessionId }, { lastUsedAt: now }))
        .catch((err: unknown) => this.logger.warn(dbErrorLogFields(err), 'Could not record session use'));
    }
    return { sessionId: row.sessionId, userId: row.userId, organizationId: row.organizationId, isAdmin: Boolean(Number(row.isAdmin)) };
  }

  /** Archive or restore (UsersLifecycle): every open session of these people ends, in the caller's transaction. */
  async endAccess(m: EntityManager, organizationId: string, userIds: string[]): Promise<void> {
    await m.update(Session, { organizationId, userId: In(userIds), revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Ends a session (sign-out); its token answers 401 from then on. */
  async revoke(sessionId: string): Promise<void> {
    await this.tx.run((m) => m.update(Session, { id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date() }));
  }
}
