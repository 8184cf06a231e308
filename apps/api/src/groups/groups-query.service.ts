import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { writeLock } from '@app/database';
import { notFound } from '../common/domain.errors';
import { keysetPage } from '../common/keyset.util';
import { keysetPosition, PageQuery } from '../common/page.dto';
import { User } from '../users/user.entity';
import { visibleMember } from './groups-sync.service';
import { ListGroupsQuery } from './dto/group.dto';
import { Group } from './group.entity';
import { GroupMember } from './group-member.entity';

export interface GroupWithCount {
  group: Group;
  memberCount: number;
}

/** The admin read side of groups. Every query is bounded by the caller's organisation. */
@Injectable()
export class GroupsQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(organizationId: string, q: ListGroupsQuery): Promise<[GroupWithCount[], number]> {
    const [groups, total] = await this.listQuery(organizationId, q)
      .orderBy('g.created_at', 'ASC')
      .addOrderBy('g.id', 'ASC')
      .skip((q.page - 1) * q.limit)
      .take(q.limit)
      .getManyAndCount();
    const counts = await this.memberCounts(this.dataSource.manager, groups);
    return [groups.map((group) => ({ group, memberCount: counts.get(group.id) ?? 0 })), total];
  }

  /** The same groups by keyset in id order (`?cursor=`). */
  async listByKeyset(organizationId: string, q: ListGroupsQuery): Promise<{ groups: GroupWithCount[]; more: boolean }> {
    const { rows, more } = await keysetPage(this.listQuery(organizationId, q), keysetPosition(q), q.limit);
    const counts = await this.memberCounts(this.dataSource.manager, rows);
    return { groups: rows.map((group) => ({ group, memberCount: counts.get(group.id) ?? 0 })), more };
  }

  private listQuery(organizationId: string, q: ListGroupsQuery): SelectQueryBuilder<Group> {
    const qb = this.dataSource.getRepository(Group).createQueryBuilder('g').where('g.organization_id = :org', { org: organizationId });
    if (q.directoryId) qb.andWhere('g.directory_id = :directoryId', { directoryId: q.directoryId });
    return qb;
  }

  async get(organizationId: string, id: string): Promise<GroupWithCount> {
    const group = await this.find(this.dataSource.manager, organizationId, id);
    return { group, memberCount: (await this.memberCounts(this.dataSource.manager, [group])).get(id) ?? 0 };
  }

  /** The group's visible members, in the order they joined. */
  async members(organizationId: string, id: string, q: PageQuery): Promise<[User[], number]> {
    const group = await this.find(this.dataSource.manager, organizationId, id);
    const from = `FROM group_members gm JOIN users mu ON ${visibleMember()} WHERE gm.group_id = ?`;
    const params = [group.directoryId, group.id];
    const [{ n }]: Array<{ n: number | string }> = await this.dataSource.query(`SELECT COUNT(*) AS n ${from}`, params);
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT mu.id ${from} ORDER BY gm.created_at, mu.id LIMIT ? OFFSET ?`, [
      ...params,
      q.limit,
      (q.page - 1) * q.limit,
    ]);
    const users = rows.length
      ? await this.dataSource.getRepository(User).find({
          select: { id: true, displayName: true, email: true, status: true, archivedAt: true },
          where: { id: In(rows.map((r) => r.id)) },
        })
      : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    return [rows.map((r) => byId.get(r.id)).filter((u): u is User => u !== undefined), Number(n)];
  }

  /** The group's visible members by keyset in id order (`?cursor=`), through the membership key (group_id, user_id). */
  async membersByKeyset(organizationId: string, id: string, q: PageQuery): Promise<{ users: User[]; more: boolean }> {
    const group = await this.find(this.dataSource.manager, organizationId, id);
    const qb = this.dataSource
      .getRepository(User)
      .createQueryBuilder('mu')
      .select(['mu.id', 'mu.displayName', 'mu.email', 'mu.status', 'mu.archivedAt'])
      .innerJoin(GroupMember, 'gm', `gm.group_id = :groupId AND ${visibleMember(':directoryId')}`, { groupId: group.id, directoryId: group.directoryId });
    const position = keysetPosition(q);
    // Keyed on gm.user_id (= mu.id) so the membership key gives the order.
    if (position) qb.where('gm.user_id > :after', { after: position.id });
    const found = await qb
      .orderBy('gm.user_id', 'ASC')
      .limit(q.limit + 1)
      .getMany();
    return { users: found.slice(0, q.limit), more: found.length > q.limit };
  }

  /** One group of the organisation, through `m` (locked for update when `lock`, inside the caller's transaction). */
  async find(m: EntityManager, organizationId: string, id: string, lock = false): Promise<Group> {
    const group = await m.findOne(Group, { where: { id, organizationId }, ...(lock ? writeLock(m.dataSource) : {}) });
    if (!group) throw notFound('GROUP_NOT_FOUND', 'Group', id);
    return group;
  }

  private async memberCounts(m: EntityManager, groups: Group[]): Promise<Map<string, number>> {
    if (groups.length === 0) return new Map();
    const rows: Array<{ group_id: string; n: number | string }> = await m.query(
      `SELECT gm.group_id, COUNT(*) AS n FROM group_members gm JOIN \`groups\` g ON g.id = gm.group_id JOIN users mu ON ${visibleMember('g.directory_id')}
        WHERE gm.group_id IN (${groups.map(() => '?').join(', ')}) GROUP BY gm.group_id`,
      groups.map((g) => g.id),
    );
    return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
  }
}
