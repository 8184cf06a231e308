import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { dbErrorLogFields, Transactions } from '@app/database';
import { notFound } from '../common/domain.errors';
import { mayHoldAccessSql } from '../users/access-rule.sql';
import { effectiveAdminSql } from '../users/admin-rights.sql';
import { UsersLifecycle, PersonAccessHook } from '../users/users-lifecycle.service';
import { ApiToken } from './api-token.entity';
import { AdminPrincipal } from '../auth/principal.types';
import { hashToken, issueToken, looksLike } from '../auth/secret-token.util';
import { UsageThrottle } from '../auth/usage-throttle.util';

@Injectable()
export class ApiTokensService implements PersonAccessHook {
  readonly accessName = 'api-tokens';
  private readonly logger = new Logger(ApiTokensService.name);
  private readonly usage = new UsageThrottle();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    lifecycle: UsersLifecycle,
  ) {
    lifecycle.register(this);
  }

  /** Mints an admin API token; the secret is returned once and only its hash is stored. */
  async issue(
    manager: EntityManager,
    owner: { userId: string; organizationId: string },
    name: string,
    expiresAt: Date | null = null,
  ): Promise<{ token: ApiToken; secret: string }> {
    const issued = issueToken('adm');
    const token = manager.create(ApiToken, {
      id: randomUUID(),
      organizationId: owner.organizationId,
      userId: owner.userId,
      name,
      tokenHash: issued.hash,
      tokenPrefix: issued.prefix,
      createdAt: new Date(),
      lastUsedAt: null,
      expiresAt,
      revokedAt: null,
    });
    await manager.insert(ApiToken, token);
    return { token, secret: issued.token };
  }

  /** Archive or restore (UsersLifecycle): every live API token of these people is revoked, in the caller's transaction. */
  async endAccess(m: EntityManager, organizationId: string, userIds: string[]): Promise<void> {
    await m.update(ApiToken, { organizationId, userId: In(userIds), revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Mints a token for the calling admin (self-service). */
  async issueOwn(owner: { userId: string; organizationId: string }, name: string, expiresAt: Date | null): Promise<{ token: ApiToken; secret: string }> {
    return this.tx.run((m) => this.issue(m, owner, name, expiresAt));
  }

  /** The caller's own tokens, newest first (revoked ones included, marked as such). */
  async listOwn(owner: { userId: string; organizationId: string }): Promise<ApiToken[]> {
    return this.dataSource.getRepository(ApiToken).find({
      where: { userId: owner.userId, organizationId: owner.organizationId },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  /** Revokes one of the caller's own tokens; 401 for it from then on. Revoking twice is a no-op. */
  async revokeOwn(owner: { userId: string; organizationId: string }, id: string): Promise<void> {
    await this.tx.run(async (m) => {
      const token = await m.findOne(ApiToken, { where: { id, userId: owner.userId, organizationId: owner.organizationId } });
      if (!token) throw notFound('API_TOKEN_NOT_FOUND', 'API token', id);
      await m.update(ApiToken, { id, revokedAt: IsNull() }, { revokedAt: new Date() });
    });
  }

  /**
   * Resolves a bearer secret to an admin, or null when it is unknown, revoked, expired, or its
   * owner is archived or no longer an admin (directly or through a group that grants it).
   */
  async authenticate(secret: string): Promise<AdminPrincipal | null> {
    if (!looksLike('adm', secret)) return null;
    const now = new Date();
    const row = await this.dataSource
      .createQueryBuilder()
      .select(['t.id AS "tokenId"', 't.user_id AS "userId"', 't.organization_id AS "organizationId"'])
      .from('api_tokens', 't')
      .innerJoin('users', 'u', 'u.id = t.user_id AND u.organization_id = t.organization_id')
      .where('t.token_hash = :hash', { hash: hashToken(secret) })
      .andWhere('t.revoked_at IS NULL')
      .andWhere('(t.expires_at IS NULL OR t.expires_at > :now)', { now })
      .andWhere(`${mayHoldAccessSql('u')} AND ${effectiveAdminSql('u')}`)
      .getRawOne<{ tokenId: string; userId: string; organizationId: string }>();
    if (!row) return null;
    if (this.usage.shouldRecord(row.tokenId)) {
      this.tx
        .run((m) => m.update(ApiToken, { id: row.tokenId }, { lastUsedAt: now }))
        .catch((err: unknown) => this.logger.warn(dbErrorLogFields(err), 'Could not record API token use'));
    }
    return { kind: 'admin', via: 'api-token', ...row };
  }
}
