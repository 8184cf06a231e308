import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { describeError, DrainResult, OutboxDelivery } from './outbox-delivery.service';

export type { DrainResult } from './outbox-delivery.service';

/**
 * When the outbox is drained: every `mail.pollIntervalMs` (retries, other replicas' messages),
 * and soon after a commit that queued a message (MailService registers `wake()` after it). One
 * woken drain at a time; a wake-up during it earns exactly one more pass. What a drain does is
 * OutboxDelivery's business.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** A woken drain is scheduled or running; `again` asks it for one more pass. */
  private woken = false;
  private again = false;
  private readonly inFlight = new Set<Promise<DrainResult>>();

  constructor(
    private readonly delivery: OutboxDelivery,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.schedule(), this.config.mail.pollIntervalMs);
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

  /** Asks for a drain soon. MailService calls it after the commit that queued a message. */
  wake(): void {
    if (this.config.mail.wakeOnCommit) this.schedule();
  }

  /** Sends every message due at `now` once; wake-ups and the timer end here, tests call it directly. */
  async drain(now = new Date()): Promise<DrainResult> {
    if (this.stopped) return { sent: 0, retried: 0, failed: 0 };
    const run = this.delivery.drain(now, () => this.stopped);
    this.inFlight.add(run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  /** One scheduled drain at a time; a request while it runs earns exactly one more pass. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.woken) {
      this.again = true;
      return;
    }
    this.woken = true;
    setImmediate(() => void this.drainWhileWoken());
  }

  private async drainWhileWoken(): Promise<void> {
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
      this.woken = false;
    }
  }
}
