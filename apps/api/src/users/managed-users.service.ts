import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import { isSqlite, isUniqueViolation, normalizedKey, Transactions } from '@app/database';
import { DomainError, notFound } from '../common/domain-error';
import { DirectoryScope, OrgStructureService } from '../org-structure/org-structure.service';
import { UserEmail } from './user-email.entity';
import { User } from './user.entity';
import { appEmail, DirectoryUserFields, siteNameOf } from './user-fields';

/** A person as a directory sees them: the row, its emails in order, and its manager's name. */
export interface ManagedUser {
  user: User;
  emails: UserEmail[];
  manager: { id: string; displayName: string | null } | null;
}

/**
 * The people a directory manages, with the rules of DESIGN §1: new people are uninvited;
 * deactivation and DELETE archive (history kept); reactivation restores the prior status; a
 * re-created userName relinks the archived person; an in-app account with the same email that
 * no directory manages is adopted. Every change is one transaction; a failure changes nothing.
 */
@Injectable()
export class ManagedUsersService {
  constructor(
    private readonly tx: Transactions,
    private readonly orgStructure: OrgStructureService,
  ) {}

  /** A person this directory manages and has not deleted, or 404. */
  async get(scope: DirectoryScope, id: string): Promise<ManagedUser> {
    return this.tx.run(async (m) => this.load(m, await this.visibleUser(m, scope, id, false)));
  }

  /** Loads emails and managers for a page of users in two queries. */
  async hydrate(m: EntityManager, users: User[]): Promise<ManagedUser[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const emails = await m.find(UserEmail, { where: { userId: In(ids) }, order: { position: 'ASC' } });
    const managerIds = [...new Set(users.map((u) => u.managerId).filter((x): x is string => x !== null))];
    const managers = managerIds.length ? await m.find(User, { select: { id: true, displayName: true }, where: { id: In(managerIds) } }) : [];
    const byManager = new Map(managers.map((x) => [x.id, x]));
    return users.map((user) => {
      const manager = user.managerId ? byManager.get(user.managerId) : undefined;
      return {
        user,
        emails: emails.filter((e) => e.userId === user.id),
        manager: manager ? { id: manager.id, displayName: manager.displayName } : null,
      };
    });
  }

  async create(scope: DirectoryScope, fields: DirectoryUserFields): Promise<ManagedUser> {
    return this.tx.run(async (m) => {
      const existing = await m.findOneBy(User, { organizationId: scope.organizationId, userNameKey: normalizedKey(fields.userName) });
      // A row with this userName may only be the person this directory deleted earlier:
      // relink them (same id, history kept). Anyone else holding the name is a conflict.
      if (existing && (existing.directoryId !== scope.directoryId || existing.scimVisible)) throw taken(fields.userName);
      const known = existing ?? (await this.adoptable(m, scope, fields));
      const target = known ?? this.newUser(scope);
      const readVersion = target.version;
      target.directoryId = scope.directoryId;
      target.scimVisible = true;
      await this.applyFields(m, scope, target, fields, true);
      await this.save(m, target, readVersion, known === null, fields.userName);
      await this.writeEmails(m, target, fields);
      return this.load(m, target);
    });
  }

  async replace(scope: DirectoryScope, id: string, fields: DirectoryUserFields): Promise<ManagedUser> {
    return this.update(scope, id, () => fields);
  }

  /**
   * Read-modify-write under a row lock: `change` maps the current person to the new fields
   * (the SCIM adapter applies a PATCH there), so concurrent PATCHes of one person serialise.
   */
  async update(scope: DirectoryScope, id: string, change: (current: ManagedUser) => DirectoryUserFields): Promise<ManagedUser> {
    return this.tx.run(async (m) => {
      const user = await this.visibleUser(m, scope, id, true);
      const current = await this.load(m, user);
      const fields = change(current);
      const version = user.version;
      const emailsChanged = !sameEmails(current.emails, fields.emails);
      await this.applyFields(m, scope, user, fields, false);
      await this.save(m, user, version, false, fields.userName);
      if (emailsChanged) await this.writeEmails(m, user, fields);
      return this.load(m, user);
    });
  }

  /** DELETE: archive and hide from the directory; a later POST of the userName relinks the person. */
  async remove(scope: DirectoryScope, id: string): Promise<void> {
    await this.tx.run(async (m) => {
      const user = await this.visibleUser(m, scope, id, true);
      const now = new Date();
      await m.update(
        User,
        { id: user.id },
        {
          scimVisible: false,
          archivedAt: user.archivedAt ?? now,
          archiveReason: 'deleted',
          version: user.version + 1,
          updatedAt: now,
        },
      );
    });
  }

  private newUser(scope: DirectoryScope): User {
    const user = new User();
    user.id = randomUUID();
    user.organizationId = scope.organizationId;
    user.status = 'uninvited';
    user.isAdmin = false;
    user.archivedAt = null;
    user.archiveReason = null;
    user.version = 0;
    user.createdAt = new Date();
    return user;
  }

  /** An in-app account (no directory) whose email is this userName or this person's work email. */
  private async adoptable(m: EntityManager, scope: DirectoryScope, fields: DirectoryUserFields): Promise<User | null> {
    const keys = [...new Set([fields.userName, appEmail(fields.emails)].filter((v): v is string => !!v).map(normalizedKey))];
    const candidates = await m.find(User, {
      where: keys.map((emailKey) => ({ organizationId: scope.organizationId, emailKey })),
      order: { createdAt: 'ASC' },
    });
    return candidates.find((u) => u.directoryId === null && u.userNameKey === null) ?? null;
  }

  private async visibleUser(m: EntityManager, scope: DirectoryScope, id: string, lock: boolean): Promise<User> {
    const user = await m.findOne(User, {
      where: { id, organizationId: scope.organizationId, directoryId: scope.directoryId, scimVisible: true },
      ...(lock && !isSqlite(m.dataSource) ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!user) throw notFound('USER_NOT_FOUND', 'User', id);
    return user;
  }

  private async applyFields(m: EntityManager, scope: DirectoryScope, user: User, f: DirectoryUserFields, creating: boolean): Promise<void> {
    if (f.managerId !== null && f.managerId !== user.managerId) await this.checkManager(m, scope, user.id, f.managerId);
    const before = { department: user.department, title: user.title, site: creating ? undefined : siteNameOf(addressOf(user)) };
    user.userName = f.userName;
    user.userNameKey = normalizedKey(f.userName);
    user.externalId = f.externalId;
    user.givenName = f.givenName;
    user.familyName = f.familyName;
    user.nameFormatted = f.nameFormatted;
    user.displayName = f.displayName;
    user.title = f.title;
    user.preferredLanguage = f.preferredLanguage;
    user.employeeNumber = f.employeeNumber;
    user.department = f.department;
    const email = appEmail(f.emails);
    user.email = email;
    user.emailKey = email ? normalizedKey(email) : null;
    user.phoneWork = f.phones.work;
    user.phoneMobile = f.phones.mobile;
    user.phoneFax = f.phones.fax;
    user.addressFormatted = f.address.formatted;
    user.addressStreet = f.address.streetAddress;
    user.addressLocality = f.address.locality;
    user.addressRegion = f.address.region;
    user.addressPostalCode = f.address.postalCode;
    user.addressCountry = f.address.country;
    user.managerId = f.managerId;

    // Org structure follows the directory's values; unchanged values keep their link.
    if (creating || before.department !== f.department) {
      user.departmentId = f.department ? await this.orgStructure.resolve(m, scope, 'department', f.department) : null;
    }
    if (creating || before.title !== f.title) {
      user.roleId = f.title ? await this.orgStructure.resolve(m, scope, 'role', f.title) : null;
    }
    const site = siteNameOf(f.address);
    if (creating || before.site !== site) {
      user.siteId = site ? await this.orgStructure.resolve(m, scope, 'site', site, f.address) : null;
    }

    // Deactivation archives; reactivation restores the status the person had.
    if (!f.active && user.archivedAt === null) {
      user.archivedAt = new Date();
      user.archiveReason = 'deactivated';
    } else if (f.active && user.archivedAt !== null) {
      user.archivedAt = null;
      user.archiveReason = null;
    }
  }

  private async checkManager(m: EntityManager, scope: DirectoryScope, userId: string, managerId: string): Promise<void> {
    if (managerId === userId) throw new DomainError('INVALID_MANAGER', 'A person cannot be their own manager');
    const found = await m.count(User, { where: { id: managerId, organizationId: scope.organizationId } });
    if (!found) throw new DomainError('INVALID_MANAGER', `Manager ${managerId} is not a user of this organisation`);
  }

  /**
   * Inserts a new person or updates a known one. Updates are conditional on the version read,
   * so a concurrent create that relinked or adopted the same row first makes this one a 409.
   */
  private async save(m: EntityManager, user: User, readVersion: number, isNew: boolean, userName: string): Promise<void> {
    const now = new Date();
    user.updatedAt = now;
    user.version = readVersion + 1;
    try {
      if (isNew) {
        user.createdAt = now;
        await m.insert(User, user);
        return;
      }
      const { id, ...columns } = user;
      const result = await m.update(User, { id, version: readVersion }, columnsOnly(columns));
      if (result.affected === 0) throw taken(userName);
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(userName);
      throw err;
    }
  }

  private async writeEmails(m: EntityManager, user: User, f: DirectoryUserFields): Promise<void> {
    await m.delete(UserEmail, { userId: user.id });
    if (f.emails.length === 0) return;
    await m.insert(
      UserEmail,
      f.emails.map((e, position) => ({
        id: randomUUID(),
        organizationId: user.organizationId,
        userId: user.id,
        position,
        type: e.type,
        value: e.value,
        valueKey: normalizedKey(e.value),
        primary: e.primary,
      })),
    );
  }

  private async load(m: EntityManager, user: User): Promise<ManagedUser> {
    return (await this.hydrate(m, [user]))[0];
  }
}

const taken = (userName: string): DomainError => new DomainError('USER_NAME_TAKEN', `userName "${userName}" is already in use`);

function addressOf(u: User) {
  return {
    formatted: u.addressFormatted,
    streetAddress: u.addressStreet,
    locality: u.addressLocality,
    region: u.addressRegion,
    postalCode: u.addressPostalCode,
    country: u.addressCountry,
  };
}

function sameEmails(current: UserEmail[], next: DirectoryUserFields['emails']): boolean {
  return (
    current.length === next.length &&
    current.every((e, i) => e.value === next[i].value && e.type === next[i].type && e.primary === next[i].primary)
  );
}

/** Drops relation objects so an update writes columns only. */
function columnsOnly(u: Omit<User, 'id'>): Partial<User> {
  const { organization: _o, directory: _d, manager: _m, site: _s, departmentEntity: _de, role: _r, ...columns } = u;
  return columns;
}
