import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { dateParam, Transactions } from '@app/database';
import { DomainError } from '../common/domain.errors';
import { statusOf } from '../errors/error-status.util';
import { LoginFailure } from './login-failure.entity';

/** A sign-in attempt, counted against its (account, address) pair, its address and its account (or its address alone). */
export interface Attempt {
  ids: string[];
  pairKey: string | null;
}

/**
 * What is limited, each under keys of its own with the same limits: password sign-ins, the token
 * endpoint's client authentications (the account being the client id), single sign-on starts
 * (the account being the email or organisation asked for) and one-time code exchanges (by
 * address only: a code names no account).
 */
export type AttemptScope = 'sign-in' | 'oauth-client' | 'sso-start' | 'sso-exchange';

/** At most this many attempt rows wait in memory to be forgotten (see `abandon`). */
const MAX_UNSETTLED = 10_000;

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
 * account-wide count). An attempt whose check could not run (the database or the provider
 * unreachable) is no failure either: `abandon` forgets it, and when the database is too far gone
 * for that, this process forgets it at its next attempt.
 */
@Injectable()
export class LoginLimiter {
  /** Rows of attempts that were abandoned while the database could not delete them. */
  private readonly unsettled = new Set<string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: Transactions,
  ) {}

  /**
   * Records an attempt, or throws 429 when the pair, the address or the account is over its
   * limit. `account` null counts the address alone (an SSO code exchange), never a key every
   * address shares, which anyone could fill to lock everyone out.
   */
  async begin(account: string | null, ip: string, scope: AttemptScope = 'sign-in'): Promise<Attempt> {
    const { perAccount, perIp, perAccountAnyAddress, windowMs } = this.config.loginLimits;
    // Sign-in keys keep their original, unprefixed form.
    const p = scope === 'sign-in' ? '' : `${scope}:`;
    // An address holds no '|', so the pair key cannot be confused with another pair's.
    const pairKey = account === null ? null : keyOf(`${p}pair:${ip}|${account}`);
    const limits = new Map([[keyOf(`${p}ip:${ip}`), perIp]]);
    if (account !== null) {
      limits.set(pairKey!, perAccount);
      limits.set(keyOf(`${p}account:${account}`), perAccountAnyAddress);
    }
    const keys = [...limits.keys()];
    const now = new Date();
    const since = new Date(now.getTime() - windowMs);
    const rows = keys.map((keyHash) => ({ id: randomUUID(), keyHash, at: now }));
    const forget = [...this.unsettled];
    // Committed before counting, so concurrent attempts see each other.
    await this.tx.run(async (m) => {
      if (forget.length > 0) await m.delete(LoginFailure, { id: In(forget) });
      await m.insert(LoginFailure, rows);
    });
    for (const id of forget) this.unsettled.delete(id);
    const attempt = { ids: rows.map((r) => r.id), pairKey };
    const counts: Array<{ key_hash: string; n: number | string; oldest: Date | string }> = await this.dataSource.query(
      `SELECT key_hash, COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE key_hash IN (${keys.map(() => '?').join(', ')}) AND at > ? GROUP BY key_hash`,
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
   * Runs `check` as one limited attempt (single sign-on's start and code exchange): a refusal it
   * throws (a DomainError answered with a 4xx, e.g. a wrong code) is a failure; any other error
   * (an outage, answered 503) abandons the attempt; success is `succeeded`.
   */
  async attempt<T>(account: string | null, ip: string, scope: AttemptScope, check: () => Promise<T>): Promise<T> {
    const attempt = await this.begin(account, ip, scope);
    let result: T;
    try {
      result = await check();
    } catch (err) {
      if (err instanceof DomainError && statusOf(err.code) < 500) await this.failed();
      else await this.abandon(attempt);
      throw err;
    }
    await this.succeeded(attempt);
    return result;
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
    try {
      await this.tx.run(async (m) => {
        await m.delete(LoginFailure, { id: In(attempt.ids) });
        if (attempt.pairKey) await m.delete(LoginFailure, { keyHash: attempt.pairKey });
      });
    } catch (err) {
      // The credential was right: whatever answer the outage gives, this attempt is no failure.
      this.forgetLater(attempt);
      throw err;
    }
  }

  /**
   * The check could not run (the database or the provider unreachable, or a fault of ours): the
   * attempt is forgotten, not counted as a failure, and the caller answers with the error (a 503
   * with Retry-After for an outage). When the database cannot even delete the rows now, this
   * process deletes them at its next attempt. Never throws, so the caller's error goes on.
   */
  async abandon(attempt: Attempt): Promise<void> {
    try {
      await this.tx.run((m) => m.delete(LoginFailure, { id: In(attempt.ids) }));
    } catch {
      this.forgetLater(attempt);
    }
  }

  private forgetLater(attempt: Attempt): void {
    for (const id of attempt.ids) if (this.unsettled.size < MAX_UNSETTLED) this.unsettled.add(id);
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
