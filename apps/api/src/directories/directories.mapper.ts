import { DeprovisionGuard, settingsOf } from './deprovision-guard.entity';
import { DirectoryToken } from './directory-token.entity';
import { Directory } from './directory.entity';
import { oauthTokenUrl, scimTenantUrl } from './directory-urls.util';
import { DirectoryResponse, DirectoryTokenResponse } from './dto/directory.dto';
import { OAuthClientResponse } from './dto/oauth-client.dto';
import { OAuthClient } from './oauth-client.entity';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function mapDirectory(d: Directory, publicUrl: string, guard: DeprovisionGuard | null = null): DirectoryResponse {
  return {
    id: d.id,
    name: d.name,
    status: d.status,
    scimBaseUrl: scimTenantUrl(publicUrl),
    tokenUrl: oauthTokenUrl(publicUrl),
    entraTenantId: d.entraTenantId,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    lastActivityAt: iso(d.lastActivityAt),
    deprovisionGuard: { ...settingsOf(guard), state: guard?.trippedAt ? 'tripped' : 'armed', trippedAt: iso(guard?.trippedAt ?? null) },
  };
}

export function mapDirectoryToken(t: DirectoryToken, now = new Date()): DirectoryTokenResponse {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    prefix: t.tokenPrefix,
    status: t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt <= now ? 'expired' : 'active',
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}

export function mapOAuthClient(c: OAuthClient): OAuthClientResponse {
  return {
    clientId: c.id,
    name: c.name,
    secretPrefix: c.secretPrefix,
    status: c.revokedAt ? 'revoked' : 'active',
    createdAt: c.createdAt.toISOString(),
    lastUsedAt: iso(c.lastUsedAt),
    revokedAt: iso(c.revokedAt),
  };
}
