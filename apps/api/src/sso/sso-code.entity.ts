import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../users/user.entity';
import { HashColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';

/** A one-time code the callback hands to the browser (its SHA-256 only); exchanged once, within 60 s. */
@Entity({ name: 'sso_codes' })
@Index('IDX_sso_codes_expires', ['expiresAt'])
export class SsoCode {
  @HashColumn('code_hash', { primary: true })
  codeHash!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('user_id')
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sso_codes_user' })
  user?: User;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('expires_at')
  expiresAt!: Date;

  @TimestampColumn('used_at', { nullable: true })
  usedAt!: Date | null;
}
