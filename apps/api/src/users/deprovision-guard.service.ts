import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { dateParam, isSqlite, Transactions, writeLock } from '@app/database';
import { notFound } from '../common/domain.errors';
import { DeprovisionGuard, DeprovisionGuardSettings, settingsOf } from '../directories/deprovision-guard.entity';
import { Directory } from '../directories/directory.entity';
import { MailService } from '../mail/mail.service';
import { Organization } from '../organizations/organization.entity';
import type { DirectoryScope } from '../org-structure/org-structure-sync.service';
import { effectiveAdminSql } from './admin-rights.sql';
import { NOT_DEPROVISIONING, UsersLifecycle, setArchived, snapshot } from './users-lifecycle.service';
import { DeprovisionReason, User } from './user.entity';
import { findKeysetPage } from '../common/keyset.util';
import { keysetPosition, PageQuery } from '../common/page.dto';

/** What a deactivation or deletion did: archived now, suspended until the grace ends, held by the tripped guard, or nothing new. */
export type DeprovisionOutcome = 'archived' | 'pending' | 'held' | 'unchanged';

/** A person whose deprovisioning the guard held or an admin decided, for the provisioning log. */
export interface DeprovisionNotice {
  userId: string;
  userName: string | null;
  reason: DeprovisionReason;
  requestId: string | null;
}

/**
 * Writes provisioning-log events for what the guard does outside the request that caused it (the
 * people already pending when it trips; an admin's decision). The provisioning log sits above
 * users in the layering, so it registers itself here (the PersonAccessHook pattern); the writes
 * run on the caller's EntityManager, in the same transaction.
 */
export interface DeprovisionRecorder {
  record(m: EntityManager, scope: DirectoryScope, what: 'held' | 'approved' | 'rejected', people: DeprovisionNotice[]): Promise<void>;
}

/**
 * The rule, in integers (no rounding): `count` deprovisions in the window trip the guard when they
 * are more than `percent` % of the `base` people not archived when the window began, and at least
 * `minimum`. Exactly `percent` % does not trip.
 */
export function tripsAt(count: number, base: number, s: Pick<DeprovisionGuardSettings, 'percent' | 'minimum'>): boolean {
  return count * 100 > base * s.percent && count >= s.minimum;
}

/**
 * The mass-deprovisioning guard (issue 11 §3), the one place every SCIM deactivation and deletion
 * goes through. The rule: the deprovisions a directory sent in the current window (each person
 * once) trip the guard when they are more than `percent` of the people the directory had not
 * archived when the window began, and at least `minimum`. Until the grace period ends a
 * deprovisioned person is only suspended (`pending`); the sweeper then archives them. A trip
 * turns every pending person and every later deprovision into `held`, until an admin approves
 * (archive, exactly as without the guard) or rejects (the person is kept).
 *
 * Concurrency: each deprovision locks the directory's guard row (SELECT … FOR UPDATE on MySQL,
 * one writer at a time on SQLite) and writes the count back conditionally, in the transaction that
 * suspends or archives the person, so on any number of replicas exactly the rule's count passes;
 * a Galera certification conflict on the row is a deadlock that Transactions retries.
 */
@Injectable()
export class DeprovisionGuardService {
  private readonly recorders: DeprovisionRecorder[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly lifecycle: UsersLifecycle,
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  registerRecorder(recorder: DeprovisionRecorder): void {
    if (!this.recorders.includes(recorder)) this.recorders.push(recorder);
  }

  /**
   * A deactivation (`active` false) or deletion of `user` (row locked by the caller, who saves
   * it afterwards). Sets the person's archive or suspension columns; counts and may trip the guard.
   */
  async deprovision(
    m: EntityManager,
    scope: DirectoryScope,
    user: User,
    reason: DeprovisionReason,
    requestId: string | null,
    now = new Date(),
  ): Promise<DeprovisionOutcome> {
    if (user.archivedAt !== null) return 'unchanged';
    if (user.deprovisionState === 'pending' || user.deprovisionState === 'held') {
      // Asked again (Entra repeats; or DELETE after a deactivation): not a new deprovision.
      if (reason === 'deleted') user.deprovisionReason = 'deleted';
      return user.deprovisionState;
    }
    // An admin rejected the deactivation: the directory's repeat of it changes nothing. A DELETE is a new request.
    if (user.deprovisionState === 'rejected' && reason === 'deactivated') return 'unchanged';

    const guard = await this.lockGuard(m, scope);
    const settings = settingsOf(guard);
    if (!settings.enabled) {
      setArchived(user, reason, now);
      return 'archived';
    }
    const g = guard ?? (await this.insertGuard(m, scope, now));
    const read = g.windowCount;
    const windowOver = g.windowStartedAt === null || (g.trippedAt === null && g.windowStartedAt.getTime() + settings.windowMinutes * 60_000 <= now.getTime());
    if (windowOver) {
      g.windowStartedAt = now;
      g.windowBase = await this.notArchived(m, scope);
      g.windowCount = 0;
    }
    g.windowCount += 1;
    const trips = g.trippedAt === null && tripsAt(g.windowCount, g.windowBase, settings);
    const tripped = g.trippedAt !== null || trips;
    let outcome: DeprovisionOutcome;
    if (tripped) {
      this.suspend(user, 'held', reason, requestId, now, null);
      outcome = 'held';
    } else if (settings.graceMinutes === 0) {
      setArchived(user, reason, now);
      outcome = 'archived';
    } else {
      this.suspend(user, 'pending', reason, requestId, now, new Date(now.getTime() + settings.graceMinutes * 60_000));
      outcome = 'pending';
    }
    if (trips) g.trippedAt = now;
    const written = await m.update(
      DeprovisionGuard,
      { directoryId: g.directoryId, windowCount: read },
      { windowStartedAt: g.windowStartedAt, windowBase: g.windowBase, windowCount: g.windowCount, trippedAt: g.trippedAt, updatedAt: now },
    );
    // Under the row lock nobody else can have moved the count; if it did, something is wrong with the lock: refuse rather than miscount.
    if (written.affected !== 1) throw new Error('Deprovision guard row changed under its lock');
    if (trips) await this.trip(m, scope, user, now);
    return outcome;
  }

  /** `active` true (or a relinking create): whatever was pending, held or rejected is released; the person has access again. Returns whether it was. */
  release(user: User): boolean {
    if (user.deprovisionState === null) return false;
    Object.assign(user, NOT_DEPROVISIONING);
    return true;
  }

  /** The people the guard holds for the directory, oldest request first. */
  async held(organizationId: string, directoryId: string, page: { offset: number; limit: number }): Promise<[User[], number]> {
    await this.directoryOf(this.dataSource.manager, organizationId, directoryId);
    return this.dataSource.getRepository(User).findAndCount({
      where: { organizationId, directoryId, deprovisionState: 'held' },
      order: { deprovisionRequestedAt: 'ASC', id: 'ASC' },
      skip: page.offset,
      take: page.limit,
    });
  }

  /** The same people by keyset in id order (`?cursor=`). */
  async heldByKeyset(organizationId: string, directoryId: string, q: PageQuery): Promise<{ rows: User[]; more: boolean }> {
    await this.directoryOf(this.dataSource.manager, organizationId, directoryId);
    return findKeysetPage(this.dataSource.getRepository(User), { organizationId, directoryId, deprovisionState: 'held' }, keysetPosition(q), q.limit);
  }

  /**
   * Approve: the held people (all of them when `userIds` is undefined) are archived exactly as an
   * unguarded request would have done; reject: they get their access back and stay as they were
   * (the directory still sees them inactive, and its later `active` true is a no-op). Either way
   * the guard re-arms with a fresh window. Answers the people decided.
   */
  async decide(organizationId: string, directoryId: string, decision: 'approve' | 'reject', userIds: string[] | undefined): Promise<string[]> {
    const decided = await this.tx.run(async (m) => {
      await this.directoryOf(m, organizationId, directoryId);
      const scope = { organizationId, directoryId };
      // People first, then the guard row: the order a deprovision takes them in.
      const people =
        userIds?.length === 0
          ? []
          : await m.find(User, {
              where: { organizationId, directoryId, deprovisionState: 'held', ...(userIds ? { id: In(userIds) } : {}) },
              order: { id: 'ASC' },
              ...writeLock(m.dataSource),
            });
      await this.lockGuard(m, scope);
      const now = new Date();
      const notices: DeprovisionNotice[] = people.map((u) => ({
        userId: u.id,
        userName: u.userName,
        reason: u.deprovisionReason ?? 'deactivated',
        requestId: u.deprovisionRequestId,
      }));
      for (const u of people) {
        const before = snapshot(u);
        if (decision === 'approve') {
          setArchived(u, u.deprovisionReason ?? 'deactivated', now);
          await m.update(
            User,
            { id: u.id },
            { archivedAt: u.archivedAt, archiveReason: u.archiveReason, activeEmailKey: u.activeEmailKey, ...NOT_DEPROVISIONING, updatedAt: now },
          );
        } else {
          await m.update(User, { id: u.id }, { suspendedAt: null, pendingArchiveAt: null, deprovisionState: 'rejected', updatedAt: now });
          u.suspendedAt = null;
        }
        await this.lifecycle.changed(m, organizationId, u.id, before, snapshot(u));
      }
      // Archive cuts access: already cut at the suspension, cut again in this transaction (idempotent) so nothing that raced it survives.
      if (decision === 'approve')
        await this.lifecycle.endAccess(
          m,
          organizationId,
          people.map((u) => u.id),
        );
      await m.update(DeprovisionGuard, { directoryId }, { trippedAt: null, windowStartedAt: null, windowBase: 0, windowCount: 0, updatedAt: now });
      for (const r of this.recorders) await r.record(m, scope, decision === 'approve' ? 'approved' : 'rejected', notices);
      return people.map((u) => u.id);
    });
    return decided;
  }

  /** The settings and window of a directory (defaults when it has no row yet). */
  async guardOf(directoryId: string): Promise<DeprovisionGuard | null> {
    return this.dataSource.getRepository(DeprovisionGuard).findOneBy({ directoryId });
  }

  /**
   * The sweeper's unit of work: archives one pending person whose grace is over, if they are still
   * pending (a trip that held them, or a re-enable, got there first: then nothing). Returns whether it did.
   */
  async archivePending(userId: string, now: Date): Promise<boolean> {
    return this.tx.run(async (m) => {
      const user = await m.findOne(User, { where: { id: userId, deprovisionState: 'pending' }, ...writeLock(m.dataSource) });
      if (!user || user.pendingArchiveAt === null || user.pendingArchiveAt > now) return false;
      const before = snapshot(user);
      setArchived(user, user.deprovisionReason ?? 'deactivated', now);
      const written = await m.update(
        User,
        { id: user.id, deprovisionState: 'pending' },
        { archivedAt: user.archivedAt, archiveReason: user.archiveReason, activeEmailKey: user.activeEmailKey, ...NOT_DEPROVISIONING, updatedAt: now },
      );
      if (written.affected !== 1) return false;
      await this.lifecycle.changed(m, user.organizationId, user.id, before, snapshot(user));
      await this.lifecycle.endAccess(m, user.organizationId, [user.id]);
      return true;
    });
  }

  /** Ids of pending people whose grace is over, oldest first (a bounded batch). */
  async duePending(now: Date, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM users WHERE deprovision_state = 'pending' AND pending_archive_at <= ? ORDER BY pending_archive_at, id LIMIT ?`,
      [dateParam(this.dataSource, now), limit],
    );
    return rows.map((r) => r.id);
  }

  private suspend(user: User, state: 'pending' | 'held', reason: DeprovisionReason, requestId: string | null, now: Date, archiveAt: Date | null): void {
    user.suspendedAt = now;
    user.deprovisionState = state;
    user.deprovisionReason = reason;
    user.deprovisionRequestedAt = now;
    user.deprovisionRequestId = requestId;
    user.pendingArchiveAt = archiveAt;
  }

  /** The guard just tripped: every pending person of the directory is held too, each gets a `held` event, and the admins one email. */
  private async trip(m: EntityManager, scope: DirectoryScope, current: User, now: Date): Promise<void> {
    // A locking read sees every pending person committed before we took the guard row (all of them: they took it too).
    const pending = await m.find(User, {
      select: { id: true, userName: true, deprovisionReason: true, deprovisionRequestId: true },
      where: { organizationId: scope.organizationId, directoryId: scope.directoryId, deprovisionState: 'pending' },
      ...writeLock(m.dataSource),
    });
    if (pending.length) {
      await m.update(
        User,
        { id: In(pending.map((p) => p.id)), deprovisionState: 'pending' },
        { deprovisionState: 'held', pendingArchiveAt: null, updatedAt: now },
      );
      const notices = pending.map((p) => ({
        userId: p.id,
        userName: p.userName,
        reason: p.deprovisionReason ?? 'deactivated',
        requestId: p.deprovisionRequestId,
      }));
      for (const r of this.recorders) await r.record(m, scope, 'held', notices);
    }
    const directory = await m.findOneByOrFail(Directory, { id: scope.directoryId });
    const organization = await m.findOneByOrFail(Organization, { id: scope.organizationId });
    const admins: Array<{ email: string }> = await m.query(
      `SELECT u.email AS email FROM users u WHERE u.organization_id = ? AND u.archived_at IS NULL AND u.suspended_at IS NULL AND u.email IS NOT NULL AND u.id <> ? AND ${effectiveAdminSql('u')}`,
      [scope.organizationId, current.id],
    );
    await this.mail.enqueue(
      m,
      [...new Set(admins.map((a) => a.email))].map((to) => ({
        organizationId: scope.organizationId,
        to,
        template: 'deprovisions-held' as const,
        data: {
          productName: this.config.productName,
          organizationName: organization.name,
          directoryName: directory.name,
          heldCount: pending.length + 1,
          reviewUrl: `${this.config.publicUrl}/api/v1/directories/${directory.id}/held-deprovisions`,
        },
      })),
    );
  }

  /** The directory's guard row, locked; null when it has none yet (the defaults apply). */
  private async lockGuard(m: EntityManager, scope: DirectoryScope): Promise<DeprovisionGuard | null> {
    return m.findOne(DeprovisionGuard, { where: { directoryId: scope.directoryId }, ...writeLock(m.dataSource) });
  }

  /**
   * The first deprovision of a directory makes its row. Two replicas doing so at once: INSERT
   * IGNORE / OR IGNORE lets the second wait for and then keep the first one's row, which it then locks.
   */
  private async insertGuard(m: EntityManager, scope: DirectoryScope, now: Date): Promise<DeprovisionGuard> {
    const s = settingsOf(null);
    const ignore = isSqlite(m.dataSource) ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
    await m.query(
      `${ignore} INTO deprovision_guards (directory_id, organization_id, enabled, percent, minimum, window_minutes, grace_minutes, window_started_at, window_base, window_count, tripped_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, NULL, ?)`,
      [scope.directoryId, scope.organizationId, s.enabled ? 1 : 0, s.percent, s.minimum, s.windowMinutes, s.graceMinutes, dateParam(m.dataSource, now)],
    );
    const g = await this.lockGuard(m, scope);
    if (!g) throw new Error('Deprovision guard row missing after insert');
    return g;
  }

  /** People of the directory not archived now (pending, held and rejected ones included). */
  private async notArchived(m: EntityManager, scope: DirectoryScope): Promise<number> {
    const [{ n }]: Array<{ n: number | string }> = await m.query(
      'SELECT COUNT(*) AS n FROM users WHERE organization_id = ? AND directory_id = ? AND archived_at IS NULL',
      [scope.organizationId, scope.directoryId],
    );
    return Number(n);
  }

  private async directoryOf(m: EntityManager, organizationId: string, id: string): Promise<Directory> {
    const directory = await m.findOneBy(Directory, { id, organizationId, deletedAt: IsNull() });
    if (!directory) throw notFound('DIRECTORY_NOT_FOUND', 'Directory', id);
    return directory;
  }
}
