import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Transactions } from '@app/database';
import { DomainError } from '../common/domain.errors';
import { PasswordSignInPolicy, PasswordSignInRule } from '../credentials/password-sign-in-policy.service';
import { issuerProblem, OidcClient, ProviderSettings } from './oidc-client.service';
import { SecretBox } from './secret-box.service';
import { PasswordSignIn, SsoConfig } from './sso-config.entity';

export interface SsoConfigInput {
  issuer: string;
  clientId: string;
  /** Write-only; omitted on an update, the stored one is kept. */
  clientSecret?: string;
  allowedTenantIds?: string[];
  enabled: boolean;
  passwordSignIn?: PasswordSignIn;
  providerName?: string;
}

const notConfigured = (): DomainError => new DomainError('SSO_NOT_CONFIGURED', 'Single sign-on is not set up for this organisation');

export const tenantIdsOf = (c: SsoConfig): string[] => JSON.parse(c.allowedTenantIds) as string[];

/** Whether an organisation with these settings (null: no single sign-on) lets people use a password; SsoConfigService.disabledSql is its SQL form. */
export const passwordSignInAllowed = (c: SsoConfig | null): boolean => c?.passwordSignIn !== 'disabled';

/**
 * An organisation's single sign-on settings (issue #12 §1). The client secret is sealed with
 * SecretBox and never shown again. Enabling reads the issuer's discovery document first, so a
 * mistyped issuer is refused when it is saved, not when someone tries to sign in. Passwords can be
 * turned off only once an SSO sign-in has worked with the current issuer and client, so a broken
 * configuration cannot lock everyone out; the "off" is this service's PasswordSignInRule, which
 * credentials/ reads for password sign-in and invitation acceptance.
 */
@Injectable()
export class SsoConfigService implements PasswordSignInRule {
  readonly ruleName = 'sso';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: Transactions,
    private readonly box: SecretBox,
    private readonly oidc: OidcClient,
    passwordPolicy: PasswordSignInPolicy,
  ) {
    passwordPolicy.register(this);
  }

  /** PasswordSignInRule: an organisation set to sign in with SSO only (`passwordSignIn: disabled`; `passwordSignInAllowed` for a row in memory). */
  disabledSql(organizationIdSql: string): string {
    return `EXISTS (SELECT 1 FROM sso_configs sc_pw WHERE sc_pw.organization_id = ${organizationIdSql} AND sc_pw.password_sign_in = 'disabled')`;
  }

  get redirectUri(): string {
    return `${this.config.publicUrl}/api/v1/auth/sso/callback`;
  }

  async find(organizationId: string): Promise<SsoConfig | null> {
    return this.dataSource.getRepository(SsoConfig).findOneBy({ organizationId });
  }

  async get(organizationId: string): Promise<SsoConfig> {
    const found = await this.find(organizationId);
    if (!found) throw notConfigured();
    return found;
  }

  /** The enabled configuration with its secret opened, for the flow; SSO_NOT_CONFIGURED otherwise. */
  async enabledSettings(organizationId: string): Promise<{ config: SsoConfig; settings: ProviderSettings }> {
    const config = await this.find(organizationId);
    if (!config || !config.enabled) throw notConfigured();
    return { config, settings: this.settingsOf(config) };
  }

  async put(organizationId: string, input: SsoConfigInput): Promise<SsoConfig> {
    const issuer = input.issuer.trim().replace(/\/+$/, '');
    const problem = issuerProblem(issuer, this.config.sso.allowHttp);
    if (problem) throw new DomainError('SSO_ISSUER_INVALID', problem);
    const tenants = [...new Set((input.allowedTenantIds ?? []).map((t) => t.toLowerCase()))];
    const existing = await this.find(organizationId);
    if (!existing && !input.clientSecret) throw new DomainError('VALIDATION_FAILED', 'clientSecret is required when single sign-on is first set up');
    const now = new Date();
    const sealed = input.clientSecret ? this.box.seal('sso-client-secret', organizationId, input.clientSecret) : existing!.clientSecretSealed;
    const sameClient = !!existing && existing.issuer === issuer && existing.clientId === input.clientId && !input.clientSecret;
    const next: SsoConfig = {
      organizationId,
      issuer,
      clientId: input.clientId,
      clientSecretSealed: sealed,
      allowedTenantIds: JSON.stringify(tenants),
      enabled: input.enabled,
      passwordSignIn: input.passwordSignIn ?? existing?.passwordSignIn ?? 'allowed',
      providerName: input.providerName ?? existing?.providerName ?? 'Microsoft',
      verifiedAt: sameClient ? existing.verifiedAt : null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    if (next.passwordSignIn === 'disabled' && (!next.enabled || !next.verifiedAt)) {
      throw new DomainError(
        'SSO_NOT_VERIFIED',
        'Password sign-in can be disabled only while single sign-on is enabled and someone has signed in with it since the issuer or client last changed',
      );
    }
    if (next.enabled) await this.oidc.check(this.settingsOf(next));
    await this.tx.run(async (m) => {
      if (existing) await m.update(SsoConfig, { organizationId }, next);
      else await m.insert(SsoConfig, next);
    });
    return next;
  }

  private settingsOf(c: SsoConfig): ProviderSettings {
    const clientSecret = c.clientSecretSealed ? this.box.open('sso-client-secret', c.organizationId, c.clientSecretSealed) : null;
    return {
      cacheKey: `${c.organizationId}:${c.updatedAt.getTime()}`,
      issuer: c.issuer,
      clientId: c.clientId,
      clientSecret,
      allowedTenantIds: tenantIdsOf(c),
    };
  }
}
