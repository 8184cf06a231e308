import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { Directory } from './directory.entity';

/** The settings a directory has until an admin changes them (issue 11 §3: on, 20 %, at least 10, 60 min, 10 min grace). */
export const DEFAULT_DEPROVISION_GUARD = { enabled: true, percent: 20, minimum: 10, windowMinutes: 60, graceMinutes: 10 } as const;

export interface DeprovisionGuardSettings {
  enabled: boolean;
  percent: number;
  minimum: number;
  windowMinutes: number;
  graceMinutes: number;
}

/**
 * A directory's mass-deprovisioning guard: its settings and its current window. Made on first
 * use (a directory without a row has the defaults). Every deprovision of the directory locks this
 * row, so the count, and with it the trip, is decided by the database on any replica.
 */
@Entity({ name: 'deprovision_guards' })
export class DeprovisionGuard {
  @PrimaryColumn({ name: 'directory_id', type: 'varchar', length: ID_LENGTH })
  directoryId!: string;

  @ManyToOne(() => Directory, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'directory_id', foreignKeyConstraintName: 'FK_deprovision_guards_directory' })
  directory?: Directory;

  @RefColumn('organization_id')
  organizationId!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'integer' })
  percent!: number;

  @Column({ type: 'integer' })
  minimum!: number;

  @Column({ name: 'window_minutes', type: 'integer' })
  windowMinutes!: number;

  @Column({ name: 'grace_minutes', type: 'integer' })
  graceMinutes!: number;

  /** When the current window began (null: no window open; the next deprovision opens one). */
  @TimestampColumn('window_started_at', { nullable: true })
  windowStartedAt!: Date | null;

  /** People of the directory not archived when the window began (pending and held ones included). */
  @Column({ name: 'window_base', type: 'integer' })
  windowBase!: number;

  /** Deprovisions (deactivations and deletions of distinct people) received in the window. */
  @Column({ name: 'window_count', type: 'integer' })
  windowCount!: number;

  /** Set when the guard tripped; until an admin decides, every deprovision is held. */
  @TimestampColumn('tripped_at', { nullable: true })
  trippedAt!: Date | null;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

export const settingsOf = (g: DeprovisionGuard | null): DeprovisionGuardSettings =>
  g
    ? { enabled: g.enabled, percent: g.percent, minimum: g.minimum, windowMinutes: g.windowMinutes, graceMinutes: g.graceMinutes }
    : { ...DEFAULT_DEPROVISION_GUARD };
