import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';

export const OUTCOMES = ['success', 'failure', 'held'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * One SCIM request that wrote something or failed (DESIGN §2 ProvisioningEvent). It holds the
 * names of the attributes a write changed, never their values, never a body, never a token: the
 * token is named by its id (its name is read from directory_tokens when the log is shown).
 */
@Entity({ name: 'provisioning_events' })
// The admin's view: one directory's events, newest first, paged by (at, id).
@Index('IDX_provisioning_events_directory_at', ['directoryId', 'at', 'id'])
// One person's history (GET /api/v1/users/:id/events).
@Index('IDX_provisioning_events_resource', ['resourceId', 'at'])
// Retention prunes by age across directories.
@Index('IDX_provisioning_events_at', ['at'])
export class ProvisioningEvent {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('directory_id')
  directoryId!: string;

  @RefColumn('token_id', { nullable: true })
  tokenId!: string | null;

  @TimestampColumn('at')
  at!: Date;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @Column({ type: 'varchar', length: 8 })
  method!: string;

  /** The route template (`/scim/v2/Users/:id`), never the URL with its query. */
  @Column({ type: 'varchar', length: 64 })
  route!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 16, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_id', type: 'varchar', length: 64, nullable: true })
  resourceId!: string | null;

  @Column({ name: 'user_name', type: 'varchar', length: 255, nullable: true })
  userName!: string | null;

  @Column({ type: 'varchar', length: 32 })
  operation!: string;

  @Column({ type: 'varchar', length: 8 })
  outcome!: Outcome;

  @Column({ type: 'integer' })
  status!: number;

  @Column({ name: 'scim_type', type: 'varchar', length: 32, nullable: true })
  scimType!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'varchar', length: 500, nullable: true })
  errorMessage!: string | null;

  /** Names of the attributes the write changed, comma-separated (`name.givenName,title`). */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  attributes!: string | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;
}

/**
 * Whether a directory is currently `failing`, as last notified (issue 11 §4): the conditional
 * UPDATE of this row is what makes the admins' email go out once per transition, on any replica.
 */
@Entity({ name: 'directory_health' })
export class DirectoryHealthMark {
  @PrimaryColumn({ name: 'directory_id', type: 'varchar', length: ID_LENGTH })
  directoryId!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @Column({ type: 'boolean' })
  failing!: boolean;

  @TimestampColumn('changed_at')
  changedAt!: Date;
}
