import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { Organization } from '../organizations/organization.entity';

/** A list stored as JSON text (the same on both engines); empty is NULL. */
const jsonList = {
  to: (v: string[] | null | undefined): string | null => (v?.length ? JSON.stringify(v) : null),
  from: (v: string | null): string[] => (v ? (JSON.parse(v) as string[]) : []),
};

/** Created the first time a directory mentions it, then owned by the app (never overwritten by sync). */
@Entity({ name: 'roles' })
@Index('UQ_roles_org_name_key', ['organizationId', 'nameKey'], { unique: true })
export class Role {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_roles_organization' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** normalizedKey(name): names are unique per organisation, case-insensitively. */
  @Column({ name: 'name_key', type: 'varchar', length: 64 })
  nameKey!: string;

  /** The role's grades in order (e.g. ["L1", "L2"]); a person of this role may hold one of them. */
  @Column({ type: 'text', nullable: true, transformer: jsonList })
  grades!: string[];

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
