import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  batch,
  chunks,
  forUpdate,
  hydrateRows,
  insertRows,
  insertStatement,
  isUniqueViolation,
  normalizedKey,
  selectList,
  Statement,
  Transactions,
  updateStatement,
  writeLock,
} from '@app/database';
import { assertIdentifier } from '../common/identifier-text.util';
import { DomainError, notFound } from '../common/domain.errors';
import { KeysetPosition, keysetPage, namedParameters } from '../common/keyset.util';
import { assertVersion, VersionPrecondition } from '../common/version-precondition.util';
import { InvitationsService } from '../invitations/invitations.service';
import type { DirectoryScope } from '../org-structure/org-structure-sync.service';
import { visibleToDirectorySql } from '../users/directory-visibility.sql';
import { GroupMember } from './group-member.entity';
import { Group } from './group.entity';

/**
 * What a directory sets on a group besides its members. The entitlement flags (`autoInvite`,
 * `grantsAdmin`) are not here on purpose: the organisation grants power, not the directory
 * (DESIGN §5, issue #9), so only GroupsAdminService.updateFlags (the admin API) writes them.
 */
export interface GroupFields {
  displayName: string;
  externalId: string | null;
}

export interface GroupMemberRef {
  id: string;
  displayName: string | null;
}

/** A group as a directory sees it; `members` is absent when the caller did not ask for it. */
export interface DirectoryGroup {
  group: Group;
  members?: GroupMemberRef[];
}

/** A membership change, applied with set-based SQL (never by loading the member list). */
export interface MembershipChange {
  action: 'add' | 'remove' | 'removeAll' | 'replace';
  ids: string[];
}

export interface GroupRef {
  id: string;
  displayName: string;
}

/**
 * Members are users this group's directory can see: a person the directory DELETEd (archived,
 * hidden) keeps their membership rows, but no response lists them. `gm`/`mu` are the aliases.
 */
export const visibleMember = (directorySql = '?'): string => `mu.id = gm.user_id AND ${visibleToDirectorySql('mu', directorySql)}`;

// `groups` is a reserved word in MySQL 8, so raw SQL quotes it (SQLite accepts backticks too).

const LIMITS: Array<[keyof GroupFields, number]> = [
  ['displayName', 255],
  ['externalId', 255],
];
/** The groups a directory sees, with an optional predicate over `groups g` (`?` placeholders). */
export function visibleGroupsWhere(scope: DirectoryScope, predicate?: { sql: string; params: unknown[] }): { where: string; params: unknown[] } {
  const where = 'g.organization_id = ? AND g.directory_id = ?';
  const params: unknown[] = [scope.organizationId, scope.directoryId];
  return predicate ? { where: `${where} AND (${predicate.sql})`, params: [...params, ...predicate.params] } : { where, params };
}

/** Ids per IN (…) list: well below every engine's limit on bound parameters. */
const CHUNK = 500;

/**
 * The groups a directory manages and their memberships (DESIGN §2: one row per membership).
 * Every change is one transaction; a failure changes nothing. A membership change locks the
 * group row, so concurrent PATCHes of one group serialise, and costs O(ids named), not O(group).
 */
@Injectable()
export class GroupsSyncService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly invitations: InvitationsService,
  ) {}

  async get(scope: DirectoryScope, id: string, withMembers: boolean): Promise<DirectoryGroup> {
    const m = this.dataSource.manager;
    const group = await this.findGroup(m, scope, id, false);
    return (await this.hydrate(m, scope, [group], withMembers))[0];
  }

  /** A page of the directory's groups matching `predicate` (SQL over `groups g`), with the exact total, in creation order. */
  async findVisible(
    scope: DirectoryScope,
    predicate: { sql: string; params: unknown[] } | undefined,
    page: { offset: number; count: number },
    withMembers: boolean,
  ): Promise<{ total: number; groups: DirectoryGroup[] }> {
    const { where, params } = visibleGroupsWhere(scope, predicate);
    const m = this.dataSource.manager;
    if (page.count === 0) return { total: await this.countGroups(m, where, params), groups: [] };
    // The rows in the page query itself; as for people, a page that is not full and not past the
    // end is the last one, so Entra's displayName lookup needs no COUNT(*).
    const named = namedParameters(where, params, 'w');
    const groups = await m
      .createQueryBuilder(Group, 'g')
      .where(named.sql, named.params)
      .orderBy('g.createdAt')
      .addOrderBy('g.id')
      .limit(page.count)
      .offset(page.offset)
      .getMany();
    const lastPage = groups.length < page.count && (groups.length > 0 || page.offset === 0);
    const total = lastPage ? page.offset + groups.length : await this.countGroups(m, where, params);
    return { total, groups: await this.hydrate(m, scope, groups, withMembers) };
  }

  /** The same groups by keyset in id order (RFC 9865 cursor paging); see UsersSyncService.findVisibleByKeyset. */
  async findVisibleByKeyset(
    scope: DirectoryScope,
    predicate: { sql: string; params: unknown[] } | undefined,
    position: KeysetPosition | undefined,
    count: number,
    withMembers: boolean,
  ): Promise<{ total: number; groups: DirectoryGroup[]; more: boolean }> {
    const { where, params } = visibleGroupsWhere(scope, predicate);
    const m = this.dataSource.manager;
    const named = namedParameters(where, params, 'w');
    const { rows, more } = await keysetPage(m.createQueryBuilder(Group, 'g').where(named.sql, named.params), position, count);
    const total = !position && !more ? rows.length : await this.countGroups(m, where, params);
    return { total, groups: await this.hydrate(m, scope, rows, withMembers), more };
  }

  private async countGroups(m: EntityManager, where: string, params: unknown[]): Promise<number> {
    const [{ n }]: Array<{ n: number | string }> = await m.query(`SELECT COUNT(*) AS n FROM \`groups\` g WHERE ${where}`, params);
    return Number(n);
  }

  /** The groups each of these users belongs to (one query), for the User resource's `groups`. */
  async groupsOf(scope: DirectoryScope, userIds: string[]): Promise<Map<string, GroupRef[]>> {
    if (userIds.length === 0) return groupRefsOf(userIds, []);
    const { sql, params } = this.groupsOfStatement(scope, userIds);
    return groupRefsOf(userIds, await this.dataSource.query(sql, params));
  }

  /** The query groupsOf runs, for a caller that sends it in a batch with its own (then groupRefsOf reads its rows). */
  groupsOfStatement(scope: DirectoryScope, userIds: string[]): { sql: string; params: unknown[] } {
    return {
      sql: `SELECT gm.user_id, g.id, g.display_name FROM group_members gm JOIN \`groups\` g ON g.id = gm.group_id
        WHERE g.directory_id = ? AND gm.user_id IN (${userIds.map(() => '?').join(', ')})
        ORDER BY g.display_name_key, g.id`,
      params: [scope.directoryId, ...userIds],
    };
  }

  async create(scope: DirectoryScope, sent: GroupFields, memberIds: string[]): Promise<DirectoryGroup> {
    assertStorable(sent);
    const fields = { displayName: sent.displayName, externalId: sent.externalId };
    const created = await this.tx.run(async (m) => {
      if (memberIds.length) await this.assertMembers(m, scope, memberIds);
      const now = new Date();
      const group = m.create(Group, {
        id: randomUUID(),
        organizationId: scope.organizationId,
        directoryId: scope.directoryId,
        ...columnsOf(fields),
        autoInvite: false,
        grantsAdmin: false,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      try {
        // Entra creates its groups empty: the row and the COMMIT then go in one round trip.
        if (memberIds.length === 0) await this.tx.commitWith(m, [insertStatement(m, Group, [group])]);
        else await insertRows(m, Group, [group]);
      } catch (err) {
        if (isUniqueViolation(err)) throw taken(fields.displayName);
        throw err;
      }
      if (memberIds.length) await this.insertMembers(m, group, memberIds);
      // A new group has no autoInvite (only an admin sets it), so nothing is invited here.
      return memberIds.length ? (await this.hydrate(m, scope, [group], true))[0] : { group, members: [] };
    });
    return created;
  }

  /** PUT: new fields and exactly these members. */
  async replace(scope: DirectoryScope, id: string, fields: GroupFields, memberIds: string[], precondition?: VersionPrecondition): Promise<DirectoryGroup> {
    await this.update(scope, id, () => fields, [{ action: 'replace', ids: memberIds }], precondition);
    return this.get(scope, id, true);
  }

  /**
   * Read-modify-write under a row lock: `change` maps the current group to its new fields (the
   * SCIM adapter applies a PATCH's attribute operations there); `memberships` then run in order.
   * Every member added must be a user the directory can see, or nothing changes.
   */
  async update(
    scope: DirectoryScope,
    id: string,
    change: (current: Group) => GroupFields,
    memberships: MembershipChange[],
    precondition?: VersionPrecondition,
  ): Promise<Group> {
    const [single] = memberships;
    if (memberships.length === 1 && single.ids.length <= CHUNK && (single.action === 'add' || single.action === 'remove')) {
      return this.changeMembers(scope, id, change, { action: single.action, ids: single.ids }, precondition);
    }
    const updated = await this.tx.run(async (m) => {
      const group = await this.findGroup(m, scope, id, true);
      assertVersion(precondition, group.version);
      const sent = change(group);
      assertStorable(sent);
      const fields = { displayName: sent.displayName, externalId: sent.externalId };
      await this.assertMembers(m, scope, joining(memberships));
      const readVersion = group.version;
      Object.assign(group, columnsOf(fields), { version: readVersion + 1, updatedAt: new Date() });
      try {
        await m.update(Group, { id: group.id }, { ...columnsOf(fields), version: group.version, updatedAt: group.updatedAt });
      } catch (err) {
        if (isUniqueViolation(err)) throw taken(fields.displayName);
        throw err;
      }
      for (const c of memberships) await this.applyMembership(m, group, c);
      // autoInvite (set by an admin): while it is on, joining the group invites the newcomer.
      if (group.autoInvite) await this.invitations.inviteUninvitedWithin(m, group.organizationId, joining(memberships));
      return group;
    });
    return updated;
  }

  /**
   * update() for Entra's PATCHes, which add or remove one list of members: the group (locked),
   * the check that the added people are the directory's and which of them are members already
   * go in one round trip with the START TRANSACTION (they depend on the ids sent only); the
   * group's write, the membership rows and the COMMIT in a second. The same rules and answers as
   * update(); a group with autoInvite commits as update() does (the invitations follow the rows).
   */
  private async changeMembers(
    scope: DirectoryScope,
    id: string,
    change: (current: Group) => GroupFields,
    c: { action: 'add' | 'remove'; ids: string[] },
    precondition?: VersionPrecondition,
  ): Promise<Group> {
    const ids = [...new Set(c.ids)];
    return this.tx.run(async (m) => {
      const inList = ids.map(() => '?').join(', ');
      const reads: Statement[] = [
        {
          sql: `SELECT ${selectList(m, Group, 'g')} FROM \`groups\` g WHERE g.id = ? AND g.organization_id = ? AND g.directory_id = ?${forUpdate(m.dataSource)}`,
          params: [id, scope.organizationId, scope.directoryId],
        },
      ];
      if (c.action === 'add' && ids.length) {
        reads.push(
          {
            sql: `SELECT u.id FROM users u WHERE u.organization_id = ? AND ${visibleToDirectorySql('u')} AND u.id IN (${inList})`,
            params: [scope.organizationId, scope.directoryId, ...ids],
          },
          { sql: `SELECT user_id FROM group_members WHERE group_id = ? AND user_id IN (${inList})`, params: [id, ...ids] },
        );
      }
      const [groupRows, visible, existing] = await batch(m, reads);
      const [group] = hydrateRows(m, Group, groupRows as Array<Record<string, unknown>>);
      if (!group) throw notFound('GROUP_NOT_FOUND', 'Group', id);
      assertVersion(precondition, group.version);
      const sent = change(group);
      assertStorable(sent);
      const fields = { displayName: sent.displayName, externalId: sent.externalId };
      if (visible) assertAllFound(ids, visible as Array<{ id: string }>);
      Object.assign(group, columnsOf(fields), { version: group.version + 1, updatedAt: new Date() });
      const writes: Statement[] = [updateStatement(m, Group, { ...columnsOf(fields), version: group.version, updatedAt: group.updatedAt }, { id: group.id })];
      if (c.action === 'add') {
        const present = new Set(((existing ?? []) as Array<{ user_id: string }>).map((r) => r.user_id));
        const rows = ids
          .filter((userId) => !present.has(userId))
          .map((userId) => m.create(GroupMember, { groupId: group.id, userId, organizationId: group.organizationId, createdAt: group.updatedAt }));
        if (rows.length) writes.push(insertStatement(m, GroupMember, rows));
      } else if (ids.length) {
        writes.push({ sql: `DELETE FROM group_members WHERE group_id = ? AND user_id IN (${inList})`, params: [group.id, ...ids] });
      }
      try {
        if (group.autoInvite && c.action === 'add') {
          for (const st of writes) await m.query(st.sql, st.params);
          // autoInvite (set by an admin): while it is on, joining the group invites the newcomer.
          await this.invitations.inviteUninvitedWithin(m, group.organizationId, ids);
        } else await this.tx.commitWith(m, writes);
      } catch (err) {
        if (isUniqueViolation(err)) throw taken(fields.displayName);
        throw err;
      }
      return group;
    });
  }

  async remove(scope: DirectoryScope, id: string, precondition?: VersionPrecondition): Promise<void> {
    await this.tx.run(async (m) => {
      const group = await this.findGroup(m, scope, id, true);
      assertVersion(precondition, group.version);
      // Memberships go with the group (ON DELETE CASCADE).
      await m.delete(Group, { id: group.id });
    });
  }

  private async applyMembership(m: EntityManager, group: Group, c: MembershipChange): Promise<void> {
    switch (c.action) {
      case 'add':
        return this.insertMembers(m, group, c.ids);
      case 'remove':
        for (const ids of chunks(c.ids, CHUNK)) {
          await m.query(`DELETE FROM group_members WHERE group_id = ? AND user_id IN (${ids.map(() => '?').join(', ')})`, [group.id, ...ids]);
        }
        return;
      case 'removeAll':
        await m.query('DELETE FROM group_members WHERE group_id = ?', [group.id]);
        return;
      case 'replace':
        await m.query('DELETE FROM group_members WHERE group_id = ?', [group.id]);
        return this.insertMembers(m, group, c.ids);
    }
  }

  /** Inserts only the memberships that do not exist yet: adding a member twice changes nothing. */
  private async insertMembers(m: EntityManager, group: Group, userIds: string[]): Promise<void> {
    const now = new Date();
    for (const ids of chunks([...new Set(userIds)], CHUNK)) {
      const existing: Array<{ user_id: string }> = await m.query(
        `SELECT user_id FROM group_members WHERE group_id = ? AND user_id IN (${ids.map(() => '?').join(', ')})`,
        [group.id, ...ids],
      );
      const present = new Set(existing.map((r) => r.user_id));
      const rows = ids
        .filter((userId) => !present.has(userId))
        .map((userId) => m.create(GroupMember, { groupId: group.id, userId, organizationId: group.organizationId, createdAt: now }));
      await insertRows(m, GroupMember, rows);
    }
  }

  /** 400 unless every id is a user this directory can see (DESIGN §2: members are the directory's users). */
  private async assertMembers(m: EntityManager, scope: DirectoryScope, userIds: string[]): Promise<void> {
    for (const ids of chunks(userIds, CHUNK)) {
      const found: Array<{ id: string }> = await m.query(
        `SELECT u.id FROM users u WHERE u.organization_id = ? AND ${visibleToDirectorySql('u')} AND u.id IN (${ids.map(() => '?').join(', ')})`,
        [scope.organizationId, scope.directoryId, ...ids],
      );
      assertAllFound(ids, found);
    }
  }

  private async findGroup(m: EntityManager, scope: DirectoryScope, id: string, lock: boolean): Promise<Group> {
    const group = await m.findOne(Group, {
      where: { id, organizationId: scope.organizationId, directoryId: scope.directoryId },
      ...(lock ? writeLock(m.dataSource) : {}),
    });
    if (!group) throw notFound('GROUP_NOT_FOUND', 'Group', id);
    return group;
  }

  /** Loads the visible members of a page of groups in one query (none when not asked for). */
  private async hydrate(m: EntityManager, scope: DirectoryScope, groups: Group[], withMembers: boolean): Promise<DirectoryGroup[]> {
    if (!withMembers || groups.length === 0) return groups.map((group) => ({ group }));
    const rows: Array<{ group_id: string; id: string; display_name: string | null }> = await m.query(
      `SELECT gm.group_id, mu.id, mu.display_name FROM group_members gm JOIN users mu ON ${visibleMember()}
        WHERE gm.group_id IN (${groups.map(() => '?').join(', ')}) ORDER BY gm.created_at, mu.id`,
      [scope.directoryId, ...groups.map((g) => g.id)],
    );
    return groups.map((group) => ({
      group,
      members: rows.filter((r) => r.group_id === group.id).map((r) => ({ id: r.id, displayName: r.display_name })),
    }));
  }
}

const taken = (displayName: string): DomainError => new DomainError('GROUP_NAME_TAKEN', `displayName "${displayName}" is already in use`);

/** 400 unless `found` (the visible people among `ids`) is all of them. */
function assertAllFound(ids: string[], found: Array<{ id: string }>): void {
  if (found.length === ids.length) return;
  const known = new Set(found.map((r) => r.id));
  const unknown = ids.filter((id) => !known.has(id));
  throw new DomainError('INVALID_MEMBER', `Members must be users of this directory; unknown: ${unknown.slice(0, 10).join(', ')}`);
}

/** Everyone a membership change adds (the new list, for a replace). */
function joining(memberships: MembershipChange[]): string[] {
  return [...new Set(memberships.filter((c) => c.action === 'add' || c.action === 'replace').flatMap((c) => c.ids))];
}

function assertStorable(f: GroupFields): void {
  if (f.displayName.trim() === '') throw new DomainError('VALIDATION_FAILED', 'displayName is required');
  assertIdentifier('displayName', f.displayName);
  assertIdentifier('externalId', f.externalId);
  for (const [name, max] of LIMITS) {
    const value = f[name];
    if (typeof value === 'string' && value.length > max) throw new DomainError('VALIDATION_FAILED', `${name} is longer than ${max} characters`);
  }
}

function columnsOf(f: GroupFields): Pick<Group, 'displayName' | 'displayNameKey' | 'externalId'> {
  return {
    displayName: f.displayName,
    displayNameKey: normalizedKey(f.displayName),
    externalId: f.externalId,
  };
}

/** The rows of groupsOfStatement as each person's groups (every person of `userIds` has an entry). */
export function groupRefsOf(userIds: string[], rows: unknown): Map<string, GroupRef[]> {
  const result = new Map<string, GroupRef[]>(userIds.map((id) => [id, []]));
  for (const r of rows as Array<{ user_id: string; id: string; display_name: string }>) result.get(r.user_id)?.push({ id: r.id, displayName: r.display_name });
  return result;
}
