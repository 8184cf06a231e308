import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull, LessThanOrEqual } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { dateParam, Transactions } from '@app/database';
import { DirectoryPrincipal } from '../auth/principal.types';
import { hashToken, issueToken, looksLike } from '../auth/secret-token.util';
import { UsageThrottle } from '../auth/usage-throttle.util';
import { notFound } from '../common/domain.errors';
import { findKeysetPage } from '../common/keyset.util';
import { keysetPosition, PageQuery } from '../common/page.dto';
import { DirectoriesService } from './directories.service';
import { Directory } from './directory.entity';
import { OAuthAccessToken } from './oauth-access-token.entity';
import { OAuthClient } from './oauth-client.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IssuedAccessToken {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
}

/**
 * OAuth 2.0 clients of a directory (client credentials grant) and the access tokens they obtain.
 *
 * Access tokens are opaque random strings (`oat_`, 256 bits) stored as their SHA-256 with their
 * client and expiry, like the `scim_` secrets, rather than signed JWTs: a SCIM request must read
 * the database anyway to honour a revocation or a pause on every replica at once (DESIGN §5), and
 * with that read a signature would add a signing key to keep, share and rotate for nothing. The
 * lookup joins the client and the directory, so revoking the client, pausing or deleting the
 * directory ends its tokens on the next request. Secrets and tokens are high-entropy random
 * values, so a fast unsalted hash is enough: there is no dictionary to try against the hash.
 */
@Injectable()
export class OAuthClientsService {
  private readonly logger = new Logger(OAuthClientsService.name);
  private readonly usage = new UsageThrottle();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly directories: DirectoriesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async mint(organizationId: string, directoryId: string, name: string): Promise<{ client: OAuthClient; secret: string }> {
    return this.tx.run(async (m) => {
      const directory = await this.directories.get(organizationId, directoryId, m);
      const issued = issueToken('ocs');
      const client = m.create(OAuthClient, {
        id: randomUUID(),
        organizationId: directory.organizationId,
        directoryId: directory.id,
        name,
        secretHash: issued.hash,
        secretPrefix: issued.prefix,
        createdAt: new Date(),
        lastUsedAt: null,
        revokedAt: null,
      });
      await m.insert(OAuthClient, client);
      return { client, secret: issued.token };
    });
  }

  async list(organizationId: string, directoryId: string, q: PageQuery): Promise<[OAuthClient[], number]> {
    await this.directories.get(organizationId, directoryId);
    return this.dataSource.getRepository(OAuthClient).findAndCount({
      where: { organizationId, directoryId },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (q.page - 1) * q.limit,
      take: q.limit,
    });
  }

  /** The same clients by keyset in id order (`?cursor=`). */
  async listByKeyset(organizationId: string, directoryId: string, q: PageQuery): Promise<{ rows: OAuthClient[]; more: boolean }> {
    await this.directories.get(organizationId, directoryId);
    return findKeysetPage(this.dataSource.getRepository(OAuthClient), { organizationId, directoryId }, keysetPosition(q), q.limit);
  }

  /** Revokes a client and deletes its access tokens: both answer 401 from the next request on. Twice is harmless. */
  async revoke(organizationId: string, directoryId: string, clientId: string): Promise<void> {
    await this.directories.get(organizationId, directoryId);
    const client = UUID.test(clientId) ? await this.dataSource.getRepository(OAuthClient).findOneBy({ id: clientId, directoryId, organizationId }) : null;
    if (!client) throw notFound('OAUTH_CLIENT_NOT_FOUND', 'OAuth client', clientId);
    await this.tx.run(async (m) => {
      await m.update(OAuthClient, { id: client.id, revokedAt: IsNull() }, { revokedAt: new Date() });
      await m.delete(OAuthAccessToken, { clientId: client.id });
    });
  }

  /**
   * The client credentials grant: a new access token for a client whose secret matches, that is
   * not revoked and whose directory is active. `null` for anything else (the caller answers
   * `invalid_client` without saying which). The client's expired tokens are swept on the way,
   * so the table holds about one lifetime of tokens per client.
   */
  async issueAccessToken(clientId: string, secret: string): Promise<IssuedAccessToken | null> {
    if (!UUID.test(clientId) || !looksLike('ocs', secret)) return null;
    const rows: Array<{ id: string; organizationId: string; directoryId: string; secretHash: string }> = await this.dataSource.query(
      `SELECT c.id AS id, c.organization_id AS organizationId, c.directory_id AS directoryId, c.secret_hash AS secretHash
         FROM oauth_clients c
         JOIN directories d ON d.id = c.directory_id AND d.organization_id = c.organization_id
        WHERE c.id = ? AND c.revoked_at IS NULL AND d.deleted_at IS NULL AND d.status = 'active'`,
      [clientId.toLowerCase()],
    );
    const client = rows[0];
    if (!client || !timingSafeEqual(Buffer.from(client.secretHash, 'utf8'), Buffer.from(hashToken(secret), 'utf8'))) return null;
    const now = new Date();
    const lifetimeSeconds = this.config.oauth.accessTokenMinutes * 60;
    const issued = issueToken('oat');
    await this.tx.run(async (m) => {
      await m.delete(OAuthAccessToken, { clientId: client.id, expiresAt: LessThanOrEqual(now) });
      await m.insert(OAuthAccessToken, {
        id: randomUUID(),
        organizationId: client.organizationId,
        directoryId: client.directoryId,
        clientId: client.id,
        tokenHash: issued.hash,
        createdAt: now,
        expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
      });
      await m.update(OAuthClient, { id: client.id }, { lastUsedAt: now });
    });
    return { accessToken: issued.token, expiresIn: lifetimeSeconds };
  }

  /**
   * Resolves an access token on a SCIM request: one indexed lookup joined with its client and
   * directory, no cache. A database failure propagates (a 503), it is never "no such token".
   */
  async authenticateAccessToken(token: string): Promise<DirectoryPrincipal | null> {
    if (!looksLike('oat', token)) return null;
    const now = new Date();
    const rows: Array<{ tokenId: string; directoryId: string; organizationId: string }> = await this.dataSource.query(
      `SELECT c.id AS tokenId, d.id AS directoryId, d.organization_id AS organizationId
         FROM oauth_access_tokens t
         JOIN oauth_clients c ON c.id = t.client_id AND c.directory_id = t.directory_id
         JOIN directories d ON d.id = t.directory_id AND d.organization_id = t.organization_id
        WHERE t.token_hash = ? AND t.expires_at > ? AND c.revoked_at IS NULL
          AND d.deleted_at IS NULL AND d.status = 'active'`,
      [hashToken(token), dateParam(this.dataSource, now)],
    );
    const row = rows[0];
    if (!row) return null;
    if (this.usage.shouldRecord(row.directoryId)) void this.recordActivity(row.directoryId, now);
    return { kind: 'directory', ...row, credential: 'oauth-client' };
  }

  private async recordActivity(directoryId: string, at: Date): Promise<void> {
    try {
      await this.tx.run((m) => m.update(Directory, { id: directoryId }, { lastActivityAt: at }));
    } catch (err) {
      this.logger.warn({ err }, 'Could not record directory activity');
    }
  }
}
