import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { HashColumn, IdColumn, RefColumn, SecretPrefixColumn, TimestampColumn } from '../common/columns.decorator';
import { Directory } from './directory.entity';

/** A named SCIM bearer token of a directory; only its SHA-256 hash is stored. */
@Entity({ name: 'directory_tokens' })
@Index('UQ_directory_tokens_hash', ['tokenHash'], { unique: true })
@Index('IDX_directory_tokens_directory', ['directoryId', 'createdAt'])
export class DirectoryToken {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('directory_id')
  directoryId!: string;

  @ManyToOne(() => Directory, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'directory_id', foreignKeyConstraintName: 'FK_directory_tokens_directory' })
  directory?: Directory;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  @HashColumn('token_hash')
  tokenHash!: string;

  /** The first characters of the secret, so admins can tell tokens apart. */
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
