import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { Organization } from '../organizations/organization.entity';

export const DIRECTORY_STATUSES = ['active', 'paused'] as const;
export type DirectoryStatus = (typeof DIRECTORY_STATUSES)[number];

/** A SCIM connection from one identity provider tenant into an organisation. */
@Entity({ name: 'directories' })
@Index('IDX_directories_org', ['organizationId', 'createdAt'])
// One live directory per Entra tenant: an Entra token names its tenant, never a directory.
@Index('UQ_directories_entra_tenant', ['entraTenantId'], { unique: true })
export class Directory {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_directories_organization' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DirectoryStatus;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;

  @TimestampColumn('last_activity_at', { nullable: true })
  lastActivityAt!: Date | null;

  /**
   * Opt-in: SCIM also accepts a JWT that Entra ID issued for this tenant (lower-case GUID). Cleared
   * when the directory is deleted, so the tenant can be connected again.
   */
  @Column({ name: 'entra_tenant_id', type: 'varchar', length: 36, nullable: true })
  entraTenantId!: string | null;

  /** Deleted directories are kept (their people and history stay) but reject every token. */
  @TimestampColumn('deleted_at', { nullable: true })
  deletedAt!: Date | null;
}
