import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { normalizedKey } from '@app/database';
import { mayHoldAccess } from './access-rule.sql';
import type { User } from './user.entity';

/**
 * Something another feature holds for a person and must end inside the transaction that
 * archives them (sessions, API tokens, open invitations), or that stops being right when their
 * email changes (an open invitation was sent to the old address).
 *
 * Why a hook and not a call: credentials and invitations depend on users (entities, admin rights,
 * people lookups), so users cannot import them without a cycle. Users owns the rule ("archive
 * ends access, in the same transaction"); each feature that holds access implements this small
 * interface over its own table and registers itself with UsersLifecycle when Nest builds it.
 * Every hook runs on the caller's EntityManager, so a failing hook rolls the archive back.
 */
export interface PersonAccessHook {
  /** A name for logs and tests, e.g. "sessions". */
  readonly accessName: string;
  /** Ends whatever this feature holds for these people of the organisation. Idempotent. */
  endAccess(m: EntityManager, organizationId: string, userIds: string[]): Promise<void>;
  /** Optional: the person's email changed (their open invitation must go). */
  emailChanged?(m: EntityManager, organizationId: string, userIds: string[]): Promise<void>;
}

/** What a person's row said before a change: enough to tell which rules the change triggers. */
export interface PersonSnapshot {
  archivedAt: Date | null;
  emailKey: string | null;
  suspendedAt?: Date | null;
}

export const snapshot = (u: Pick<User, 'archivedAt' | 'emailKey' | 'suspendedAt'>): PersonSnapshot => ({
  archivedAt: u.archivedAt,
  emailKey: u.emailKey,
  suspendedAt: u.suspendedAt ?? null,
});

/** Without access: archived, or suspended while a deprovisioning is pending or held (access-rule.sql.ts). */
const accessCut = (s: PersonSnapshot): boolean => !mayHoldAccess(s);

/** The deprovisioning columns of a person with nothing pending, held or rejected. */
export const NOT_DEPROVISIONING = {
  suspendedAt: null,
  deprovisionState: null,
  deprovisionReason: null,
  deprovisionRequestedAt: null,
  deprovisionRequestId: null,
  pendingArchiveAt: null,
} satisfies Partial<User>;

/** As the directory sees the person: inactive when archived or while its deprovisioning is pending, held or rejected. */
export const directoryActive = (u: Pick<User, 'archivedAt' | 'deprovisionState'>): boolean => u.archivedAt === null && (u.deprovisionState ?? null) === null;

/**
 * The one place that keeps a person's archive state and email key consistent on the row:
 * `activeEmailKey` holds the email key only while the person is not archived, so the database's
 * UNIQUE(organization_id, active_email_key) makes a work email unique among the people who are
 * not archived, race-safe on both engines (NULLs never collide, and MySQL has no partial index).
 */
export function setEmail(user: User, email: string | null): void {
  user.email = email;
  user.emailKey = email ? normalizedKey(email) : null;
  user.activeEmailKey = user.archivedAt ? null : user.emailKey;
}

/** Archives (an already archived person keeps their first archive time); whatever was pending or held is done. */
export function setArchived(user: User, reason: string, now = new Date()): void {
  user.archivedAt = user.archivedAt ?? now;
  user.archiveReason = reason;
  user.activeEmailKey = null;
  Object.assign(user, NOT_DEPROVISIONING);
}

/** Restores the status the person had; their email takes its key back (409 if someone holds it now). */
export function setRestored(user: User): void {
  user.archivedAt = null;
  user.archiveReason = null;
  user.activeEmailKey = user.emailKey;
}

/**
 * Runs the consequences of a change to people, in the caller's transaction, after the row was
 * written: archiving (or suspending) ends every session, API token and open invitation; so does restoring, so
 * that nothing from before the archive (not even a sign-in that raced it) works again; an email
 * change cancels the open invitation.
 */
@Injectable()
export class UsersLifecycle {
  private readonly hooks: PersonAccessHook[] = [];

  /** Adds a hook; returns how to take it away again (tests). */
  register(hook: PersonAccessHook): () => void {
    if (!this.hooks.includes(hook)) this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /** The registered hooks' names (tests check that every holder of access is there). */
  get registered(): string[] {
    return this.hooks.map((h) => h.accessName);
  }

  async changed(m: EntityManager, organizationId: string, userId: string, before: PersonSnapshot, after: PersonSnapshot): Promise<void> {
    if (accessCut(before) !== accessCut(after)) await this.endAccess(m, organizationId, [userId]);
    if (before.emailKey !== after.emailKey) {
      for (const hook of this.hooks) await hook.emailChanged?.(m, organizationId, [userId]);
    }
  }

  async endAccess(m: EntityManager, organizationId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    for (const hook of this.hooks) await hook.endAccess(m, organizationId, userIds);
  }
}
