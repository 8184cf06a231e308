import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { dateParam, dbErrorLogFields, isSqlite, isUniqueViolation, Transactions, writeLock } from '@app/database';
import { DirectoryPrincipal } from '../auth/principal.types';
import { hashToken, issueToken, looksLike } from '../auth/secret-token.util';
import { UsageThrottle } from '../auth/usage-throttle.util';
import { DomainError, notFound } from '../common/domain.errors';
import { findKeysetPage } from '../common/keyset.util';
import { keysetPosition, PageQuery } from '../common/page.dto';
import { DeprovisionGuard, DeprovisionGuardSettings, settingsOf } from './deprovision-guard.entity';
import { DirectoryToken } from './directory-token.entity';
import { Directory, DirectoryStatus } from './directory.entity';
import { OAuthClient } from './oauth-client.entity';

export interface NewTokenInput {
  name: string;
  description?: string | null;
  expiresAt?: Date | null;
}

/** Directories of an organisation and their SCIM tokens. Every method is scoped by organisation. */
@Injectable()
export class DirectoriesService {
  private readonly logger = new Logger(DirectoriesService.name);
  private readonly usage = new UsageThrottle();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
  ) {}

  async create(organizationId: string, name: string): Promise<{ directory: Directory; token: DirectoryToken; secret: string }> {
    return this.tx.run(async (m) => {
      const now = new Date();
      const directory = m.create(Directory, {
        id: randomUUID(),
        organizationId,
        name,
        status: 'active',
        createdAt: now,
        updatedAt: now,
        lastActivityAt: null,
        deletedAt: null,
      });
      await m.insert(Directory, directory);
      const { token, secret } = await this.insertToken(m, directory, { name: 'Default token' });
      return { directory, token, secret };
    });
  }

  async list(organizationId: string, q: PageQuery): Promise<[Directory[], number]> {
    return this.dataSource.getRepository(Directory).findAndCount({
      where: { organizationId, deletedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (q.page - 1) * q.limit,
      take: q.limit,
    });
  }

  /** The same directories by keyset in id order (`?cursor=`). */
  async listByKeyset(organizationId: string, q: PageQuery): Promise<{ rows: Directory[]; more: boolean }> {
    return findKeysetPage(this.dataSource.getRepository(Directory), { organizationId, deletedAt: IsNull() }, keysetPosition(q), q.limit);
  }

  async get(organizationId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<Directory> {
    const directory = await manager.findOneBy(Directory, { id, organizationId, deletedAt: IsNull() });
    if (!directory) throw notFound('DIRECTORY_NOT_FOUND', 'Directory', id);
    return directory;
  }

  async update(
    organizationId: string,
    id: string,
    changes: { name?: string; status?: DirectoryStatus; entraTenantId?: string | null; deprovisionGuard?: Partial<DeprovisionGuardSettings> },
  ): Promise<Directory> {
    return this.tx.run(async (m) => {
      const directory = await this.get(organizationId, id, m);
      if (changes.deprovisionGuard) await this.setGuard(m, directory, changes.deprovisionGuard);
      if (changes.name !== undefined) directory.name = changes.name;
      if (changes.status !== undefined) directory.status = changes.status;
      if (changes.entraTenantId !== undefined) directory.entraTenantId = changes.entraTenantId?.toLowerCase() ?? null;
      directory.updatedAt = new Date();
      try {
        await m.update(
          Directory,
          { id: directory.id },
          { name: directory.name, status: directory.status, entraTenantId: directory.entraTenantId, updatedAt: directory.updatedAt },
        );
      } catch (err) {
        // An Entra token names its tenant, not a directory: one live directory per tenant.
        if (isUniqueViolation(err)) throw new DomainError('ENTRA_TENANT_TAKEN', 'Another directory already accepts tokens of this Entra tenant');
        throw err;
      }
      return directory;
    });
  }

  /** The guards of these directories (a directory without a row has the defaults). */
  async guardsOf(directoryIds: string[]): Promise<Map<string, DeprovisionGuard>> {
    if (directoryIds.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(DeprovisionGuard).findBy({ directoryId: In(directoryIds) });
    return new Map(rows.map((g) => [g.directoryId, g]));
  }

  /**
   * Changes the guard's settings (its window and trip stay: turning it off does not decide what
   * it holds). Locks the row the deprovisions lock, so a change never lands half-way through one.
   */
  private async setGuard(m: EntityManager, directory: Directory, changes: Partial<DeprovisionGuardSettings>): Promise<void> {
    const now = new Date();
    const existing = await m.findOne(DeprovisionGuard, { where: { directoryId: directory.id }, ...writeLock(m.dataSource) });
    const current = settingsOf(existing);
    const next: DeprovisionGuardSettings = {
      enabled: changes.enabled ?? current.enabled,
      percent: changes.percent ?? current.percent,
      minimum: changes.minimum ?? current.minimum,
      windowMinutes: changes.windowMinutes ?? current.windowMinutes,
      graceMinutes: changes.graceMinutes ?? current.graceMinutes,
    };
    if (existing) {
      await m.update(DeprovisionGuard, { directoryId: directory.id }, { ...next, updatedAt: now });
      return;
    }
    const ignore = isSqlite(m.dataSource) ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
    // OR IGNORE: a first deprovision may make the row meanwhile; the UPDATE below then sets the settings on it.
    await m.query(
      `${ignore} INTO deprovision_guards (directory_id, organization_id, enabled, percent, minimum, window_minutes, grace_minutes, window_started_at, window_base, window_count, tripped_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, NULL, ?)`,
      [
        directory.id,
        directory.organizationId,
        next.enabled ? 1 : 0,
        next.percent,
        next.minimum,
        next.windowMinutes,
        next.graceMinutes,
        dateParam(m.dataSource, now),
      ],
    );
    await m.update(DeprovisionGuard, { directoryId: directory.id }, { ...next, updatedAt: now });
  }

  /**
   * Deletes a directory inside the caller's transaction: it disappears from the API and every
   * token stops working. The row stays for the record. Its groups and its people's link are not
   * this module's: DirectoryRemovalService ends both in the same transaction (issue #9).
   */
  async remove(manager: EntityManager, organizationId: string, id: string): Promise<void> {
    const directory = await this.get(organizationId, id, manager);
    const now = new Date();
    await manager.update(Directory, { id: directory.id }, { deletedAt: now, updatedAt: now, entraTenantId: null });
    await manager.update(DirectoryToken, { directoryId: directory.id, revokedAt: IsNull() }, { revokedAt: now });
    await manager.update(OAuthClient, { directoryId: directory.id, revokedAt: IsNull() }, { revokedAt: now });
  }

  async mintToken(organizationId: string, directoryId: string, input: NewTokenInput): Promise<{ token: DirectoryToken; secret: string }> {
    if (input.expiresAt && input.expiresAt <= new Date()) {
      throw new DomainError('VALIDATION_FAILED', 'expiresAt must be in the future');
    }
    return this.tx.run(async (m) => this.insertToken(m, await this.get(organizationId, directoryId, m), input));
  }

  async listTokens(organizationId: string, directoryId: string, q: PageQuery): Promise<[DirectoryToken[], number]> {
    await this.get(organizationId, directoryId);
    return this.dataSource.getRepository(DirectoryToken).findAndCount({
      where: { organizationId, directoryId },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (q.page - 1) * q.limit,
      take: q.limit,
    });
  }

  /** The same tokens by keyset in id order (`?cursor=`). */
  async listTokensByKeyset(organizationId: string, directoryId: string, q: PageQuery): Promise<{ rows: DirectoryToken[]; more: boolean }> {
    await this.get(organizationId, directoryId);
    return findKeysetPage(this.dataSource.getRepository(DirectoryToken), { organizationId, directoryId }, keysetPosition(q), q.limit);
  }

  /** The directory's live tokens that expire before `before` (soonest first), for its health. */
  async expiringTokens(directoryId: string, now: Date, before: Date): Promise<DirectoryToken[]> {
    return this.dataSource
      .getRepository(DirectoryToken)
      .createQueryBuilder('t')
      .where('t.directory_id = :directoryId AND t.revoked_at IS NULL', { directoryId })
      .andWhere('t.expires_at > :now AND t.expires_at <= :before', { now, before })
      .orderBy('t.expires_at', 'ASC')
      .getMany();
  }

  /** Revokes a token; revoking twice is harmless. */
  async revokeToken(organizationId: string, directoryId: string, tokenId: string): Promise<void> {
    await this.get(organizationId, directoryId);
    const token = await this.dataSource.getRepository(DirectoryToken).findOneBy({ id: tokenId, directoryId, organizationId });
    if (!token) throw notFound('DIRECTORY_TOKEN_NOT_FOUND', 'Token', tokenId);
    if (!token.revokedAt) await this.tx.run((m) => m.update(DirectoryToken, { id: token.id }, { revokedAt: new Date() }));
  }

  /**
   * Resolves a SCIM bearer secret to its directory, on every SCIM request: one indexed lookup,
   * no cache, so a revocation or pause takes effect on the very next request on every replica.
   */
  async authenticateToken(secret: string): Promise<DirectoryPrincipal | null> {
    if (!looksLike('scim', secret)) return null;
    const now = new Date();
    const rows: Array<{ tokenId: string; directoryId: string; organizationId: string }> = await this.dataSource.query(
      `SELECT t.id AS tokenId, t.directory_id AS directoryId, d.organization_id AS organizationId
         FROM directory_tokens t
         JOIN directories d ON d.id = t.directory_id AND d.organization_id = t.organization_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
          AND d.deleted_at IS NULL AND d.status = 'active'`,
      [hashToken(secret), dateParam(this.dataSource, now)],
    );
    const row = rows[0];
    if (!row) return null;
    if (this.usage.shouldRecord(row.tokenId)) void this.recordUse(row.tokenId, row.directoryId, now);
    return { kind: 'directory', ...row, credential: 'scim-token' };
  }

  private async recordUse(tokenId: string, directoryId: string, at: Date): Promise<void> {
    try {
      await this.tx.run(async (m) => {
        await m.update(DirectoryToken, { id: tokenId }, { lastUsedAt: at });
        await m.update(Directory, { id: directoryId }, { lastActivityAt: at });
      });
    } catch (err) {
      this.logger.warn(dbErrorLogFields(err), 'Could not record directory token use');
    }
  }

  private async insertToken(m: EntityManager, directory: Directory, input: NewTokenInput): Promise<{ token: DirectoryToken; secret: string }> {
    const issued = issueToken('scim');
    const token = m.create(DirectoryToken, {
      id: randomUUID(),
      organizationId: directory.organizationId,
      directoryId: directory.id,
      name: input.name,
      description: input.description ?? null,
      tokenHash: issued.hash,
      tokenPrefix: issued.prefix,
      createdAt: new Date(),
      lastUsedAt: null,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
    });
    await m.insert(DirectoryToken, token);
    return { token, secret: issued.token };
  }
}
