import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../users/user.entity';
import { HashColumn, IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';

/**
 * A provider identity pinned to a person: (tenant `tid` or issuer, `oid` or `sub`). One per
 * identity and one per person in an organisation, both enforced by unique keys.
 */
@Entity({ name: 'sso_links' })
@Index('UQ_sso_links_identity', ['organizationId', 'identityHash'], { unique: true })
@Index('UQ_sso_links_user', ['organizationId', 'userId'], { unique: true })
export class SsoLink {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('user_id')
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sso_links_user' })
  user?: User;

  @HashColumn('identity_hash')
  identityHash!: string;

  /** The `iss` of the first ID token (for display; Entra's differs per tenant). */
  @Column({ type: 'varchar', length: 500 })
  issuer!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64, nullable: true })
  tenantId!: string | null;

  /** `oid` for Entra (stable across apps of the tenant), else `sub`. */
  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('last_sign_in_at', { nullable: true })
  lastSignInAt!: Date | null;
}
