import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { HashColumn, IdColumn, RefColumn, SecretPrefixColumn, TimestampColumn } from '../common/columns.decorator';
import { Directory } from './directory.entity';

/**
 * An OAuth 2.0 client of a directory (client credentials grant, RFC 6749 §4.4). Its id is the
 * public `client_id`; only the SHA-256 of its secret is stored.
 */
@Entity({ name: 'oauth_clients' })
@Index('IDX_oauth_clients_directory', ['directoryId', 'createdAt'])
export class OAuthClient {
  /** The `client_id`: a public identifier, not a secret. */
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('directory_id')
  directoryId!: string;

  @ManyToOne(() => Directory, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'directory_id', foreignKeyConstraintName: 'FK_oauth_clients_directory' })
  directory?: Directory;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @HashColumn('secret_hash')
  secretHash!: string;

  /** The first characters of the secret, so admins can tell clients apart. */
  @SecretPrefixColumn('secret_prefix')
  secretPrefix!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  /** When the client last obtained an access token. */
  @TimestampColumn('last_used_at', { nullable: true })
  lastUsedAt!: Date | null;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;
}
