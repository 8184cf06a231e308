import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { HashColumn, IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { OAuthClient } from './oauth-client.entity';

/**
 * An access token issued to an OAuth client: opaque, short-lived, stored as its SHA-256 only and
 * read on every SCIM request together with its client, so revoking the client ends it at once.
 */
@Entity({ name: 'oauth_access_tokens' })
@Index('UQ_oauth_access_tokens_hash', ['tokenHash'], { unique: true })
@Index('IDX_oauth_access_tokens_client', ['clientId', 'expiresAt'])
export class OAuthAccessToken {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('directory_id')
  directoryId!: string;

  @RefColumn('client_id')
  clientId!: string;

  @ManyToOne(() => OAuthClient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'FK_oauth_access_tokens_client' })
  client?: OAuthClient;

  @HashColumn('token_hash')
  tokenHash!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('expires_at')
  expiresAt!: Date;
}
