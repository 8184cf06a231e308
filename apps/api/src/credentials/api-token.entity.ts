import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { HashColumn, IdColumn, RefColumn, SecretPrefixColumn, TimestampColumn } from '../common/columns.decorator';
import { User } from '../users/user.entity';

/** An admin's credential for the REST API; only its SHA-256 hash is stored. */
@Entity({ name: 'api_tokens' })
@Index('UQ_api_tokens_hash', ['tokenHash'], { unique: true })
@Index('IDX_api_tokens_user', ['userId'])
export class ApiToken {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('user_id')
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_api_tokens_user' })
  user?: User;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @HashColumn('token_hash')
  tokenHash!: string;

  @SecretPrefixColumn('token_prefix')
  tokenPrefix!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('last_used_at', { nullable: true })
  lastUsedAt!: Date | null;

  @TimestampColumn('expires_at', { nullable: true })
  expiresAt!: Date | null;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;
}
