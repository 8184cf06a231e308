import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { chunks, dateParam, insertRows, Transactions, writeLock } from '@app/database';
import { issueToken } from '../auth/secret-token.util';
import { DomainError } from '../common/domain.errors';
import { MailService, OutgoingMail } from '../mail/mail.service';
import { Organization } from '../organizations/organization.entity';
import { UserFilter } from '../users/dto/user.dto';
import { User } from '../users/user.entity';
import { UsersLifecycle, PersonAccessHook } from '../users/users-lifecycle.service';
import { markInvited } from '../users/users-writes.util';
import { UserCredential } from '../users/user-credential.entity';
import { UsersQueryService } from '../users/users-query.service';
import { Invitation } from './invitation.entity';

export type SkipReason = 'notFound' | 'archived' | 'active' | 'noEmail';

/** What an invitation run did, person by person. */
export interface InvitationOutcome {
  invited: Invitation[];
  /** Of `invited`, those who had an open invitation (it was revoked and a new one sent). */
  resentUserIds: Set<string>;
  skipped: Array<{ userId: string; reason: SkipReason }>;
}

export interface InvitationCounts {
  invited: number;
  resent: number;
  skipped: Record<SkipReason, number>;
}

/** People per transaction in bulk runs: short locks, bounded statements. */
const BATCH = 500;

/**
 * Invitations (issue #5 §3). Inviting issues a single-use token (only its hash is stored) with
 * an expiry, marks the person `invited` and queues the email in the same transaction, so a
 * rolled-back invitation sends nothing and an SMTP outage loses nothing. Re-inviting revokes the
 * open invitation and sends a new link (the pending email of the old one, if still queued, is
 * cancelled). Archived and active people are not invited. Accepting is a credential:
 * credentials/invitation-acceptance.service.ts.
 */
@Injectable()
export class InvitationsService implements PersonAccessHook {
  readonly accessName = 'invitations';
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: Transactions,
    private readonly mail: MailService,
    private readonly users: UsersQueryService,
    lifecycle: UsersLifecycle,
  ) {
    lifecycle.register(this);
  }

  /** Archive or restore (UsersLifecycle): open invitations of these people are cancelled, with their queued email. */
  async endAccess(m: EntityManager, organizationId: string, userIds: string[]): Promise<void> {
    await this.cancelOpen(m, organizationId, userIds);
  }

  /** The open invitation went to the old address: cancelled, with its queued email. */
  async emailChanged(m: EntityManager, organizationId: string, userIds: string[]): Promise<void> {
    await this.cancelOpen(m, organizationId, userIds);
  }

  private async cancelOpen(m: EntityManager, organizationId: string, userIds: string[]): Promise<void> {
    for (const batch of chunks(userIds, BATCH)) {
      const marks = batch.map(() => '?').join(', ');
      await m.query(
        `UPDATE invitations SET revoked_at = ? WHERE organization_id = ? AND user_id IN (${marks}) AND accepted_at IS NULL AND revoked_at IS NULL`,
        [dateParam(m.dataSource, new Date()), organizationId, ...batch],
      );
      await this.mail.cancelPending(
        m,
        batch.map((id) => invitationRef(id)),
      );
    }
  }

  /** Invites (or re-invites) one person; refuses with the reason when they cannot be. */
  async inviteOne(actor: { organizationId: string; userId: string }, userId: string): Promise<{ invitation: Invitation; resent: boolean }> {
    const outcome = await this.tx.run((m) => this.issue(m, actor.organizationId, [userId], actor.userId));
    const [skip] = outcome.skipped;
    if (skip) throw refusal(skip.reason, userId);
    return { invitation: outcome.invited[0], resent: outcome.resentUserIds.has(userId) };
  }

  /** Invites many people by id (each batch is one transaction); answers the counts. */
  async inviteMany(actor: { organizationId: string; userId: string }, userIds: string[]): Promise<InvitationCounts> {
    const counts = emptyCounts();
    for (const batch of chunks([...new Set(userIds)], BATCH)) {
      add(counts, await this.tx.run((m) => this.issue(m, actor.organizationId, batch, actor.userId)));
    }
    return counts;
  }

  /** Invites everyone matching a filter (e.g. the uninvited people of a department), in batches. */
  async inviteMatching(actor: { organizationId: string; userId: string }, filter: UserFilter): Promise<InvitationCounts> {
    const counts = emptyCounts();
    for (let after: string | null = null; ;) {
      const ids = await this.users.idsMatching(actor.organizationId, filter, after, BATCH);
      if (ids.length === 0) break;
      add(counts, await this.tx.run((m) => this.issue(m, actor.organizationId, ids, actor.userId)));
      if (ids.length < BATCH) break;
      after = ids[ids.length - 1];
    }
    return counts;
  }

  /**
   * For groups with autoInvite: invites the uninvited people among `userIds`, inside the caller's
   * transaction (the emails leave once it commits). Returns how many.
   */
  async inviteUninvitedWithin(m: EntityManager, organizationId: string, userIds: string[]): Promise<number> {
    let invited = 0;
    for (const batch of chunks(userIds, BATCH)) {
      const ids: Array<{ id: string }> = await m.query(
        `SELECT id FROM users WHERE organization_id = ? AND status = 'uninvited' AND archived_at IS NULL AND email IS NOT NULL
           AND id IN (${batch.map(() => '?').join(', ')})`,
        [organizationId, ...batch],
      );
      if (ids.length)
        invited += (
          await this.issue(
            m,
            organizationId,
            ids.map((r) => r.id),
            null,
          )
        ).invited.length;
    }
    return invited;
  }

  /** For a group whose autoInvite was just switched on: invites its uninvited members, inside the caller's transaction. */
  async inviteUninvitedMembersWithin(m: EntityManager, organizationId: string, groupId: string): Promise<number> {
    const rows: Array<{ id: string }> = await m.query(
      `SELECT u.id FROM group_members gm JOIN users u ON u.id = gm.user_id
        WHERE gm.group_id = ? AND u.organization_id = ? AND u.status = 'uninvited' AND u.archived_at IS NULL AND u.email IS NOT NULL`,
      [groupId, organizationId],
    );
    let invited = 0;
    for (const batch of chunks(
      rows.map((r) => r.id),
      BATCH,
    ))
      invited += (await this.issue(m, organizationId, batch, null)).invited.length;
    return invited;
  }

  /** The invitation step for a batch of people of one organisation, inside a transaction. */
  private async issue(m: EntityManager, organizationId: string, userIds: string[], invitedBy: string | null): Promise<InvitationOutcome> {
    const outcome: InvitationOutcome = { invited: [], resentUserIds: new Set(), skipped: [] };
    if (userIds.length === 0) return outcome;
    // Locked in id order, so concurrent invitations of overlapping sets cannot deadlock.
    const people = await m.find(User, { where: { organizationId, id: In(userIds) }, order: { id: 'ASC' }, ...writeLock(m.dataSource) });
    const byId = new Map(people.map((u) => [u.id, u]));
    // An active person without a password (the first admin, made by `cli setup`) can be invited
    // to set one; an active person with a password has joined already.
    const active = people.filter((u) => u.status === 'active').map((u) => u.id);
    const joined = new Set(
      active.length ? (await m.find(UserCredential, { select: { userId: true }, where: { userId: In(active) } })).map((c) => c.userId) : [],
    );
    const eligible: User[] = [];
    for (const id of userIds) {
      const u = byId.get(id);
      const reason: SkipReason | null = !u ? 'notFound' : u.archivedAt ? 'archived' : joined.has(id) ? 'active' : !u.email ? 'noEmail' : null;
      if (reason) outcome.skipped.push({ userId: id, reason });
      else eligible.push(u!);
    }
    if (eligible.length === 0) return outcome;

    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.invitations.ttlDays * 86_400_000);
    const ids = eligible.map((u) => u.id);
    const marks = ids.map(() => '?').join(', ');
    const at = dateParam(m.dataSource, now);
    const open: Array<{ user_id: string }> = await m.query(
      `SELECT DISTINCT user_id FROM invitations WHERE user_id IN (${marks}) AND accepted_at IS NULL AND revoked_at IS NULL`,
      ids,
    );
    for (const r of open) outcome.resentUserIds.add(r.user_id);
    await m.query(`UPDATE invitations SET revoked_at = ? WHERE user_id IN (${marks}) AND accepted_at IS NULL AND revoked_at IS NULL`, [at, ...ids]);
    await markInvited(m, organizationId, ids, now);

    const [organization, inviter] = await Promise.all([
      m.findOneByOrFail(Organization, { id: organizationId }),
      invitedBy ? m.findOne(User, { select: { id: true, displayName: true, email: true }, where: { id: invitedBy } }) : null,
    ]);
    const mails: OutgoingMail[] = [];
    for (const u of eligible) {
      const secret = issueToken('inv');
      outcome.invited.push({
        id: randomUUID(),
        organizationId,
        userId: u.id,
        invitedBy,
        tokenHash: secret.hash,
        createdAt: now,
        expiresAt,
        acceptedAt: null,
        revokedAt: null,
      });
      mails.push({
        organizationId,
        to: u.email!,
        ref: invitationRef(u.id),
        template: 'invitation',
        data: {
          productName: this.config.productName,
          organizationName: organization.name,
          inviteeName: u.displayName ?? u.givenName,
          inviterName: inviter ? (inviter.displayName ?? inviter.email) : null,
          acceptUrl: acceptLink(this.config.invitations.acceptUrl, secret.token),
          expiresAt: expiresAt.toISOString(),
        },
      });
    }
    await insertRows(m, Invitation, outcome.invited);
    await this.mail.enqueue(m, mails);
    return outcome;
  }
}

/** The outbox ref of a person's invitation email: a newer one supersedes it, accepting cancels it. */
export const invitationRef = (userId: string): string => `invitation:${userId}`;

function acceptLink(base: string, token: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

function refusal(reason: SkipReason, userId: string): DomainError {
  switch (reason) {
    case 'notFound':
      return new DomainError('USER_NOT_FOUND', `User ${userId} not found`);
    case 'archived':
      return new DomainError('USER_ARCHIVED', 'Archived people cannot be invited; restore them first');
    case 'active':
      return new DomainError('USER_ALREADY_ACTIVE', 'This person has already accepted an invitation');
    case 'noEmail':
      return new DomainError('USER_HAS_NO_EMAIL', 'This person has no email address to send the invitation to');
  }
}

const emptyCounts = (): InvitationCounts => ({ invited: 0, resent: 0, skipped: { notFound: 0, archived: 0, active: 0, noEmail: 0 } });

function add(counts: InvitationCounts, o: InvitationOutcome): void {
  counts.invited += o.invited.length - o.resentUserIds.size;
  counts.resent += o.resentUserIds.size;
  for (const s of o.skipped) counts.skipped[s.reason]++;
}
