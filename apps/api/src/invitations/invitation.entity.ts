import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { HashColumn, IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { User } from '../users/user.entity';

/**
 * An invitation to join: a single-use token (only its SHA-256 hash is stored) with an expiry.
 * Re-inviting revokes the person's open invitation and issues a new one.
 */
@Entity({ name: 'invitations' })
@Index('UQ_invitations_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_invitations_user', ['userId', 'createdAt'])
export class Invitation {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('user_id')
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_invitations_user' })
  user?: User;

  /** The admin who sent it; null when a group with autoInvite did. */
  @RefColumn('invited_by', { nullable: true })
  invitedBy!: string | null;

  @HashColumn('token_hash')
  tokenHash!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('expires_at')
  expiresAt!: Date;

  @TimestampColumn('accepted_at', { nullable: true })
  acceptedAt!: Date | null;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;
}
