import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DeprovisionGuardService } from './deprovision-guard.service';

/** How often the sweeper looks for pending deprovisions whose grace is over, and how many it archives per batch. */
export const SWEEP_EVERY_MS = 30_000;
const SWEEP_BATCH = 100;
const SWEEP_BATCHES_PER_RUN = 10;

/**
 * Archives the people whose deprovisioning was pending (issue 11 §3) once their grace period is
 * over and the guard did not hold them. Safe on any number of replicas: each person is archived
 * by a conditional update (`WHERE deprovision_state = 'pending'`) in its own transaction, so two
 * sweepers, or a sweeper and a trip, never both act on one person. Bounded batches per run.
 */
@Injectable()
export class DeprovisionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeprovisionSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly guard: DeprovisionGuardService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweepQuietly(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run: archives up to SWEEP_BATCH × SWEEP_BATCHES_PER_RUN people whose grace ended by `now`. Returns how many. */
  async sweep(now = new Date()): Promise<number> {
    let archived = 0;
    for (let i = 0; i < SWEEP_BATCHES_PER_RUN; i++) {
      const due = await this.guard.duePending(now, SWEEP_BATCH);
      for (const id of due) if (await this.guard.archivePending(id, now)) archived++;
      if (due.length < SWEEP_BATCH) break;
    }
    return archived;
  }

  private async sweepQuietly(): Promise<void> {
    if (this.running) return;
    this.running = this.sweep();
    try {
      const archived = await this.running;
      if (archived) this.logger.log({ archived }, 'Archived people whose deprovisioning grace ended');
    } catch (err) {
      this.logger.warn({ err }, 'Could not sweep pending deprovisions');
    } finally {
      this.running = undefined;
    }
  }
}
