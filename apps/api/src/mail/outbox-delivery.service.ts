import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, MailConfig } from '@app/config';
import { dbErrorLogFields, isDatabaseUnavailable, Transactions } from '@app/database';
import { EmailOutbox } from './email-outbox.entity';
import { MailTransport } from './mail-transport.service';
import { MailMessage, render, scrubPayload, SECRET_FIELDS } from './mail.templates';

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
}

type Outcome = keyof DrainResult;

/** Due messages read per query. */
const BATCH = 50;
/** Queries per drain, so one drain ends even if rows keep arriving; the next tick goes on. */
const MAX_ROUNDS = 20;
/** How long a claim lasts: longer than one send can take with the transport's timeouts. */
const CLAIM_MS = 2 * 60_000;
/** Added to a claim's expiry at random, so the expiry tells this claim from another dispatcher's. */
const CLAIM_JITTER_MS = 10_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const MAX_ERROR_LENGTH = 1000;
/** How long a write whose outcome the database left unknown (connection lost) is retried: past a Galera failover. */
const UNKNOWN_OUTCOME_BUDGET_MS = 60_000;
const UNKNOWN_OUTCOME_WAIT_MS = 250;

/**
 * The outbox state machine: `pending` → claimed (a lease) → sent, or back to `pending` with
 * back-off, or `failed` after maxAttempts; `cancelled` (by MailService, when a newer message has
 * the same ref) is never resurrected.
 *
 * Each message is claimed with a conditional UPDATE before it is sent, so two dispatchers never
 * both send it. Guarantee: **each message is delivered at least once, and exactly once unless this
 * process dies between the SMTP server's acceptance and the `sent` mark**. A database outage in
 * that window (the node under the connection died) does not resend: the mark, like a claim whose
 * commit went unanswered, is retried until the database answers again (UNKNOWN_OUTCOME_BUDGET_MS).
 * Only a dead process leaves a claim that expires, after which the message is sent again, with
 * the same Message-ID (MailTransport).
 * Nothing here logs a payload, a rendered body or an accept link.
 */
@Injectable()
export class OutboxDelivery {
  private readonly logger = new Logger(OutboxDelivery.name);
  private readonly mail: MailConfig;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly transport: MailTransport,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.mail = config.mail;
  }

  /** Sends every message due at `now` once; `stopped` ends it early (shutdown). */
  async drain(now: Date, stopped: () => boolean): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
    for (let round = 0; round < MAX_ROUNDS && !stopped(); round++) {
      const due = await this.findDue(now);
      for (const row of due) {
        if (stopped()) break;
        const outcome = await this.deliver(row, now, stopped);
        if (outcome) result[outcome]++;
      }
      // Rows handled this round are sent, rescheduled or claimed, so the next query skips them.
      if (due.length < BATCH) break;
    }
    return result;
  }

  private findDue(now: Date): Promise<EmailOutbox[]> {
    return this.dataSource
      .getRepository(EmailOutbox)
      .createQueryBuilder('o')
      .where('o.status = :pending', { pending: 'pending' })
      .andWhere('o.next_attempt_at <= :now', { now })
      .andWhere('(o.locked_until IS NULL OR o.locked_until < :now)', { now })
      .orderBy('o.next_attempt_at', 'ASC')
      .take(BATCH)
      .getMany();
  }

  /** Claims, sends and records one message; null when another dispatcher got it first. */
  private async deliver(row: EmailOutbox, now: Date, stopped: () => boolean): Promise<Outcome | null> {
    if (!(await this.claim(row, now, stopped))) return null;
    const attempts = row.attempts + 1;
    try {
      await this.transport.send({ outboxId: row.id, to: row.recipient, ...render(readMessage(row)) });
    } catch (err) {
      return this.recordFailure(row, attempts, err, now, stopped);
    }
    await this.update(row.id, { status: 'sent', sentAt: now, lockedUntil: null, payload: scrubPayload(row.template, row.payload) }, stopped);
    this.logger.log({ outboxId: row.id, template: row.template, attempts, status: 'sent' }, 'Email sent');
    return 'sent';
  }

  /**
   * Takes the row until its lease expires if it is still pending, unclaimed and as we read it
   * (same attempt count): exactly one dispatcher's UPDATE matches, whatever the number of
   * replicas. When the database does not answer the UPDATE, it may still have committed: the row
   * is read again until it does, and is ours if it holds our lease.
   */
  private async claim(row: EmailOutbox, now: Date, stopped: () => boolean): Promise<boolean> {
    const lease = new Date(now.getTime() + CLAIM_MS + randomInt(CLAIM_JITTER_MS));
    const take = async (): Promise<boolean> => {
      const result = await this.tx.run((m) =>
        m
          .createQueryBuilder()
          .update(EmailOutbox)
          .set({ lockedUntil: lease, attempts: () => 'attempts + 1' })
          .where('id = :id AND status = :pending AND attempts = :attempts', { id: row.id, pending: 'pending', attempts: row.attempts })
          .andWhere('(locked_until IS NULL OR locked_until < :now)', { now })
          .execute(),
      );
      return result.affected === 1;
    };
    try {
      return await take();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
    }
    return this.untilAnswered(row.id, stopped, async () => {
      const current = await this.dataSource.getRepository(EmailOutbox).findOneByOrFail({ id: row.id });
      if (current.attempts === row.attempts + 1 && current.lockedUntil?.getTime() === lease.getTime()) return true;
      return take();
    });
  }

  /** Reschedules with exponential back-off, or gives up after maxAttempts. Never resurrects a cancelled row. */
  private async recordFailure(row: EmailOutbox, attempts: number, err: unknown, now: Date, stopped: () => boolean): Promise<Outcome> {
    const lastError = describeError(err);
    const log = { outboxId: row.id, template: row.template, attempts, error: lastError };
    if (attempts >= this.mail.maxAttempts) {
      await this.update(row.id, { status: 'failed', lockedUntil: null, lastError, payload: scrubPayload(row.template, row.payload) }, stopped, {
        onlyPending: true,
      });
      this.logger.error({ ...log, status: 'failed' }, 'Email delivery failed for good');
      return 'failed';
    }
    const delay = Math.min(this.mail.retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    const nextAttemptAt = new Date(now.getTime() + delay);
    await this.update(row.id, { lockedUntil: null, lastError, nextAttemptAt }, stopped, { onlyPending: true });
    this.logger.warn({ ...log, status: 'pending', nextAttemptAt: nextAttemptAt.toISOString() }, 'Email delivery failed, will retry');
    return 'retried';
  }

  /** Records the outcome of an attempt; idempotent, so it is simply repeated while the database does not answer. */
  private async update(id: string, values: Partial<EmailOutbox>, stopped: () => boolean, { onlyPending = false } = {}): Promise<void> {
    await this.untilAnswered(id, stopped, () =>
      this.tx.run((m) => {
        const query = m.createQueryBuilder().update(EmailOutbox).set(values).where('id = :id', { id });
        if (onlyPending) query.andWhere('status = :pending', { pending: 'pending' });
        return query.execute();
      }),
    );
  }

  /**
   * Runs `work` until the database answers it, for up to UNKNOWN_OUTCOME_BUDGET_MS (or until the
   * app stops); other errors, and the last outage error, are thrown.
   */
  private async untilAnswered<T>(outboxId: string, stopped: () => boolean, work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + UNKNOWN_OUTCOME_BUDGET_MS;
    for (let retry = 0; ; retry++) {
      try {
        return await work();
      } catch (err) {
        if (!isDatabaseUnavailable(err) || Date.now() >= deadline || stopped()) throw err;
        if (retry === 0) this.logger.warn({ outboxId, ...dbErrorLogFields(err) }, 'The database did not answer an outbox write; retrying it until it does');
        await new Promise((resolve) => setTimeout(resolve, UNKNOWN_OUTCOME_WAIT_MS));
      }
    }
  }
}

/** The stored message; errors name the row's problem without quoting the payload (a JSON error would). */
function readMessage(row: EmailOutbox): MailMessage {
  if (!(row.template in SECRET_FIELDS)) throw new Error(`Unknown email template "${row.template}"`);
  try {
    const data: unknown = JSON.parse(row.payload);
    return { template: row.template, data } as MailMessage;
  } catch {
    throw new Error('The outbox payload is not valid JSON');
  }
}

/** "CODE: message", short, for last_error and logs. Errors never carry the payload we send. */
export function describeError(err: unknown): string {
  // Duck-typed: errors from another realm (Node's own, under Jest) fail `instanceof Error`.
  const { code, message } = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : 'Unknown error';
  return (typeof code === 'string' && code !== '' ? `${code}: ${text}` : text).slice(0, MAX_ERROR_LENGTH);
}
