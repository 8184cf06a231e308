import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { isUniqueViolation, Transactions } from '@app/database';
import { DirectoriesService } from '../directories/directories.service';
import { Directory } from '../directories/directory.entity';
import { DirectoryState, DirectoryStates } from '../directories/directory-states.service';
import { MailService } from '../mail/mail.service';
import { Organization } from '../organizations/organization.entity';
import { mayHoldAccessSql } from '../users/access-rule.sql';
import { effectiveAdminSql } from '../users/admin-rights.sql';
import { DirectoryHealthMark, ProvisioningEvent } from './provisioning-event.entity';
import { DirectoryHealthResponse, WindowCountsResponse } from './dto/provisioning-log.dto';
import { ProvisioningLog } from './provisioning-log.service';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
/** `failing` needs at least this many failures in the last hour (one refused request is `degraded`). */
export const FAILING_MIN_FAILURES = 3;
/** An initial cycle is shown while the directory's first event is younger than this… */
const INITIAL_CYCLE_MAX_AGE = DAY;
/** …and its latest create younger than this. */
const INITIAL_CYCLE_QUIET = 5 * 60_000;
const EXPIRY_WARNING = 14 * DAY;
const CREATES = ['create', 'relink', 'adopt'];

export type WindowCounts = WindowCountsResponse;

/** What the state rules read (pure, so the rules are easy to state and to test). */
export interface StateInputs {
  everConnected: boolean;
  lastRequestAt: Date | null;
  lastHour: Pick<WindowCounts, 'failures' | 'successes'>;
  latestOutcome: string | null;
}

/**
 * The rules, in order (README "Directory health"):
 * - `never-connected`: no request has reached the directory with one of its tokens;
 * - `idle`: no request for 24 hours (Entra cycles every ~40 minutes: the job is stopped or paused);
 * - `failing`: the latest logged request failed, the last hour holds at least 3 failures, and no
 *   more successful writes than failures;
 * - `degraded`: any failure in the last hour;
 * - `healthy`: otherwise.
 */
export function stateOf(i: StateInputs, now: Date): DirectoryState {
  if (!i.everConnected) return 'never-connected';
  if (!i.lastRequestAt || now.getTime() - i.lastRequestAt.getTime() > DAY) return 'idle';
  if (i.latestOutcome === 'failure' && i.lastHour.failures >= FAILING_MIN_FAILURES && i.lastHour.failures >= i.lastHour.successes) return 'failing';
  if (i.lastHour.failures > 0) return 'degraded';
  return 'healthy';
}

export type DirectoryHealth = DirectoryHealthResponse;

/** Directory health from the provisioning log, and the admins' email when a directory turns failing. */
@Injectable()
export class DirectoryHealthService {
  private readonly logger = new Logger(DirectoryHealthService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly directories: DirectoriesService,
    private readonly log: ProvisioningLog,
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    states: DirectoryStates,
  ) {
    states.register((dirs) => this.statesOf(dirs));
    log.onBatch((events) => this.afterBatch(events));
  }

  async health(organizationId: string, directoryId: string, now = new Date()): Promise<DirectoryHealth> {
    const directory = await this.directories.get(organizationId, directoryId);
    await this.log.flush();
    const [lastHour, lastDay] = await this.counts(directoryId, now);
    const latest = await this.latest(directoryId);
    const lastSuccess = await this.latest(directoryId, 'success');
    const lastFailure = await this.latest(directoryId, 'failure');
    const lastRequestAt = maxDate(latest?.at ?? null, directory.lastActivityAt);
    const state = stateOf({ everConnected: lastRequestAt !== null, lastRequestAt, lastHour, latestOutcome: latest?.outcome ?? null }, now);
    await this.settleMark(directory, state);
    const tokens = await this.directories.expiringTokens(directoryId, now, new Date(now.getTime() + EXPIRY_WARNING));
    return {
      directoryId,
      state,
      lastRequestAt: iso(lastRequestAt),
      lastSuccessAt: iso(lastSuccess?.at ?? null),
      lastFailureAt: iso(lastFailure?.at ?? null),
      lastHour,
      lastDay,
      topErrors: await this.topErrors(directoryId, new Date(now.getTime() - DAY)),
      expiringTokens: tokens.map((t) => ({ id: t.id, name: t.name, expiresAt: (t.expiresAt as Date).toISOString() })),
      initialCycle: await this.initialCycle(directoryId, now),
      droppedEvents: this.log.dropped,
    };
  }

  /** The state of each directory (the directory list). */
  async statesOf(dirs: Directory[], now = new Date()): Promise<Map<string, DirectoryState>> {
    await this.log.flush();
    const states = new Map<string, DirectoryState>();
    for (const d of dirs) states.set(d.id, await this.stateNow(d, now));
    return states;
  }

  private async stateNow(d: Directory, now: Date): Promise<DirectoryState> {
    const [lastHour] = await this.counts(d.id, now, false);
    const latest = await this.latest(d.id);
    const lastRequestAt = maxDate(latest?.at ?? null, d.lastActivityAt);
    return stateOf({ everConnected: lastRequestAt !== null, lastRequestAt, lastHour, latestOutcome: latest?.outcome ?? null }, now);
  }

  /** Counts per status and outcome over the last hour and (unless `withDay` is false) the last day. */
  private async counts(directoryId: string, now: Date, withDay = true): Promise<[WindowCounts, WindowCounts]> {
    const hourAgo = new Date(now.getTime() - HOUR);
    const rows: Array<{ status: number | string; outcome: string; hour: number | string; day: number | string }> = await this.events()
      .select('e.status', 'status')
      .addSelect('e.outcome', 'outcome')
      .addSelect('SUM(CASE WHEN e.at >= :hourAgo THEN 1 ELSE 0 END)', 'hour')
      .addSelect('COUNT(*)', 'day')
      .where('e.directory_id = :directoryId AND e.at >= :since', { directoryId, since: withDay ? new Date(now.getTime() - DAY) : hourAgo, hourAgo })
      .groupBy('e.status')
      .addGroupBy('e.outcome')
      .getRawMany();
    const tally = (pick: 'hour' | 'day'): WindowCounts => {
      const w: WindowCounts = { requests: 0, failures: 0, successes: 0, byStatus: {} };
      for (const r of rows) {
        const n = Number(r[pick]);
        if (n === 0) continue;
        w.requests += n;
        if (r.outcome === 'failure') w.failures += n;
        else w.successes += n;
        w.byStatus[String(r.status)] = (w.byStatus[String(r.status)] ?? 0) + n;
      }
      return w;
    };
    return [tally('hour'), tally('day')];
  }

  private async latest(directoryId: string, outcome?: string): Promise<{ at: Date; outcome: string } | null> {
    const qb = this.dataSource
      .getRepository(ProvisioningEvent)
      .createQueryBuilder('e')
      .select(['e.id', 'e.at', 'e.outcome'])
      .where('e.directory_id = :directoryId', { directoryId });
    if (outcome) qb.andWhere('e.outcome = :outcome', { outcome });
    const row = await qb.orderBy('e.at', 'DESC').addOrderBy('e.id', 'DESC').limit(1).getOne();
    return row ? { at: row.at, outcome: row.outcome } : null;
  }

  private async topErrors(directoryId: string, since: Date): Promise<DirectoryHealth['topErrors']> {
    const rows: Array<{ code: string | null; n: number | string; sample: string | null }> = await this.events()
      .select('e.error_code', 'code')
      .addSelect('COUNT(*)', 'n')
      .addSelect('MAX(e.error_message)', 'sample')
      .where("e.directory_id = :directoryId AND e.at >= :since AND e.outcome = 'failure'", { directoryId, since })
      .groupBy('e.error_code')
      .orderBy('n', 'DESC')
      .limit(5)
      .getRawMany();
    return rows.map((r) => ({ code: r.code ?? 'UNKNOWN', count: Number(r.n), sampleMessage: r.sample }));
  }

  /**
   * The initial cycle: the burst of creates that starts with the directory's first logged event,
   * shown while that event is under 24 hours old and the latest create under 5 minutes old.
   */
  private async initialCycle(directoryId: string, now: Date): Promise<DirectoryHealth['initialCycle']> {
    const first = await this.dataSource
      .getRepository(ProvisioningEvent)
      .createQueryBuilder('e')
      .select(['e.id', 'e.at'])
      .where('e.directory_id = :directoryId', { directoryId })
      .orderBy('e.at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(1)
      .getOne();
    if (!first || now.getTime() - first.at.getTime() > INITIAL_CYCLE_MAX_AGE) return null;
    const rows: Array<{ type: string | null; n: number | string; last: unknown }> = await this.events()
      .select('e.resource_type', 'type')
      .addSelect('COUNT(*)', 'n')
      .addSelect('MAX(e.at)', 'last')
      .where("e.directory_id = :directoryId AND e.outcome = 'success' AND e.operation IN (:...creates)", { directoryId, creates: CREATES })
      .groupBy('e.resource_type')
      .getRawMany();
    const lastCreate = Math.max(0, ...rows.map((r) => parseDbDate(r.last)));
    if (rows.length === 0 || now.getTime() - lastCreate > INITIAL_CYCLE_QUIET) return null;
    const people = Number(rows.find((r) => r.type === 'User')?.n ?? 0);
    const groups = Number(rows.find((r) => r.type === 'Group')?.n ?? 0);
    const minutes = Math.max(1 / 60, (now.getTime() - first.at.getTime()) / 60_000);
    return { since: first.at.toISOString(), peopleCreated: people, groupsCreated: groups, perMinute: Math.round(((people + groups) / minutes) * 10) / 10 };
  }

  /**
   * After each written batch: a directory with failures in it is evaluated, and if it has just
   * turned failing its admins get one email; a directory with successes in it clears its mark.
   */
  private async afterBatch(events: ProvisioningEvent[]): Promise<void> {
    const failed = [...new Set(events.filter((e) => e.outcome === 'failure').map((e) => e.directoryId))];
    const succeeded = [...new Set(events.filter((e) => e.outcome !== 'failure').map((e) => e.directoryId))].filter((id) => !failed.includes(id));
    if (succeeded.length)
      await this.dataSource.getRepository(DirectoryHealthMark).update({ directoryId: In(succeeded), failing: true }, { failing: false, changedAt: new Date() });
    for (const id of failed) {
      const directory = await this.dataSource.getRepository(Directory).findOneBy({ id });
      if (directory) await this.settleMark(directory, await this.stateNow(directory, new Date()));
    }
  }

  /** Moves the directory's mark to `state`; entering failing (on this replica or any) emails the admins once. */
  private async settleMark(directory: Directory, state: DirectoryState): Promise<void> {
    const repo = this.dataSource.getRepository(DirectoryHealthMark);
    const now = new Date();
    if (state !== 'failing') {
      await repo.update({ directoryId: directory.id, failing: true }, { failing: false, changedAt: now });
      return;
    }
    let entered = (await repo.update({ directoryId: directory.id, failing: false }, { failing: true, changedAt: now })).affected === 1;
    if (!entered) {
      try {
        await repo.insert({ directoryId: directory.id, organizationId: directory.organizationId, failing: true, changedAt: now });
        entered = true;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    if (entered) await this.notifyFailing(directory, now);
  }

  private async notifyFailing(directory: Directory, now: Date): Promise<void> {
    const [lastHour] = await this.counts(directory.id, now, false);
    const [top] = await this.topErrors(directory.id, new Date(now.getTime() - HOUR));
    await this.tx.run(async (m) => {
      const organization = await m.findOneByOrFail(Organization, { id: directory.organizationId });
      const admins = await adminsOf(m, directory.organizationId);
      await this.mail.enqueue(
        m,
        admins.map((to) => ({
          organizationId: directory.organizationId,
          to,
          template: 'directory-failing' as const,
          data: {
            productName: this.config.productName,
            organizationName: organization.name,
            directoryName: directory.name,
            healthUrl: `${this.config.publicUrl}/api/v1/directories/${directory.id}/health`,
            failuresLastHour: lastHour.failures,
            topErrorCode: top?.code ?? null,
            topErrorMessage: top?.sampleMessage ?? null,
          },
        })),
      );
    });
    this.logger.warn({ directoryId: directory.id }, 'Directory turned failing; admins notified');
  }

  private events(): SelectQueryBuilder<ProvisioningEvent> {
    return this.dataSource.getRepository(ProvisioningEvent).createQueryBuilder('e');
  }
}

/**
 * The organisation's admins who can act on an alert: who may hold access (neither archived nor
 * suspended: someone being deprovisioned can no longer sign in to look, and is leaving), with an
 * address, admin directly or by group. The mass-deprovisioning guard alerts the same people.
 */
async function adminsOf(m: EntityManager, organizationId: string): Promise<string[]> {
  const rows: Array<{ email: string }> = await m.query(
    `SELECT u.email AS email FROM users u WHERE u.organization_id = ? AND ${mayHoldAccessSql('u')} AND u.email IS NOT NULL AND ${effectiveAdminSql('u')}`,
    [organizationId],
  );
  return [...new Set(rows.map((r) => r.email))];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const maxDate = (a: Date | null, b: Date | null): Date | null => (a && b ? (a > b ? a : b) : (a ?? b));

/** A raw MAX(at): a Date from mysql2, 'YYYY-MM-DD HH:MM:SS.sss' (UTC) from SQLite. */
function parseDbDate(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
  return 0;
}
