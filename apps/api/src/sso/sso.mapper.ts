import { SsoConfigResponse, SsoLinkResponse } from './dto/sso.dto';
import { SsoConfig } from './sso-config.entity';
import { tenantIdsOf } from './sso-config.service';
import { SsoLink } from './sso-link.entity';

export function mapSsoConfig(c: SsoConfig, redirectUri: string): SsoConfigResponse {
  return {
    issuer: c.issuer,
    clientId: c.clientId,
    clientSecretSet: c.clientSecretSealed !== null,
    allowedTenantIds: tenantIdsOf(c),
    enabled: c.enabled,
    passwordSignIn: c.passwordSignIn,
    providerName: c.providerName,
    redirectUri,
    verifiedAt: c.verifiedAt ? c.verifiedAt.toISOString() : null,
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function mapSsoLink(l: SsoLink): SsoLinkResponse {
  return {
    issuer: l.issuer,
    tenantId: l.tenantId,
    subject: l.subject,
    linkedAt: l.createdAt.toISOString(),
    lastSignInAt: l.lastSignInAt ? l.lastSignInAt.toISOString() : null,
  };
}
