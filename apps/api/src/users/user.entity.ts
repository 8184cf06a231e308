import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { Directory } from '../directories/directory.entity';
import { Department } from '../org-structure/department.entity';
import { Role } from '../org-structure/role.entity';
import { Site } from '../org-structure/site.entity';
import { Organization } from '../organizations/organization.entity';

export type DeprovisionState = 'pending' | 'held' | 'rejected';
export type DeprovisionReason = 'deactivated' | 'deleted';

export const USER_STATUSES = ['uninvited', 'invited', 'active'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * A person of an organisation. `status` (invitation progress) and `archivedAt` are orthogonal,
 * so restoring an archived person returns them to the status they had.
 */
@Entity({ name: 'users' })
@Index('UQ_users_org_user_name_key', ['organizationId', 'userNameKey'], { unique: true })
@Index('IDX_users_org_email_key', ['organizationId', 'emailKey'])
@Index('UQ_users_org_active_email_key', ['organizationId', 'activeEmailKey'], { unique: true })
@Index('IDX_users_email_key', ['emailKey'])
@Index('IDX_users_org_external_id', ['organizationId', 'externalId'])
@Index('IDX_users_directory', ['directoryId'])
@Index('IDX_users_directory_scim', ['directoryId', 'scimVisible', 'createdAt'])
@Index('IDX_users_directory_scim_id', ['directoryId', 'scimVisible', 'id'])
@Index('IDX_users_org_id', ['organizationId', 'id'])
@Index('IDX_users_org_status', ['organizationId', 'status', 'archivedAt'])
@Index('IDX_users_org_created', ['organizationId', 'createdAt', 'id'])
@Index('IDX_users_manager', ['managerId'])
@Index('IDX_users_site', ['siteId'])
@Index('IDX_users_department', ['departmentId'])
@Index('IDX_users_role', ['roleId'])
@Index('IDX_users_directory_deprovision', ['directoryId', 'deprovisionState'])
@Index('IDX_users_pending_archive', ['deprovisionState', 'pendingArchiveAt'])
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

  /**
   * emailKey while the person is not archived, else null: the unique key that makes a work email
   * unique among the organisation's people who are not archived (set only via UsersLifecycle, users-lifecycle.service.ts).
   */
  @Column({ name: 'active_email_key', type: 'varchar', length: 64, nullable: true })
  activeEmailKey!: string | null;

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

  @Column({ name: 'name_formatted', type: 'varchar', length: 255, nullable: true })
  nameFormatted!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  title!: string | null;

  @Column({ name: 'preferred_language', type: 'varchar', length: 64, nullable: true })
  preferredLanguage!: string | null;

  @Column({ name: 'employee_number', type: 'varchar', length: 255, nullable: true })
  employeeNumber!: string | null;

  /** The enterprise `department` exactly as the directory sent it (the link is departmentId). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  department!: string | null;

  @Column({ name: 'address_formatted', type: 'varchar', length: 1000, nullable: true })
  addressFormatted!: string | null;

  @Column({ name: 'address_street', type: 'varchar', length: 255, nullable: true })
  addressStreet!: string | null;

  @Column({ name: 'address_locality', type: 'varchar', length: 255, nullable: true })
  addressLocality!: string | null;

  @Column({ name: 'address_region', type: 'varchar', length: 255, nullable: true })
  addressRegion!: string | null;

  @Column({ name: 'address_postal_code', type: 'varchar', length: 64, nullable: true })
  addressPostalCode!: string | null;

  @Column({ name: 'address_country', type: 'varchar', length: 255, nullable: true })
  addressCountry!: string | null;

  @Column({ name: 'phone_work', type: 'varchar', length: 64, nullable: true })
  phoneWork!: string | null;

  @Column({ name: 'phone_mobile', type: 'varchar', length: 64, nullable: true })
  phoneMobile!: string | null;

  @Column({ name: 'phone_fax', type: 'varchar', length: 64, nullable: true })
  phoneFax!: string | null;

  // HR fields of Entra's default mapping (issue #10 §3), owned by the directory like the others.

  @Column({ name: 'name_middle', type: 'varchar', length: 255, nullable: true })
  middleName!: string | null;

  @Column({ name: 'name_honorific_prefix', type: 'varchar', length: 64, nullable: true })
  honorificPrefix!: string | null;

  @Column({ name: 'name_honorific_suffix', type: 'varchar', length: 64, nullable: true })
  honorificSuffix!: string | null;

  @Column({ name: 'nick_name', type: 'varchar', length: 255, nullable: true })
  nickName!: string | null;

  @Column({ name: 'user_type', type: 'varchar', length: 64, nullable: true })
  userType!: string | null;

  @Column({ name: 'locale', type: 'varchar', length: 64, nullable: true })
  locale!: string | null;

  @Column({ name: 'timezone', type: 'varchar', length: 64, nullable: true })
  timezone!: string | null;

  @Column({ name: 'cost_center', type: 'varchar', length: 255, nullable: true })
  costCenter!: string | null;

  @Column({ name: 'enterprise_organization', type: 'varchar', length: 255, nullable: true })
  enterpriseOrganization!: string | null;

  @Column({ name: 'division', type: 'varchar', length: 255, nullable: true })
  division!: string | null;

  @Column({ name: 'other_address_formatted', type: 'varchar', length: 1000, nullable: true })
  otherAddressFormatted!: string | null;

  @Column({ name: 'other_address_street', type: 'varchar', length: 255, nullable: true })
  otherAddressStreet!: string | null;

  @Column({ name: 'other_address_locality', type: 'varchar', length: 255, nullable: true })
  otherAddressLocality!: string | null;

  @Column({ name: 'other_address_region', type: 'varchar', length: 255, nullable: true })
  otherAddressRegion!: string | null;

  @Column({ name: 'other_address_postal_code', type: 'varchar', length: 64, nullable: true })
  otherAddressPostalCode!: string | null;

  @Column({ name: 'other_address_country', type: 'varchar', length: 255, nullable: true })
  otherAddressCountry!: string | null;

  @RefColumn('manager_id', { nullable: true })
  managerId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_id', foreignKeyConstraintName: 'FK_users_manager' })
  manager?: User | null;

  @RefColumn('site_id', { nullable: true })
  siteId!: string | null;

  @ManyToOne(() => Site, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_users_site' })
  site?: Site | null;

  @RefColumn('department_id', { nullable: true })
  departmentId!: string | null;

  @ManyToOne(() => Department, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'FK_users_department' })
  departmentEntity?: Department | null;

  @RefColumn('role_id', { nullable: true })
  roleId!: string | null;

  @ManyToOne(() => Role, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'role_id', foreignKeyConstraintName: 'FK_users_role' })
  role?: Role | null;

  /** App-owned: one of the role's grades. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  grade!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: UserStatus;

  @Column({ name: 'is_admin', type: 'boolean' })
  isAdmin!: boolean;

  @TimestampColumn('archived_at', { nullable: true })
  archivedAt!: Date | null;

  @Column({ name: 'archive_reason', type: 'varchar', length: 32, nullable: true })
  archiveReason!: string | null;

  /**
   * Set while the person has no access although not archived: their deprovisioning is pending
   * (grace period) or held by the directory's mass-deprovisioning guard. Sessions, API tokens and
   * sign-in are refused while it is set.
   */
  @TimestampColumn('suspended_at', { nullable: true })
  suspendedAt!: Date | null;

  /**
   * What the directory asked that is not (yet) done (issue 11 §3): `pending` (archived by the
   * sweeper at pendingArchiveAt), `held` (by a tripped guard, until an admin decides), `rejected`
   * (an admin kept the person; the directory still sees them inactive). Null otherwise.
   */
  @Column({ name: 'deprovision_state', type: 'varchar', length: 16, nullable: true })
  deprovisionState!: DeprovisionState | null;

  /** The archive reason the deprovisioning will have: `deactivated` or `deleted`. */
  @Column({ name: 'deprovision_reason', type: 'varchar', length: 16, nullable: true })
  deprovisionReason!: DeprovisionReason | null;

  @TimestampColumn('deprovision_requested_at', { nullable: true })
  deprovisionRequestedAt!: Date | null;

  /** The SCIM request (its request id, as in the provisioning log) that asked for it. */
  @Column({ name: 'deprovision_request_id', type: 'varchar', length: 64, nullable: true })
  deprovisionRequestId!: string | null;

  @TimestampColumn('pending_archive_at', { nullable: true })
  pendingArchiveAt!: Date | null;

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
