import { Column, Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * One email to send. Written in the same transaction as the change that causes it (an
 * invitation), then delivered by the dispatcher, which retries with back-off; so a change that
 * rolls back sends nothing and an SMTP outage loses nothing.
 */
@Entity({ name: 'email_outbox' })
@Index('IDX_email_outbox_due', ['status', 'nextAttemptAt'])
@Index('IDX_email_outbox_ref', ['ref'])
export class EmailOutbox {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id', { nullable: true })
  organizationId!: string | null;

  @Column({ type: 'varchar', length: 320 })
  recipient!: string;

  @Column({ type: 'varchar', length: 64 })
  template!: string;

  /** The template's data as JSON. Secret values (an accept link) are removed once the message is sent. */
  @Column({ type: 'text' })
  payload!: string;

  /** What the message is about (e.g. `invitation:<userId>`); a newer message with the same ref cancels a pending older one. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  ref!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: OutboxStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @TimestampColumn('next_attempt_at')
  nextAttemptAt!: Date;

  /** Set while a dispatcher holds the row, so two replicas never send it twice. */
  @TimestampColumn('locked_until', { nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('sent_at', { nullable: true })
  sentAt!: Date | null;
}
