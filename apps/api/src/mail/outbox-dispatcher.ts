import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { SendMailOptions, Transporter } from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, MailConfig } from '@app/config';
import { Transactions } from '@app/database';
import { EmailOutbox } from './email-outbox.entity';
import { MailMessage, render, scrubPayload, SECRET_FIELDS } from './templates';

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
/** How long a claim lasts: longer than one send can take with the timeouts below. */
const CLAIM_MS = 2 * 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;
/** A dead or silent SMTP server fails the attempt quickly instead of holding the drain. */
const SMTP_TIMEOUT_MS = 10_000;
const MAX_ERROR_LENGTH = 1000;

/**
 * Delivers due outbox messages, retrying with back-off.
 *
 * Each message is claimed with a conditional UPDATE before it is sent, so two replicas on one
 * database never send it twice; a replica that dies mid-send leaves a claim that expires, and the
 * message is tried again (at least once, never twice while everything stays up).
 * Nothing here logs a payload, a rendered body, an accept link or the SMTP URL.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private readonly mail: MailConfig;
  /** Null without SMTP_URL: messages are then written to `mail.dir` as .eml files. */
  private readonly smtp: Transporter | null;
  private readonly files: Transporter<StreamTransport.SentMessageInfo>;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** A kicked drain is scheduled or running; `again` asks it for one more pass. */
  private kicked = false;
  private again = false;
  private readonly inFlight = new Set<Promise<DrainResult>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.mail = config.mail;
    this.smtp = this.mail.smtpUrl ? nodemailer.createTransport(withTimeouts(this.mail.smtpUrl)) : null;
    this.files = nodemailer.createTransport({ streamTransport: true, buffer: true });
  }

  onApplicationBootstrap(): void {
    if (this.mail.smtpUrl) {
      this.logger.log(`Mail: sending through the SMTP server at ${smtpAddress(this.mail.smtpUrl)}`);
    } else {
      this.logger.log(`Mail: SMTP_URL is not set, so emails are written as .eml files to ${resolve(this.mail.dir)} (development)`);
    }
    this.timer = setInterval(() => this.kick(), this.mail.pollIntervalMs);
    this.timer.unref();
  }

  /**
   * Stops before TypeORM closes the data source (it does so in its onApplicationShutdown), so no
   * drain touches the database after the app is closed.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  onApplicationShutdown(): void {
    this.smtp?.close();
    this.files.close();
  }

  /** Asks for a drain soon; call it after the transaction that queued a message commits. */
  kick(): void {
    if (this.stopped) return;
    if (this.kicked) {
      this.again = true;
      return;
    }
    this.kicked = true;
    setImmediate(() => void this.drainWhileKicked());
  }

  /** Sends every message due at `now` once; the timer and tests call it. */
  async drain(now = new Date()): Promise<DrainResult> {
    if (this.stopped) return { sent: 0, retried: 0, failed: 0 };
    const run = this.drainRounds(now);
    this.inFlight.add(run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  /** One drain at a time for kicks; a kick that arrives during it earns exactly one more. */
  private async drainWhileKicked(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          await this.drain();
        } catch (err) {
          this.logger.error({ error: describeError(err) }, 'Email outbox drain failed');
        }
      } while (this.again && !this.stopped);
    } finally {
      this.kicked = false;
    }
  }

  private async drainRounds(now: Date): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
    for (let round = 0; round < MAX_ROUNDS && !this.stopped; round++) {
      const due = await this.findDue(now);
      for (const row of due) {
        if (this.stopped) break;
        const outcome = await this.deliver(row, now);
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
  private async deliver(row: EmailOutbox, now: Date): Promise<Outcome | null> {
    if (!(await this.claim(row, now))) return null;
    const attempts = row.attempts + 1;
    try {
      await this.send(row);
    } catch (err) {
      return this.recordFailure(row, attempts, err, now);
    }
    await this.update(row.id, {
      status: 'sent',
      sentAt: now,
      lockedUntil: null,
      payload: scrubPayload(row.template, row.payload),
    });
    this.logger.log({ outboxId: row.id, template: row.template, attempts, status: 'sent' }, 'Email sent');
    return 'sent';
  }

  /**
   * Takes the row for CLAIM_MS if it is still pending, unclaimed and as we read it (same attempt
   * count): exactly one dispatcher's UPDATE matches, whatever the number of replicas.
   */
  private async claim(row: EmailOutbox, now: Date): Promise<boolean> {
    const result = await this.tx.run((m) =>
      m
        .createQueryBuilder()
        .update(EmailOutbox)
        .set({ lockedUntil: new Date(now.getTime() + CLAIM_MS), attempts: () => 'attempts + 1' })
        .where('id = :id AND status = :pending AND attempts = :attempts', { id: row.id, pending: 'pending', attempts: row.attempts })
        .andWhere('(locked_until IS NULL OR locked_until < :now)', { now })
        .execute(),
    );
    return result.affected === 1;
  }

  private async send(row: EmailOutbox): Promise<void> {
    const { subject, text, html } = render(readMessage(row));
    const mail: SendMailOptions = { from: this.mail.from, to: row.recipient, subject, text, html };
    if (this.smtp) {
      await this.smtp.sendMail(mail);
      return;
    }
    const { message: raw } = await this.files.sendMail(mail);
    await mkdir(this.mail.dir, { recursive: true });
    const file = resolve(join(this.mail.dir, `${row.id}.eml`));
    await writeFile(file, raw);
    this.logger.log({ outboxId: row.id, template: row.template, file }, `Email written to ${file} (no SMTP_URL set)`);
  }

  /** Reschedules with exponential back-off, or gives up after maxAttempts. Never resurrects a cancelled row. */
  private async recordFailure(row: EmailOutbox, attempts: number, err: unknown, now: Date): Promise<Outcome> {
    const lastError = describeError(err);
    const log = { outboxId: row.id, template: row.template, attempts, error: lastError };
    if (attempts >= this.mail.maxAttempts) {
      await this.update(
        row.id,
        { status: 'failed', lockedUntil: null, lastError, payload: scrubPayload(row.template, row.payload) },
        { onlyPending: true },
      );
      this.logger.error({ ...log, status: 'failed' }, 'Email delivery failed for good');
      return 'failed';
    }
    const delay = Math.min(this.mail.retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    const nextAttemptAt = new Date(now.getTime() + delay);
    await this.update(row.id, { lockedUntil: null, lastError, nextAttemptAt }, { onlyPending: true });
    this.logger.warn({ ...log, status: 'pending', nextAttemptAt: nextAttemptAt.toISOString() }, 'Email delivery failed, will retry');
    return 'retried';
  }

  private async update(id: string, values: Partial<EmailOutbox>, { onlyPending = false } = {}): Promise<void> {
    await this.tx.run((m) => {
      const query = m.createQueryBuilder().update(EmailOutbox).set(values).where('id = :id', { id });
      if (onlyPending) query.andWhere('status = :pending', { pending: 'pending' });
      return query.execute();
    });
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
function describeError(err: unknown): string {
  // Duck-typed: errors from another realm (Node's own, under Jest) fail `instanceof Error`.
  const { code, message } = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : 'Unknown error';
  return (typeof code === 'string' && code !== '' ? `${code}: ${text}` : text).slice(0, MAX_ERROR_LENGTH);
}

/** The URL with default timeouts (nodemailer ignores other options when given a URL); the URL's own win. */
function withTimeouts(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  for (const key of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) {
    if (!url.searchParams.has(key)) url.searchParams.set(key, String(SMTP_TIMEOUT_MS));
  }
  return url.toString();
}

/** host:port only: the URL may hold a password. */
function smtpAddress(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
  return `${url.hostname}:${port}`;
}
