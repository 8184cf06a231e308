import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import {
  affectedRows,
  batch,
  forUpdate,
  hydrateRows,
  insertStatement,
  isUniqueViolation,
  normalizedKey,
  runStatement,
  selectList,
  Statement,
  Transactions,
  updateStatement,
} from '@app/database';
import { DomainError, notFound } from '../common/domain.errors';
import { KeysetPosition, keysetPage, namedParameters } from '../common/keyset.util';
import { assertVersion, VersionPrecondition } from '../common/version-precondition.util';
import { DirectoryScope, MappingRow, OrgMention, OrgStructureSyncService } from '../org-structure/org-structure-sync.service';
import { Role } from '../org-structure/role.entity';
import { UserEmail } from './user-email.entity';
import { User } from './user.entity';
import { visibleToDirectorySql } from './directory-visibility.sql';
import { emailInUse, isActiveEmailViolation } from './email-conflict.errors';
import { NOT_DEPROVISIONING, UsersLifecycle, PersonSnapshot, setArchived, setEmail, setRestored, snapshot } from './users-lifecycle.service';
import { DeprovisionGuardService, DeprovisionOutcome } from './deprovision-guard.service';
import { changedFields, fieldSnapshot, PersonWrite, updateKind } from './changed-fields.util';
import { appEmail, assertStorable, DIRECTORY_TEXT_FIELD_NAMES, DirectoryUserFields, siteNameOf, workAddressOf } from './user-fields.util';

/** A person as a directory sees them: the row, its emails in order, and its manager's name. */
export interface ManagedUser {
  user: User;
  emails: UserEmail[];
  manager: { id: string; displayName: string | null } | null;
  /** Set by create: true when a new row was made (not a relink or an adoption). */
  isNew?: boolean;
  /** Set by writes, for the provisioning log: what the write was, and the names of the fields it changed. */
  write?: { kind: PersonWrite; fields: string[] };
  /** Set when the write was a deprovision: what the mass-deprovisioning guard made of it. */
  deprovision?: DeprovisionOutcome;
}

/**
 * The people a directory manages, with the rules of DESIGN §1 and §5: new people are uninvited;
 * deactivation and DELETE archive (history kept) and end the person's sessions, API tokens and
 * open invitations in the same transaction (UsersLifecycle); reactivation restores the prior
 * status, never a session or token; a re-created userName relinks the archived person only when
 * the externalIds agree (or one side has none), else it is a new person; an in-app account with
 * the same email that no directory manages and is not archived is adopted; a work email is unique
 * among the organisation's people who are not archived. Every change is one transaction; a
 * failure changes nothing.
 */
@Injectable()
export class UsersSyncService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly orgStructure: OrgStructureSyncService,
    private readonly lifecycle: UsersLifecycle,
    private readonly guard: DeprovisionGuardService,
  ) {}

  /** A person this directory manages and has not deleted, or 404. */
  async get(scope: DirectoryScope, id: string): Promise<ManagedUser> {
    return (await this.getWith(scope, id, [])).person;
  }

  /**
   * The same, in one round trip with `also` (statements of the caller's, e.g. the SCIM groups of
   * the person), whose raw results come back in order.
   */
  async getWith(scope: DirectoryScope, id: string, also: Statement[]): Promise<{ person: ManagedUser; also: unknown[] }> {
    // A read: no transaction (BEGIN and COMMIT would be two more round trips for nothing).
    return this.readPerson(this.dataSource.manager, scope, id, false, also);
  }

  /**
   * A page of the directory's visible people matching `predicate` (SQL over `users u` with `?`
   * placeholders, e.g. a compiled SCIM filter), with the exact total, in creation order. The rows
   * come in the page query itself (one statement): this is the lookup Entra sends for every user
   * of every cycle.
   */
  async findVisible(
    scope: DirectoryScope,
    predicate: { sql: string; params: unknown[] } | undefined,
    page: { offset: number; count: number },
    also?: (userIds: string[]) => Statement[],
  ): Promise<{ total: number; users: ManagedUser[]; also: unknown[] }> {
    const { where, params } = this.visibleWhere(scope, predicate);
    const m = this.dataSource.manager;
    if (page.count === 0) return { total: await this.count(m, where, params), users: [], also: [] };
    // Raw SQL built once (selectList): this runs for every user of every cycle, and a query
    // builder would rebuild and re-parse the same statement each time.
    const rows: Array<Record<string, unknown>> = await m.query(
      `SELECT ${selectList(m, User, 'u')} FROM users u WHERE ${where} ORDER BY u.created_at ASC, u.id ASC LIMIT ? OFFSET ?`,
      [...params, page.count, page.offset],
    );
    const users = hydrateRows(m, User, rows);
    // A page that is not full and not past the end is the last one, so the total is exact
    // without COUNT(*): Entra's per-user lookup (0 or 1 match) is then a single query.
    const lastPage = users.length < page.count && (users.length > 0 || page.offset === 0);
    const total = lastPage ? page.offset + users.length : await this.count(m, where, params);
    const hydrated = await this.hydrateWith(m, users, also ? also(users.map((u) => u.id)) : []);
    return { total, users: hydrated.users, also: hydrated.also };
  }

  /**
   * The same people by keyset in id order (RFC 9865 cursor paging): `position` is where the page
   * starts; `more` says whether a page follows in the direction read. The total is exact: from
   * the page itself when the first page is the only one, else COUNT(*) (an index range count).
   */
  async findVisibleByKeyset(
    scope: DirectoryScope,
    predicate: { sql: string; params: unknown[] } | undefined,
    position: KeysetPosition | undefined,
    count: number,
    also?: (userIds: string[]) => Statement[],
  ): Promise<{ total: number; users: ManagedUser[]; more: boolean; also: unknown[] }> {
    const { where, params } = this.visibleWhere(scope, predicate);
    const m = this.dataSource.manager;
    const { rows, more } = await keysetPage(this.visibleQuery(m, where, params), position, count);
    const total = !position && !more ? rows.length : await this.count(m, where, params);
    const hydrated = await this.hydrateWith(m, rows, also ? also(rows.map((u) => u.id)) : []);
    return { total, users: hydrated.users, more, also: hydrated.also };
  }

  /** `SELECT u.* FROM users u WHERE <where>` as a query builder (named parameters, same SQL). */
  private visibleQuery(m: EntityManager, where: string, params: unknown[]): SelectQueryBuilder<User> {
    const named = namedParameters(where, params, 'w');
    return m.createQueryBuilder(User, 'u').where(named.sql, named.params);
  }

  private async count(m: EntityManager, where: string, params: unknown[]): Promise<number> {
    const [{ n }]: Array<{ n: number | string }> = await m.query(`SELECT COUNT(*) AS n FROM users u WHERE ${where}`, params);
    return Number(n);
  }

  /** The WHERE clause findVisible runs (exposed so tests can EXPLAIN exactly that). */
  visibleWhere(scope: DirectoryScope, predicate?: { sql: string; params: unknown[] }): { where: string; params: unknown[] } {
    const where = `u.organization_id = ? AND ${visibleToDirectorySql('u')}`;
    const params: unknown[] = [scope.organizationId, scope.directoryId];
    return predicate ? { where: `${where} AND (${predicate.sql})`, params: [...params, ...predicate.params] } : { where, params };
  }

  /** Loads emails and managers for a page of users (one round trip). */
  async hydrate(m: EntityManager, users: User[]): Promise<ManagedUser[]> {
    return (await this.hydrateWith(m, users, [])).users;
  }

  /** hydrate, with the caller's `also` statements in the same round trip (their raw results come back in order). */
  private async hydrateWith(m: EntityManager, users: User[], also: Statement[]): Promise<{ users: ManagedUser[]; also: unknown[] }> {
    if (users.length === 0) return { users: [], also: [] };
    const managerIds = [...new Set(users.map((u) => u.managerId).filter((x): x is string => x !== null))];
    const managers = managerIds.length
      ? [{ sql: `SELECT mgr.id, mgr.display_name FROM users mgr WHERE mgr.id IN (${managerIds.map(() => '?').join(', ')})`, params: managerIds }]
      : [];
    const results = await batch(m, [
      this.emailsOf(
        m,
        users.map((u) => u.id),
      ),
      ...managers,
      ...also,
    ]);
    const emailRows = results[0];
    const managerRows = managers.length ? results[1] : [];
    const rest = results.slice(1 + managers.length);
    const emails = hydrateRows(m, UserEmail, emailRows as Array<Record<string, unknown>>);
    const byManager = new Map((managerRows as ManagerRow[]).map((x) => [x.id, x]));
    return {
      users: users.map((user) => {
        const manager = user.managerId ? byManager.get(user.managerId) : undefined;
        return {
          user,
          emails: emails.filter((e) => e.userId === user.id),
          manager: manager ? { id: manager.id, displayName: manager.display_name } : null,
        };
      }),
      also: rest,
    };
  }

  /** The email rows of these people, in their order. */
  private emailsOf(m: EntityManager, userIds: string[]): Statement {
    return {
      sql: `SELECT ${selectList(m, UserEmail, 'e')} FROM user_emails e WHERE e.user_id IN (${userIds.map(() => '?').join(', ')}) ORDER BY e.position ASC`,
      params: userIds,
    };
  }

  /**
   * A person the directory sees (locked for a write), with their emails and manager, in one
   * round trip with `also`; 404 when the directory does not see them. Inside a transaction on
   * MySQL this also carries its START TRANSACTION.
   */
  private async readPerson(
    m: EntityManager,
    scope: DirectoryScope,
    id: string,
    lock: boolean,
    also: Statement[] = [],
  ): Promise<{ person: ManagedUser; also: unknown[] }> {
    const [userRows, emailRows, managerRows, ...rest] = await batch(m, [
      {
        sql: `SELECT ${selectList(m, User, 'u')} FROM users u WHERE u.id = ? AND u.organization_id = ? AND ${visibleToDirectorySql('u')}${lock ? forUpdate(m.dataSource) : ''}`,
        params: [id, scope.organizationId, scope.directoryId],
      },
      this.emailsOf(m, [id]),
      // The manager by the person's manager_id, read in the same round trip (the rows' order in a batch is the statements').
      { sql: 'SELECT mgr.id, mgr.display_name FROM users mgr WHERE mgr.id = (SELECT p.manager_id FROM users p WHERE p.id = ?)', params: [id] },
      ...also,
    ]);
    const [user] = hydrateRows(m, User, userRows as Array<Record<string, unknown>>);
    if (!user) throw notFound('USER_NOT_FOUND', 'User', id);
    let manager = (managerRows as ManagerRow[])[0] as ManagerRow | undefined;
    // Unlocked, a manager change may have landed between the two reads: read the one the row names.
    if (user.managerId !== null && manager?.id !== user.managerId) {
      manager = (await m.query<ManagerRow[]>('SELECT mgr.id, mgr.display_name FROM users mgr WHERE mgr.id = ?', [user.managerId]))[0];
    }
    return {
      person: {
        user,
        emails: hydrateRows(m, UserEmail, emailRows as Array<Record<string, unknown>>),
        manager: user.managerId !== null && manager ? { id: manager.id, displayName: manager.display_name } : null,
      },
      also: rest,
    };
  }

  async create(scope: DirectoryScope, fields: DirectoryUserFields, requestId: string | null = null): Promise<ManagedUser> {
    assertStorable(fields);
    return this.tx.run(async (m) => {
      const userNameKey = normalizedKey(fields.userName);
      // One query finds both a holder of this userName and an in-app account whose email it is
      // (DESIGN §1.6: customers set UPN = email); a new person, the common case, stops there. An
      // archived in-app account is not adopted: its address may have gone to someone else. The
      // directory's mappings of the person's department, title and site travel with it (and,
      // inside the transaction, its START TRANSACTION): they do not depend on what it finds.
      const mentions = mentionsOf(fields, { department: true, role: true, site: true });
      const mappings = this.orgStructure.mappingsStatement(scope, mentions);
      const [found, mapped] = await batch(m, [
        {
          sql: `SELECT id FROM users WHERE organization_id = ? AND (user_name_key = ?
           OR (email_key = ? AND directory_id IS NULL AND user_name_key IS NULL AND archived_at IS NULL))`,
          params: [scope.organizationId, userNameKey, userNameKey],
        },
        ...(mappings ? [mappings] : []),
      ]);
      const hits = found as Array<{ id: string }>;
      const candidates = hits.length ? await m.find(User, { where: { id: In(hits.map((h) => h.id)) }, order: { createdAt: 'ASC' } }) : [];
      let existing = candidates.find((u) => u.userNameKey === userNameKey);
      if (existing && (existing.directoryId === null || existing.directoryId === scope.directoryId)) {
        // DESIGN §5: a recycled userName with another externalId is another person. The archived
        // holder keeps its history but lets go of the userName; the newcomer starts from nothing
        // (uninvited, no password, no memberships).
        if (existing.archivedAt !== null && !sameIdentity(existing.externalId, fields.text.externalId)) {
          await this.releaseUserName(m, existing, fields.userName);
          existing = undefined;
        }
      }
      // A row with this userName may be the person this directory deleted earlier (relink: same
      // id, history kept) or a person no directory manages any more (adopt). A person another
      // directory manages, or this one still shows, is a conflict; so is a live person no
      // directory manages whose externalId says they are someone else.
      const claimable =
        existing &&
        (existing.directoryId === null || (existing.directoryId === scope.directoryId && !existing.scimVisible)) &&
        sameIdentity(existing.externalId, fields.text.externalId);
      if (existing && !claimable) throw taken(fields.userName);
      const known = existing ?? candidates.find((u) => u.userNameKey === null) ?? null;
      const target = known ?? this.newUser(scope);
      const before = known ? snapshot(target) : { archivedAt: null, emailKey: null };
      const readVersion = target.version;
      const kind: PersonWrite = known === null ? 'create' : existing && existing.directoryId === scope.directoryId ? 'relink' : 'adopt';
      const priorFields = known ? fieldSnapshot(target) : null;
      target.directoryId = scope.directoryId;
      target.scimVisible = true;
      const manager = await this.applyFields(m, scope, target, fields, true, null, (mapped ?? []) as MappingRow[]);
      // A new person sent inactive is archived as before: creating is not deprovisioning anyone.
      const deprovision = known ? await this.applyActive(m, scope, target, fields.active, requestId) : newInactive(target, fields.active);
      // No email pre-check: the unique key on active_email_key answers (save maps it to 409),
      // which keeps Entra's create at the same number of round trips. A new person's row, their
      // emails and the COMMIT go in one round trip; a relink or adoption (a row read without a
      // lock, written only if its version still matches) commits separately.
      const emails = this.emailWrites(m, target, fields, known !== null);
      if (known === null) await this.save(m, target, readVersion, true, fields.userName, emails.statements);
      else {
        await this.save(m, target, readVersion, false, fields.userName);
        for (const st of emails.statements) await this.tx.defer(m, st.sql, st.params);
        await this.lifecycle.changed(m, scope.organizationId, target.id, before, snapshot(target));
      }
      return {
        user: target,
        emails: emails.rows,
        manager,
        isNew: known === null,
        deprovision,
        write: { kind, fields: changedFields(priorFields, target, fields.emails.length > 0) },
      };
    });
  }

  /**
   * Frees an archived person's userName key (the userName itself stays, as history), so a new
   * person can take it. Conditional on the version read: a concurrent relink makes this a 409.
   */
  private async releaseUserName(m: EntityManager, user: User, userName: string): Promise<void> {
    const result = await m.update(User, { id: user.id, version: user.version }, { userNameKey: null, version: user.version + 1, updatedAt: new Date() });
    if (result.affected === 0) throw taken(userName);
  }

  async replace(
    scope: DirectoryScope,
    id: string,
    fields: DirectoryUserFields,
    precondition?: VersionPrecondition,
    requestId: string | null = null,
  ): Promise<ManagedUser> {
    return this.update(scope, id, () => fields, precondition, requestId);
  }

  /**
   * Read-modify-write under a row lock: `change` maps the current person to the new fields
   * (the SCIM adapter applies a PATCH there), so concurrent PATCHes of one person serialise.
   * A version precondition (If-Match) is checked under that lock.
   */
  async update(
    scope: DirectoryScope,
    id: string,
    change: (current: ManagedUser) => DirectoryUserFields,
    precondition?: VersionPrecondition,
    requestId: string | null = null,
  ): Promise<ManagedUser> {
    return this.tx.run(async (m) => {
      // The person (locked), their emails and manager, and the START TRANSACTION: one round trip.
      const current = (await this.readPerson(m, scope, id, true)).person;
      const user = current.user;
      assertVersion(precondition, user.version);
      const fields = change(current);
      assertStorable(fields);
      const version = user.version;
      const before = snapshot(user);
      const priorFields = fieldSnapshot(user);
      const manager = await this.applyFields(m, scope, user, fields, false, current.manager);
      const deprovision = await this.applyActive(m, scope, user, fields.active, requestId);
      const emailsChanged = !sameEmails(current.emails, fields.emails);
      const emails = emailsChanged ? this.emailWrites(m, user, fields, true) : { rows: current.emails, statements: [] };
      // The consequences (sessions ended…) before the row's write, in the same transaction:
      // nothing they do reads the row, and the write, the emails and the COMMIT then go in one
      // round trip. The row is locked, so its version-conditional UPDATE cannot miss.
      await this.lifecycle.changed(m, scope.organizationId, user.id, before, snapshot(user));
      await this.save(m, user, version, false, fields.userName, emails.statements);
      return {
        user,
        emails: emails.rows,
        manager,
        deprovision,
        write: { kind: updateKind(priorFields, user), fields: changedFields(priorFields, user, emailsChanged) },
      };
    });
  }

  /**
   * DELETE: archive (ending the person's access) and hide from the directory; a later POST of the
   * userName relinks the person when the externalIds agree. Answers the person's userName (for
   * the provisioning log).
   */
  async remove(
    scope: DirectoryScope,
    id: string,
    precondition?: VersionPrecondition,
    requestId: string | null = null,
  ): Promise<{ userName: string | null; deprovision: DeprovisionOutcome }> {
    return this.tx.run(async (m) => {
      const user = await this.visibleUser(m, scope, id, true);
      assertVersion(precondition, user.version);
      const before: PersonSnapshot = snapshot(user);
      // Hidden from the directory at once (GET answers 404, as Entra expects after a DELETE), whatever the guard makes of the archive.
      const deprovision = await this.guard.deprovision(m, scope, user, 'deleted', requestId);
      // Already archived (a deactivated person): the archive now says why the directory let them go.
      if (deprovision === 'unchanged' && user.archivedAt !== null) setArchived(user, 'deleted');
      // As in update(): the consequences first, then the row's write with the COMMIT.
      await this.lifecycle.changed(m, scope.organizationId, user.id, before, snapshot(user));
      await this.tx.commitWith(m, [
        updateStatement(
          m,
          User,
          {
            scimVisible: false,
            archivedAt: user.archivedAt,
            archiveReason: user.archiveReason,
            activeEmailKey: user.activeEmailKey,
            suspendedAt: user.suspendedAt,
            deprovisionState: user.deprovisionState,
            deprovisionReason: user.deprovisionReason,
            deprovisionRequestedAt: user.deprovisionRequestedAt,
            deprovisionRequestId: user.deprovisionRequestId,
            pendingArchiveAt: user.pendingArchiveAt,
            version: user.version + 1,
            updatedAt: new Date(),
          },
          { id: user.id },
        ),
      ]);
      return { userName: user.userName, deprovision };
    });
  }

  /**
   * `active` as the directory sent it, for a person who exists: true releases a pending, held or
   * rejected deprovisioning and restores an archived person; false goes through the guard.
   */
  private async applyActive(
    m: EntityManager,
    scope: DirectoryScope,
    user: User,
    active: boolean,
    requestId: string | null,
  ): Promise<DeprovisionOutcome | undefined> {
    if (active) {
      this.guard.release(user);
      if (user.archivedAt !== null) setRestored(user);
      return undefined;
    }
    return this.guard.deprovision(m, scope, user, 'deactivated', requestId);
  }

  private newUser(scope: DirectoryScope): User {
    const user = new User();
    user.id = randomUUID();
    user.organizationId = scope.organizationId;
    user.status = 'uninvited';
    user.isAdmin = false;
    user.archivedAt = null;
    user.archiveReason = null;
    Object.assign(user, NOT_DEPROVISIONING);
    user.activeEmailKey = null;
    // No grade and no links yet: applyFields then has no grade to check against a role (a
    // missing value here read as "has a grade" and cost every create a role lookup).
    user.grade = null;
    user.siteId = null;
    user.departmentId = null;
    user.roleId = null;
    user.version = 0;
    user.createdAt = new Date();
    return user;
  }

  private async visibleUser(m: EntityManager, scope: DirectoryScope, id: string, lock: boolean): Promise<User> {
    const rows: Array<Record<string, unknown>> = await m.query(
      `SELECT ${selectList(m, User, 'u')} FROM users u WHERE u.id = ? AND u.organization_id = ? AND ${visibleToDirectorySql('u')}${lock ? forUpdate(m.dataSource) : ''}`,
      [id, scope.organizationId, scope.directoryId],
    );
    const [user] = hydrateRows(m, User, rows);
    if (!user) throw notFound('USER_NOT_FOUND', 'User', id);
    return user;
  }

  /**
   * Copies the directory's fields onto the row, resolving org-structure links whose source value
   * changed (one query for all of them) and checking a new manager. Returns the manager reference.
   */
  private async applyFields(
    m: EntityManager,
    scope: DirectoryScope,
    user: User,
    f: DirectoryUserFields,
    creating: boolean,
    currentManager: ManagedUser['manager'],
    mapped?: MappingRow[],
  ): Promise<ManagedUser['manager']> {
    const manager = f.managerId === null ? null : currentManager?.id === f.managerId ? currentManager : await this.checkManager(m, scope, user.id, f.managerId);
    const address = workAddressOf(f.text);
    const site = siteNameOf(address);
    // A value re-resolves when it changed, or when it has no link (e.g. after an admin deleted
    // its entity: the next mention creates it afresh).
    const changed = {
      department: creating || user.department !== f.text.department || (!!f.text.department && user.departmentId === null),
      role: creating || user.title !== f.text.title || (!!f.text.title && user.roleId === null),
      site: creating || siteNameOf(workAddressOf(user)) !== site || (!!site && user.siteId === null),
    };
    user.userName = f.userName;
    user.userNameKey = normalizedKey(f.userName);
    for (const field of DIRECTORY_TEXT_FIELD_NAMES) user[field] = f.text[field];
    setEmail(user, appEmail(f.emails));
    user.managerId = f.managerId;

    // Org structure follows the directory's values: a changed value re-links (a blank one
    // clears the link); an unchanged value keeps whatever link the person has.
    const mentions = mentionsOf(f, changed);
    const ids = await this.orgStructure.resolveAll(m, scope, mentions, mapped);
    const linked = (kind: OrgMention['kind']): string | null => {
      const i = mentions.findIndex((x) => x.kind === kind);
      return i < 0 ? null : ids[i];
    };
    if (changed.department) user.departmentId = linked('department');
    if (changed.role) {
      const roleId = linked('role');
      // A grade belongs to a role: it goes when the directory moves the person to a role without it.
      if (user.grade !== null && roleId !== user.roleId) {
        const role = roleId ? await m.findOneBy(Role, { id: roleId }) : null;
        if (!role?.grades.includes(user.grade)) user.grade = null;
      }
      user.roleId = roleId;
    }
    if (changed.site) user.siteId = linked('site');
    // `active` is applied by applyActive (through the deprovisioning guard), not here.
    return manager;
  }

  private async checkManager(m: EntityManager, scope: DirectoryScope, userId: string, managerId: string): Promise<NonNullable<ManagedUser['manager']>> {
    if (managerId === userId) throw new DomainError('INVALID_MANAGER', 'A person cannot be their own manager');
    const found = await m.findOne(User, { select: { id: true, displayName: true }, where: { id: managerId, organizationId: scope.organizationId } });
    if (!found) throw new DomainError('INVALID_MANAGER', `Manager ${managerId} is not a user of this organisation`);
    return { id: found.id, displayName: found.displayName };
  }

  /**
   * Inserts a new person or updates a known one. Updates are conditional on the version read,
   * so a concurrent create that relinked or adopted the same row first makes this one a 409.
   */
  private async save(m: EntityManager, user: User, readVersion: number, isNew: boolean, userName: string, thenCommit?: Statement[]): Promise<void> {
    const now = new Date();
    user.updatedAt = now;
    user.version = readVersion + 1;
    if (isNew) user.createdAt = now;
    const { id, ...columns } = user;
    const write = isNew ? insertStatement(m, User, [user]) : updateStatement(m, User, columnsOnly(columns), { id, version: readVersion });
    try {
      // With `thenCommit`: these statements and the COMMIT travel with the write (a failure commits nothing).
      const [result] = thenCommit ? await this.tx.commitWith(m, [write, ...thenCommit]) : [await runStatement(m, write)];
      if (!isNew && affectedRows(result) === 0) throw taken(userName);
    } catch (err) {
      if (isActiveEmailViolation(err)) throw emailInUse();
      if (isUniqueViolation(err)) throw taken(userName);
      throw err;
    }
  }

  /** The person's email rows (a handful) as they will be stored, and the statements that replace the old ones with them. */
  private emailWrites(m: EntityManager, user: User, f: DirectoryUserFields, hadRows: boolean): { rows: UserEmail[]; statements: Statement[] } {
    const rows = f.emails.map((e, position) =>
      m.create(UserEmail, {
        id: randomUUID(),
        organizationId: user.organizationId,
        userId: user.id,
        position,
        type: e.type,
        value: e.value,
        valueKey: normalizedKey(e.value),
        primary: e.primary,
      }),
    );
    const statements = [
      ...(hadRows ? [{ sql: 'DELETE FROM user_emails WHERE user_id = ?', params: [user.id] }] : []),
      ...(rows.length ? [insertStatement(m, UserEmail, rows)] : []),
    ];
    return { rows, statements };
  }
}

type ManagerRow = { id: string; display_name: string | null };

/** The org-structure values of `f` to resolve, for the kinds whose value changed. */
function mentionsOf(f: DirectoryUserFields, changed: Record<OrgMention['kind'], boolean>): OrgMention[] {
  const address = workAddressOf(f.text);
  const site = siteNameOf(address);
  const mentions: OrgMention[] = [];
  if (changed.department && f.text.department) mentions.push({ kind: 'department', value: f.text.department });
  if (changed.role && f.text.title) mentions.push({ kind: 'role', value: f.text.title });
  if (changed.site && site) mentions.push({ kind: 'site', value: site, address });
  return mentions;
}

/** A new person the directory sends inactive: archived at once (no one loses access, so the guard has nothing to hold). */
function newInactive(user: User, active: boolean): undefined {
  if (!active) setArchived(user, 'deactivated');
  return undefined;
}

const taken = (userName: string): DomainError => new DomainError('USER_NAME_TAKEN', `userName "${userName}" is already in use`);

/** The same human as far as the directory can tell: the externalIds agree, or one side has none. */
const sameIdentity = (a: string | null, b: string | null): boolean => a === null || b === null || a === b;

function sameEmails(current: UserEmail[], next: DirectoryUserFields['emails']): boolean {
  return current.length === next.length && current.every((e, i) => e.value === next[i].value && e.type === next[i].type && e.primary === next[i].primary);
}

/** Drops relation objects so an update writes columns only. */
function columnsOnly(u: Omit<User, 'id'>): Partial<User> {
  const { organization: _o, directory: _d, manager: _m, site: _s, departmentEntity: _de, role: _r, ...columns } = u;
  return columns;
}
