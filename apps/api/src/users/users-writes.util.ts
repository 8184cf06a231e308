import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { dateParam } from '@app/database';
import type { OrgLinkColumn } from '../org-structure/user-links.service';
import { NOT_DEPROVISIONING, setEmail } from './users-lifecycle.service';
import { User } from './user.entity';

/**
 * The writes to `users` that other features need, named by intent. The users folder owns every
 * write to the table (so the rules on a person's row hold in one place); these are plain
 * functions on the caller's EntityManager, not a service, so features that users itself depends
 * on (org-structure, directories) can call them inside their own transactions without a module
 * cycle. None of them archives, restores or changes an email: those go through
 * UsersSyncService / UsersAdminService and UsersLifecycle.
 */

/** What differs between the people the app creates; everything else is the one set of defaults. */
export interface InAppPersonFields {
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  title?: string | null;
  status?: User['status'];
  isAdmin?: boolean;
}

/**
 * The row of a person created in the app (not by a directory): no userName, managed by no
 * directory, invisible to SCIM, not archived, with their email and its keys set by setEmail.
 * The one place these defaults live (people administration, setup, break-glass and the tests'
 * fixtures all build people here).
 */
export function newInAppPerson(m: EntityManager, organizationId: string, email: string, fields: InAppPersonFields = {}, now = new Date()): User {
  const person = m.create(User, {
    id: randomUUID(),
    organizationId,
    userName: null,
    userNameKey: null,
    externalId: null,
    givenName: fields.givenName ?? null,
    familyName: fields.familyName ?? null,
    displayName: fields.displayName ?? null,
    title: fields.title ?? null,
    status: fields.status ?? 'uninvited',
    isAdmin: fields.isAdmin ?? false,
    archivedAt: null,
    archiveReason: null,
    ...NOT_DEPROVISIONING,
    directoryId: null,
    scimVisible: false,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  setEmail(person, email);
  return person;
}

/**
 * The first admin of a new organisation (`cli setup`, and break-glass when the person is
 * missing): active from the start (they work through API tokens), managed by no directory.
 */
export async function insertFirstAdmin(m: EntityManager, organizationId: string, email: string, displayName: string | null, now = new Date()): Promise<User> {
  const admin = newInAppPerson(m, organizationId, email, { displayName: displayName ?? email, status: 'active', isAdmin: true }, now);
  await m.insert(User, admin);
  return admin;
}

/**
 * A deleted directory lets go of its people: they stay (not archived), managed by no directory,
 * so a directory that later sends the same userName (and a compatible externalId) takes them over.
 */
export async function unlinkDirectory(m: EntityManager, organizationId: string, directoryId: string): Promise<void> {
  await m.query('UPDATE users SET directory_id = NULL, scim_visible = 0 WHERE organization_id = ? AND directory_id = ?', [organizationId, directoryId]);
}

/**
 * Invitation sent: the uninvited among `userIds` become `invited`. Status is the app's, not the
 * directory's, so the SCIM version (ETag) stays as it is.
 */
export async function markInvited(m: EntityManager, organizationId: string, userIds: string[], at: Date): Promise<void> {
  if (userIds.length === 0) return;
  await m.query(
    `UPDATE users SET status = 'invited', updated_at = ? WHERE organization_id = ? AND status = 'uninvited' AND id IN (${userIds.map(() => '?').join(', ')})`,
    [dateParam(m.dataSource, at), organizationId, ...userIds],
  );
}

/** Invitation accepted: the person is `active` (their password is stored by the caller). */
export async function markActive(m: EntityManager, organizationId: string, userId: string, at: Date): Promise<void> {
  await m.query("UPDATE users SET status = 'active', updated_at = ? WHERE organization_id = ? AND id = ?", [
    dateParam(m.dataSource, at),
    organizationId,
    userId,
  ]);
}

/** A site, department or role goes away: its people move to `toId`, or to none when null. */
export async function moveOrgLink(m: EntityManager, organizationId: string, column: OrgLinkColumn, fromId: string, toId: string | null): Promise<void> {
  await m.query(`UPDATE users SET ${column} = ? WHERE organization_id = ? AND ${column} = ?`, [toId, organizationId, fromId]);
}

/** People of the role keep their grade only if it is one of `grades`. */
export async function dropGradesNotIn(m: EntityManager, organizationId: string, roleId: string, grades: string[]): Promise<void> {
  const keep = grades.length ? ` AND grade NOT IN (${grades.map(() => '?').join(', ')})` : '';
  await m.query(`UPDATE users SET grade = NULL WHERE organization_id = ? AND role_id = ? AND grade IS NOT NULL${keep}`, [organizationId, roleId, ...grades]);
}
