import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { Organization } from '../organizations/organization.entity';

/** Created the first time a directory mentions it, then owned by the app (never overwritten by sync). */
@Entity({ name: 'sites' })
@Index('UQ_sites_org_name_key', ['organizationId', 'nameKey'], { unique: true })
export class Site {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_sites_organization' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** normalizedKey(name): names are unique per organisation, case-insensitively. */
  @Column({ name: 'name_key', type: 'varchar', length: 64 })
  nameKey!: string;

  // The work address seen when the site was first created from a directory; editable in-app.
  @Column({ name: 'street_address', type: 'varchar', length: 255, nullable: true })
  streetAddress!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  locality!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  region!: string | null;

  @Column({ name: 'postal_code', type: 'varchar', length: 64, nullable: true })
  postalCode!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  country!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
