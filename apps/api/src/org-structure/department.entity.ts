import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { Organization } from '../organizations/organization.entity';

/** Created the first time a directory mentions it, then owned by the app (never overwritten by sync). */
@Entity({ name: 'departments' })
@Index('UQ_departments_org_name_key', ['organizationId', 'nameKey'], { unique: true })
export class Department {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_departments_organization' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** normalizedKey(name): names are unique per organisation, case-insensitively. */
  @Column({ name: 'name_key', type: 'varchar', length: 64 })
  nameKey!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
