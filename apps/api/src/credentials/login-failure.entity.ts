import { Entity, Index } from 'typeorm';
import { HashColumn, IdColumn, TimestampColumn } from '../common/columns.decorator';

/**
 * One failed sign-in under one key, counted over a sliding window. The key is a hash
 * (`pair:<address>|<email key>`, `ip:<address>` or `account:<email key>`), so the ledger holds no
 * emails or addresses. Every failure is three rows, one per key.
 */
@Entity({ name: 'login_failures' })
@Index('IDX_login_failures_key_at', ['keyHash', 'at'])
// The sweep of expired rows reads by age alone, across keys.
@Index('IDX_login_failures_at', ['at'])
export class LoginFailure {
  @IdColumn()
  id!: string;

  @HashColumn('key_hash')
  keyHash!: string;

  @TimestampColumn('at')
  at!: Date;
}
