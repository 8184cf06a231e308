import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { chunks, insertRows, Transactions } from '@app/database';
import { EmailOutbox } from './email-outbox.entity';
import { OutboxDispatcher } from './outbox-dispatcher.service';
import type { MailMessage } from './mail.templates';

export type OutgoingMail = MailMessage & {
  organizationId: string | null;
  to: string;
  /** What the message is about, e.g. `invitation:<userId>`: queuing a message cancels pending ones with the same ref. */
  ref?: string;
};

/** Rows per statement: keeps every statement far below the engines' bound-parameter limits. */
const CHUNK = 500;

/**
 * The one way into mail: emails are queued in the outbox inside the caller's transaction
 * (a `Transactions.run` manager), and the dispatcher is woken once that transaction commits, so a
 * rolled-back change sends nothing and callers never schedule delivery themselves.
 */
@Injectable()
export class MailService {
  constructor(
    private readonly tx: Transactions,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  /** Cancels the messages still pending with these refs (e.g. the invitation of a person just archived). */
  async cancelPending(m: EntityManager, refs: string[]): Promise<void> {
    for (const chunk of chunks(refs, CHUNK)) {
      await m
        .createQueryBuilder()
        .update(EmailOutbox)
        .set({ status: 'cancelled' })
        .where('ref IN (:...refs)', { refs: chunk })
        .andWhere('status = :pending', { pending: 'pending' })
        .execute();
    }
  }

  /** Queues messages (one INSERT per batch) and cancels pending messages with the same refs; returns the outbox ids in order. */
  async enqueue(m: EntityManager, mails: OutgoingMail[]): Promise<string[]> {
    if (mails.length === 0) return [];
    const now = new Date();
    this.tx.afterCommit(m, () => this.dispatcher.wake());

    await this.cancelPending(m, [...new Set(mails.flatMap((mail) => (mail.ref ? [mail.ref] : [])))]);

    // Within one batch the last message for a ref wins too: earlier ones go in already cancelled.
    const lastIndexOfRef = new Map(mails.flatMap((mail, i) => (mail.ref ? [[mail.ref, i] as const] : [])));
    const rows = mails.map((mail, i): EmailOutbox => ({
      id: randomUUID(),
      organizationId: mail.organizationId,
      recipient: mail.to,
      template: mail.template,
      payload: JSON.stringify(mail.data),
      ref: mail.ref ?? null,
      status: mail.ref && lastIndexOfRef.get(mail.ref) !== i ? 'cancelled' : 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lockedUntil: null,
      lastError: null,
      createdAt: now,
      sentAt: null,
    }));
    for (const chunk of chunks(rows, CHUNK)) await insertRows(m, EmailOutbox, chunk);
    return rows.map((row) => row.id);
  }
}
