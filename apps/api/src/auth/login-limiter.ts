import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { dateParam, Transactions } from '@app/database';
import { DomainError } from '../common/domain-error';
import { LoginFailure } from './login-failure.entity';

/** A sign-in attempt counted against its account and its client address until it succeeds. */
export interface Attempt {
  ids: string[];
  keys: string[];
}

/**
 * Limits failed sign-ins per account and per client address over a sliding window, in the
 * database, so every replica shares the count. An attempt is recorded BEFORE the password is
 * checked and the count read after, so N concurrent guesses see at least N rows between them:
 * concurrency cannot squeeze extra guesses past the limit. A success removes the account's
 * failures; an attempt refused by the limit is not counted (so a lock-out ends one window after
 * the last real failure).
 */
@Injectable()
export class LoginLimiter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: Transactions,
  ) {}

  /** Records an attempt, or throws 429 when the account or the address is over its limit. */
  async begin(emailKey: string, ip: string): Promise<Attempt> {
    const { perAccount, perIp, windowMs } = this.config.loginLimits;
    const account = keyOf('account', emailKey);
    const address = keyOf('ip', ip);
    const now = new Date();
    const since = new Date(now.getTime() - windowMs);
    const rows = [account, address].map((keyHash) => ({ id: randomUUID(), keyHash, at: now }));
    // Committed before counting, so concurrent attempts see each other.
    await this.tx.run((m) => m.insert(LoginFailure, rows));
    const attempt = { ids: rows.map((r) => r.id), keys: [account, address] };
    const counts: Array<{ key_hash: string; n: number | string; oldest: Date | string }> = await this.dataSource.query(
      `SELECT key_hash, COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE key_hash IN (?, ?) AND at > ? GROUP BY key_hash`,
      [account, address, dateParam(this.dataSource, since)],
    );
    const over = counts.filter((c) => Number(c.n) > (c.key_hash === account ? perAccount : perIp));
    if (over.length === 0) return attempt;
    await this.tx.run((m) => m.delete(LoginFailure, { id: In(attempt.ids) }));
    const freeAt = Math.max(...over.map((c) => new Date(c.oldest).getTime() + windowMs));
    throw new DomainError(
      'TOO_MANY_LOGIN_ATTEMPTS',
      'Too many failed sign-ins; try again later',
      { retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)) },
    );
  }

  /** The password was right: forget this attempt and the account's earlier failures. */
  async succeeded(attempt: Attempt): Promise<void> {
    await this.tx.run(async (m) => {
      await m.delete(LoginFailure, { id: In(attempt.ids) });
      await m.delete(LoginFailure, { keyHash: attempt.keys[0] });
    });
  }

  /** Clears failures older than the window for these keys, keeping the ledger small. */
  async prune(attempt: Attempt): Promise<void> {
    const since = new Date(Date.now() - this.config.loginLimits.windowMs);
    await this.tx.run((m) => m.query(`DELETE FROM login_failures WHERE key_hash IN (?, ?) AND at <= ?`, [...attempt.keys, dateParam(m.dataSource, since)]));
  }
}

/** The ledger stores hashes, never an email or an address. */
const keyOf = (kind: 'account' | 'ip', value: string): string => createHash('sha256').update(`${kind}:${value}`, 'utf8').digest('hex');
