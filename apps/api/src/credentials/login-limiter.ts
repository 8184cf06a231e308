import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { dateParam, Transactions } from '@app/database';
import { DomainError } from '../common/domain-error';
import { LoginFailure } from './login-failure.entity';

/** A sign-in attempt, counted against its (account, address) pair, its address and its account. */
export interface Attempt {
  ids: string[];
  pairKey: string;
}

/**
 * Expired rows swept per failed attempt. Each attempt adds three rows, so a sweep of up to 100
 * drains the expired backlog far faster than any flood fills it, at a bounded cost per request
 * (one indexed SELECT … LIMIT and one DELETE by primary key).
 */
export const PRUNE_BATCH = 100;

/**
 * Limits failed sign-ins over a sliding window, in the database so every replica shares the
 * count, under three keys:
 * - the (account, address) pair, tight (LOGIN_MAX_FAILURES_PER_ACCOUNT): guessing one person's
 *   password from one place;
 * - the address, whatever the accounts (LOGIN_MAX_FAILURES_PER_IP): one place spraying a common
 *   password over many accounts;
 * - the account from every address together, a far higher ceiling
 *   (LOGIN_MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS): guessing one password from many places.
 *   Because a stranger's address is stopped by the pair limit first, locking a person out
 *   everywhere takes ceiling / pair-limit distinct addresses per window, not six bad passwords.
 * An attempt is recorded under all three BEFORE the password is checked and the counts read
 * after, so N concurrent guesses see at least N rows between them: concurrency cannot squeeze
 * extra guesses past a limit. An attempt refused by a limit is not counted under any key (so a
 * lock-out ends one window after the last real failure, and refused attempts never feed the
 * account-wide count).
 */
@Injectable()
export class LoginLimiter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: Transactions,
  ) {}

  /**
   * Records an attempt, or throws 429 when the pair, the address or the account is over its limit.
   * `scope` keeps the token endpoint's client authentications (the account being the client id)
   * apart from sign-ins: each has its own keys, with the same limits.
   */
  async begin(emailKey: string, ip: string, scope: 'sign-in' | 'oauth-client' = 'sign-in'): Promise<Attempt> {
    const { perAccount, perIp, perAccountAnyAddress, windowMs } = this.config.loginLimits;
    // Sign-in keys keep their original, unprefixed form.
    const p = scope === 'sign-in' ? '' : `${scope}:`;
    // An address holds no '|', so the pair key cannot be confused with another pair's.
    const limits = new Map([
      [keyOf(`${p}pair:${ip}|${emailKey}`), perAccount],
      [keyOf(`${p}ip:${ip}`), perIp],
      [keyOf(`${p}account:${emailKey}`), perAccountAnyAddress],
    ]);
    const keys = [...limits.keys()];
    const now = new Date();
    const since = new Date(now.getTime() - windowMs);
    const rows = keys.map((keyHash) => ({ id: randomUUID(), keyHash, at: now }));
    // Committed before counting, so concurrent attempts see each other.
    await this.tx.run((m) => m.insert(LoginFailure, rows));
    const attempt = { ids: rows.map((r) => r.id), pairKey: keys[0] };
    const counts: Array<{ key_hash: string; n: number | string; oldest: Date | string }> = await this.dataSource.query(
      `SELECT key_hash, COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE key_hash IN (?, ?, ?) AND at > ? GROUP BY key_hash`,
      [...keys, dateParam(this.dataSource, since)],
    );
    const over = counts.filter((c) => Number(c.n) > (limits.get(c.key_hash) ?? 0));
    if (over.length === 0) return attempt;
    await this.tx.run((m) => m.delete(LoginFailure, { id: In(attempt.ids) }));
    const freeAt = Math.max(...over.map((c) => new Date(c.oldest).getTime() + windowMs));
    throw new DomainError('TOO_MANY_LOGIN_ATTEMPTS', 'Too many failed sign-ins; try again later', {
      retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)),
    });
  }

  /**
   * The password was right: forget this attempt and the earlier failures of the same account
   * FROM THE SAME ADDRESS (the person's own typos). Nothing else is cleared, on purpose:
   * - not the address's count, or a sprayer holding one valid account of their own could reset
   *   their address after every 49 guesses by signing in to it;
   * - not the account-wide count, or the owner's every sign-in would hand a distributed guesser a
   *   fresh allowance; that count exists to bound guesses per window whatever happens, and it is
   *   far above anything a person mistyping reaches.
   * A stranger's failures from elsewhere sit under their own pair key and stay counted.
   */
  async succeeded(attempt: Attempt): Promise<void> {
    await this.tx.run(async (m) => {
      await m.delete(LoginFailure, { id: In(attempt.ids) });
      await m.delete(LoginFailure, { keyHash: attempt.pairKey });
    });
  }

  /**
   * The password was wrong: the attempt stays counted, and up to PRUNE_BATCH rows older than the
   * window, of ANY key, are swept. Every failure sweeps, so the ledger stays bounded by the
   * failures of one window even under a flood of random emails whose keys never come back.
   * Several replicas may sweep the same rows at once: the SELECT does not lock and the DELETE by
   * primary key is idempotent, and rows outside the window never change a count.
   */
  async failed(): Promise<void> {
    const since = dateParam(this.dataSource, new Date(Date.now() - this.config.loginLimits.windowMs));
    const expired: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM login_failures WHERE at <= ? ORDER BY at LIMIT ${PRUNE_BATCH}`, [since]);
    if (expired.length === 0) return;
    await this.tx.run((m) => m.delete(LoginFailure, { id: In(expired.map((r) => r.id)) }));
  }
}

/** The ledger stores hashes, never an email or an address. */
const keyOf = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
