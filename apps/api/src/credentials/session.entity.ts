import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { HashColumn, IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { User } from '../users/user.entity';

/** A signed-in person's bearer session; only the token's SHA-256 hash is stored. */
@Entity({ name: 'sessions' })
@Index('UQ_sessions_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_sessions_user', ['userId'])
export class Session {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('user_id')
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sessions_user' })
  user?: User;

  @HashColumn('token_hash')
  tokenHash!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('expires_at')
  expiresAt!: Date;

  @TimestampColumn('last_used_at', { nullable: true })
  lastUsedAt!: Date | null;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;
}
