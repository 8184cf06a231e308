import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimestampColumn } from '../common/columns';
import { Directory } from '../directories/directory.entity';
import { Organization } from '../organizations/organization.entity';

export const USER_STATUSES = ['uninvited', 'invited', 'active'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * A person of an organisation. `status` (invitation progress) and `archivedAt` are orthogonal,
 * so restoring an archived person returns them to the status they had.
 */
@Entity({ name: 'users' })
@Index('UQ_users_org_user_name_key', ['organizationId', 'userNameKey'], { unique: true })
@Index('IDX_users_org_email_key', ['organizationId', 'emailKey'])
@Index('IDX_users_org_external_id', ['organizationId', 'externalId'])
@Index('IDX_users_directory', ['directoryId'])
export class User {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_users_organization' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  /** normalizedKey(email): matches in-app accounts case-insensitively on both engines. */
  @Column({ name: 'email_key', type: 'varchar', length: 64, nullable: true })
  emailKey!: string | null;

  @Column({ name: 'user_name', type: 'varchar', length: 320, nullable: true })
  userName!: string | null;

  /** normalizedKey(userName): unique per organisation. */
  @Column({ name: 'user_name_key', type: 'varchar', length: 64, nullable: true })
  userNameKey!: string | null;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  @Column({ name: 'given_name', type: 'varchar', length: 255, nullable: true })
  givenName!: string | null;

  @Column({ name: 'family_name', type: 'varchar', length: 255, nullable: true })
  familyName!: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 255, nullable: true })
  displayName!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: UserStatus;

  @Column({ name: 'is_admin', type: 'boolean' })
  isAdmin!: boolean;

  @TimestampColumn('archived_at', { nullable: true })
  archivedAt!: Date | null;

  @Column({ name: 'archive_reason', type: 'varchar', length: 32, nullable: true })
  archiveReason!: string | null;

  /** The directory that manages this person, if any. */
  @RefColumn('directory_id', { nullable: true })
  directoryId!: string | null;

  @ManyToOne(() => Directory, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'directory_id', foreignKeyConstraintName: 'FK_users_directory' })
  directory?: Directory;

  /** False once the directory DELETEd the person: archived and hidden from SCIM. */
  @Column({ name: 'scim_visible', type: 'boolean' })
  scimVisible!: boolean;

  @Column({ type: 'integer' })
  version!: number;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
