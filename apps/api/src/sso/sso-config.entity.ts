import { Column, Entity, JoinColumn, ManyToOne } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { RefColumn, TimestampColumn } from '../common/columns.decorator';

export type PasswordSignIn = 'allowed' | 'disabled';

/** An organisation's OpenID Connect provider. The client secret is sealed (SecretBox), never stored in clear. */
@Entity({ name: 'sso_configs' })
export class SsoConfig {
  @RefColumn('organization_id', { primary: true })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_sso_configs_organization' })
  organization?: Organization;

  /** The issuer, or Entra's template `https://login.microsoftonline.com/{tenantid}/v2.0`. */
  @Column({ type: 'varchar', length: 500 })
  issuer!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId!: string;

  @Column({ name: 'client_secret_sealed', type: 'varchar', length: 2000, nullable: true })
  clientSecretSealed!: string | null;

  /** JSON array of Entra tenant ids; empty means the issuer alone decides. */
  @Column({ name: 'allowed_tenant_ids', type: 'text' })
  allowedTenantIds!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'password_sign_in', type: 'varchar', length: 16 })
  passwordSignIn!: PasswordSignIn;

  /** Shown on the sign-in button ("Sign in with Microsoft"). */
  @Column({ name: 'provider_name', type: 'varchar', length: 100 })
  providerName!: string;

  /** The first successful SSO sign-in since the issuer or client last changed: only then may passwords be disabled. */
  @TimestampColumn('verified_at', { nullable: true })
  verifiedAt!: Date | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
