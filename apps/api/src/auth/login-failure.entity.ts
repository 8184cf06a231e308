import { Column, Entity, Index } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns';

/**
 * One failed sign-in, counted per account and per client address over a sliding window. The key
 * is a hash (`account:<email key>` or `ip:<address>`), so the ledger holds no emails or addresses.
 */
@Entity({ name: 'login_failures' })
@Index('IDX_login_failures_key_at', ['keyHash', 'at'])
export class LoginFailure {
  @IdColumn()
  id!: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @TimestampColumn('at')
  at!: Date;
}
