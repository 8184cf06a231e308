import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull, Not } from 'typeorm';
import { normalizedKey, Transactions, writeLock } from '@app/database';
import { trimmedOrNull } from '@app/scim-protocol';
import { DomainError, notFound } from '../common/domain.errors';
import { Department } from '../org-structure/department.entity';
import { Role } from '../org-structure/role.entity';
import { Site } from '../org-structure/site.entity';
import { Organization } from '../organizations/organization.entity';
import { CreatePersonRequest, UpdatePersonRequest } from './dto/person.dto';
import { emailInUse, isActiveEmailViolation } from './email-conflict.errors';
import { UsersLifecycle, setArchived, setEmail, setRestored, snapshot } from './users-lifecycle.service';
import { insertFirstAdmin, newInAppPerson } from './users-writes.util';
import { User } from './user.entity';

/** Who is acting: an admin of the organisation. */
export interface Actor {
  userId: string;
  organizationId: string;
}

type Changes = UpdatePersonRequest;

/** HR request field → users column property (the response's HrFields). */
const HR_FIELDS = {
  employeeNumber: 'employeeNumber',
  costCenter: 'costCenter',
  organization: 'enterpriseOrganization',
  division: 'division',
  userType: 'userType',
  nickName: 'nickName',
  middleName: 'middleName',
  honorificPrefix: 'honorificPrefix',
  honorificSuffix: 'honorificSuffix',
  preferredLanguage: 'preferredLanguage',
  locale: 'locale',
  timezone: 'timezone',
  workPhone: 'phoneWork',
  mobilePhone: 'phoneMobile',
  fax: 'phoneFax',
  office: 'otherAddressFormatted',
} as const satisfies Partial<Record<keyof Changes, keyof User>>;

/** Request field → users column property, for the fields a directory owns for the people it manages. */
const DIRECTORY_OWNED = {
  email: 'email',
  firstName: 'givenName',
  lastName: 'familyName',
  displayName: 'displayName',
  title: 'title',
  siteId: 'siteId',
  departmentId: 'departmentId',
  roleId: 'roleId',
  managerId: 'managerId',
  ...HR_FIELDS,
} as const satisfies Partial<Record<keyof Changes, keyof User>>;

/**
 * People administration in the app (issue #5 §2): create people no directory manages, edit the
 * fields the app owns, archive and restore. For a person a directory manages, the directory owns
 * their identity and place (name, email, title, site, department, role, manager, archived):
 * changing those here is refused with FIELD_MANAGED_BY_DIRECTORY, so sync and app never fight.
 */
@Injectable()
export class UsersAdminService {
  constructor(
    private readonly tx: Transactions,
    private readonly lifecycle: UsersLifecycle,
  ) {}

  async create(actor: Actor, input: CreatePersonRequest): Promise<string> {
    return this.write(async (m) => {
      await lockOrganization(m, actor.organizationId);
      const email = input.email;
      await assertEmailFree(m, actor.organizationId, email, null);
      const now = new Date();
      const user = newInAppPerson(
        m,
        actor.organizationId,
        email,
        {
          givenName: trimmedOrNull(input.firstName),
          familyName: trimmedOrNull(input.lastName),
          title: trimmedOrNull(input.title),
          isAdmin: input.isAdmin ?? false,
        },
        now,
      );
      for (const [field, column] of Object.entries(HR_FIELDS)) user[column] = trimmedOrNull(input[field as keyof typeof HR_FIELDS]);
      user.displayName = trimmedOrNull(input.displayName) ?? ([user.givenName, user.familyName].filter(Boolean).join(' ') || email);
      await this.applyLinks(m, user, input);
      await m.insert(User, user);
      return user.id;
    });
  }

  async update(actor: Actor, id: string, changes: Changes): Promise<void> {
    await this.write(async (m) => {
      const user = await lockedUser(m, actor.organizationId, id);
      const before = snapshot(user);
      if (user.directoryId !== null) {
        const refused = Object.entries(DIRECTORY_OWNED)
          .filter(([field, column]) => {
            const next = changes[field as keyof Changes];
            return next !== undefined && trimmedOrNull(next) !== (user[column] ?? null);
          })
          .map(([field]) => field);
        if (refused.length) throw managedByDirectory(refused);
      }
      if (changes.isAdmin === false && id === actor.userId && user.isAdmin) {
        throw new DomainError('CANNOT_CHANGE_OWN_ACCESS', 'You cannot remove your own admin rights; ask another admin');
      }
      if (changes.email === null) throw new DomainError('VALIDATION_FAILED', 'email cannot be cleared');
      if (changes.email !== undefined && normalizedKey(changes.email) !== user.emailKey) {
        await lockOrganization(m, actor.organizationId);
        await assertEmailFree(m, actor.organizationId, changes.email, user.id);
        setEmail(user, changes.email);
      }
      if (user.directoryId === null) {
        if (changes.firstName !== undefined) user.givenName = trimmedOrNull(changes.firstName);
        if (changes.lastName !== undefined) user.familyName = trimmedOrNull(changes.lastName);
        if (changes.displayName !== undefined) user.displayName = trimmedOrNull(changes.displayName);
        if (changes.title !== undefined) user.title = trimmedOrNull(changes.title);
        for (const [field, column] of Object.entries(HR_FIELDS)) {
          const next = changes[field as keyof typeof HR_FIELDS];
          if (next !== undefined) user[column] = trimmedOrNull(next);
        }
      }
      if (changes.isAdmin !== undefined && changes.isAdmin !== null) user.isAdmin = changes.isAdmin;
      await this.applyLinks(m, user, changes);
      const { id: _id, organization: _o, directory: _d, manager: _m, site: _s, departmentEntity: _de, role: _r, ...columns } = user;
      await m.update(User, { id: user.id }, { ...columns, version: user.version + 1, updatedAt: new Date() });
      // An email change cancels the open invitation (it went to the old address).
      await this.lifecycle.changed(m, actor.organizationId, user.id, before, snapshot(user));
    });
  }

  /**
   * Archives a person no directory manages: history kept; their sessions, API tokens and open
   * invitations end in the same transaction. Idempotent.
   */
  async archive(actor: Actor, id: string): Promise<void> {
    await this.tx.run(async (m) => {
      const user = await lockedUser(m, actor.organizationId, id);
      if (user.directoryId !== null) throw managedByDirectory(['archived']);
      if (id === actor.userId) throw new DomainError('CANNOT_CHANGE_OWN_ACCESS', 'You cannot archive yourself; ask another admin');
      if (user.archivedAt) return;
      const before = snapshot(user);
      setArchived(user, 'archived');
      await m.update(
        User,
        { id },
        {
          archivedAt: user.archivedAt,
          archiveReason: user.archiveReason,
          activeEmailKey: user.activeEmailKey,
          version: user.version + 1,
          updatedAt: new Date(),
        },
      );
      await this.lifecycle.changed(m, actor.organizationId, id, before, snapshot(user));
    });
  }

  /**
   * Restores an archived person to the status they had, with their password; never a session or
   * token from before (those ended at the archive). 409 EMAIL_ALREADY_IN_USE when someone who is
   * not archived has their email now. Idempotent.
   */
  async restore(actor: Actor, id: string): Promise<void> {
    await this.write(async (m) => {
      const user = await lockedUser(m, actor.organizationId, id);
      if (user.directoryId !== null) throw managedByDirectory(['archived']);
      if (!user.archivedAt) return;
      const before = snapshot(user);
      setRestored(user);
      if (user.emailKey) await assertEmailFree(m, actor.organizationId, user.email ?? '', user.id);
      await m.update(
        User,
        { id },
        { archivedAt: null, archiveReason: null, activeEmailKey: user.activeEmailKey, version: user.version + 1, updatedAt: new Date() },
      );
      await this.lifecycle.changed(m, actor.organizationId, id, before, snapshot(user));
    });
  }

  /**
   * Break-glass (`cli admin`, issue #9), inside the caller's transaction: the person with this
   * email becomes a direct admin (`is_admin`); restored if archived (to the status they had,
   * never with a session or token from before: restoring ends them, see UsersLifecycle);
   * created if missing (active, like setup's first admin: they work through an API token).
   * A directory that managed them lets go of them, as when a directory is deleted: otherwise
   * the same directory, or a stolen SCIM token, could archive them again on its next request.
   */
  async grantDirectAdmin(m: EntityManager, organizationId: string, email: string): Promise<{ userId: string; outcome: 'created' | 'restored' | 'updated' }> {
    // Prefer a person who is not archived (at most one has the email), then the newest archived one.
    const existing = await m
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId AND u.email_key = :key', { organizationId, key: normalizedKey(email) })
      .orderBy('CASE WHEN u.archived_at IS NULL THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('u.created_at', 'DESC')
      .addOrderBy('u.id', 'ASC')
      .getOne();
    if (!existing) return { userId: (await insertFirstAdmin(m, organizationId, email, null)).id, outcome: 'created' };
    const before = snapshot(existing);
    const outcome = existing.archivedAt ? 'restored' : 'updated';
    if (existing.archivedAt) setRestored(existing);
    // Conditional on the version read: a directory write racing the operator makes this fail
    // loudly (run it again) rather than overwrite what the directory just did.
    const result = await m.update(
      User,
      { id: existing.id, version: existing.version },
      {
        isAdmin: true,
        archivedAt: existing.archivedAt,
        archiveReason: existing.archiveReason,
        activeEmailKey: existing.activeEmailKey,
        ...(existing.directoryId !== null ? { directoryId: null, scimVisible: false } : {}),
        version: existing.version + 1,
        updatedAt: new Date(),
      },
    );
    if (result.affected === 0) throw new Error(`Person ${existing.id} changed while being made an admin; run the command again`);
    await this.lifecycle.changed(m, organizationId, existing.id, before, snapshot(existing));
    return { userId: existing.id, outcome };
  }

  /** A transaction whose race on an email (the unique key decides) answers 409 EMAIL_ALREADY_IN_USE. */
  private async write<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.tx.run(work);
    } catch (err) {
      if (isActiveEmailViolation(err)) throw emailInUse();
      throw err;
    }
  }

  /** Site, department, role, manager and grade: each checked against the organisation. */
  private async applyLinks(m: EntityManager, user: User, input: Changes): Promise<void> {
    const org = user.organizationId;
    if (input.siteId !== undefined) user.siteId = await ref(m, Site, 'siteId', org, input.siteId);
    if (input.departmentId !== undefined) user.departmentId = await ref(m, Department, 'departmentId', org, input.departmentId);
    const roleChanged = input.roleId !== undefined && input.roleId !== user.roleId;
    if (input.roleId !== undefined) user.roleId = await ref(m, Role, 'roleId', org, input.roleId);
    if (input.managerId !== undefined && input.managerId !== user.managerId) {
      if (input.managerId === user.id) throw new DomainError('INVALID_MANAGER', 'A person cannot be their own manager');
      user.managerId = await ref(m, User, 'managerId', org, input.managerId);
    }
    if (input.grade !== undefined || roleChanged) {
      const grade = input.grade !== undefined ? trimmedOrNull(input.grade) : user.grade;
      const role = user.roleId ? await m.findOneBy(Role, { id: user.roleId }) : null;
      if (grade !== null && !role?.grades.includes(grade)) {
        // A grade the new role does not have is dropped when only the role changed.
        if (input.grade === undefined) user.grade = null;
        else throw new DomainError('INVALID_GRADE', role ? `"${grade}" is not a grade of role "${role.name}"` : 'A grade needs a role');
      } else {
        user.grade = grade;
      }
    }
  }
}

const managedByDirectory = (fields: string[]): DomainError =>
  new DomainError('FIELD_MANAGED_BY_DIRECTORY', `A directory manages this person; change ${fields.join(', ')} in the directory`, {
    details: { fields },
  });

async function ref<T extends Site | Department | Role | User>(
  m: EntityManager,
  target: new () => T,
  field: string,
  organizationId: string,
  id: string | null,
): Promise<string | null> {
  if (id === null) return null;
  const found = await m.getRepository(target).exists({ where: { id, organizationId } as never });
  if (!found) throw new DomainError('INVALID_REFERENCE', `${field} ${id} is not one of this organisation's`, { details: { fields: [field] } });
  return id;
}

/**
 * Serialises in-app creates and email changes per organisation, so two admins cannot add the same
 * email at once. A write, not a SELECT … FOR UPDATE: on a Galera cluster a read lock holds on one
 * node only, whereas two transactions writing the same row on two nodes cannot both commit (the
 * second fails certification, is retried by Transactions and then sees the first one's person).
 */
async function lockOrganization(m: EntityManager, organizationId: string): Promise<void> {
  await m.update(Organization, { id: organizationId }, { updatedAt: new Date() });
}

/**
 * The email is free when no other person who is not archived has it as their email or userName
 * (an archived person's address may be given to someone new; restoring them then answers 409).
 */
async function assertEmailFree(m: EntityManager, organizationId: string, email: string, exceptId: string | null): Promise<void> {
  const key = normalizedKey(email);
  const holder = await m.findOne(User, {
    select: { id: true },
    where: [
      { organizationId, emailKey: key, archivedAt: IsNull(), ...(exceptId ? { id: Not(exceptId) } : {}) },
      { organizationId, userNameKey: key, archivedAt: IsNull(), ...(exceptId ? { id: Not(exceptId) } : {}) },
    ],
  });
  if (holder) throw new DomainError('EMAIL_ALREADY_IN_USE', `${email} is already a person of this organisation`, { details: { userId: holder.id } });
}

async function lockedUser(m: EntityManager, organizationId: string, id: string): Promise<User> {
  const user = await m.findOne(User, { where: { id, organizationId }, ...writeLock(m.dataSource) });
  if (!user) throw notFound('USER_NOT_FOUND', 'User', id);
  return user;
}
