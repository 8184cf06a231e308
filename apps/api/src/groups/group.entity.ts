import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { Directory } from '../directories/directory.entity';
import { Organization } from '../organizations/organization.entity';

/**
 * A group a directory provisions. Its display name is unique per directory, case-insensitively
 * (ENTRA.md §2.7: Entra matches groups by displayName). The flags are app settings an Entra
 * admin maps through the frankli Group extension or an app admin sets in the admin API.
 */
@Entity({ name: 'groups' })
@Index('UQ_groups_directory_display_name_key', ['directoryId', 'displayNameKey'], { unique: true })
@Index('IDX_groups_directory_external_id', ['directoryId', 'externalId'])
@Index('IDX_groups_org', ['organizationId', 'createdAt'])
@Index('IDX_groups_directory_id', ['directoryId', 'id'])
@Index('IDX_groups_org_id', ['organizationId', 'id'])
export class Group {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_groups_organization' })
  organization?: Organization;

  @RefColumn('directory_id')
  directoryId!: string;

  @ManyToOne(() => Directory, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'directory_id', foreignKeyConstraintName: 'FK_groups_directory' })
  directory?: Directory;

  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName!: string;

  /** normalizedKey(displayName): unique per directory. */
  @Column({ name: 'display_name_key', type: 'varchar', length: 64 })
  displayNameKey!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  /** Uninvited members are invited when this is switched on and whenever they join. */
  @Column({ name: 'auto_invite', type: 'boolean' })
  autoInvite!: boolean;

  /** Members are admins while they are members (read from memberships at every request). */
  @Column({ name: 'grants_admin', type: 'boolean' })
  grantsAdmin!: boolean;

  @Column({ type: 'integer' })
  version!: number;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
