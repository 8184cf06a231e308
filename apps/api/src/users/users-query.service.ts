import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { notFound } from '../common/domain.errors';
import { keysetPage } from '../common/keyset.util';
import { keysetPosition } from '../common/page.dto';
import { adminByGroupSql } from './admin-rights.sql';
import { ListUsersQuery, UserFilter } from './dto/user.dto';
import { User } from './user.entity';

/** A person as the admin API shows them: the row, and whether a group makes them an admin. */
export interface Person {
  user: User;
  adminByGroup: boolean;
}

/** The admin read side of people. Every query is bounded by the caller's organisation. */
@Injectable()
export class UsersQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(organizationId: string, q: ListUsersQuery): Promise<[Person[], number]> {
    const qb = this.base(organizationId);
    this.filter(qb, q);
    const users = await qb
      .orderBy('u.created_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .skip((q.page - 1) * q.limit)
      .take(q.limit)
      .getMany();
    // The total counts without the page's joins, so it reads an index of the organisation's
    // people (IDX_users_org_id, or IDX_users_org_status for a status) and never the rows.
    const counted = this.dataSource.getRepository(User).createQueryBuilder('u').where('u.organization_id = :org', { org: organizationId });
    this.filter(counted, q);
    return [await this.withRights(users), await counted.getCount()];
  }

  /** The same people by keyset in id order (`?cursor=`): no OFFSET and no COUNT(*), so every page costs the same. */
  async listByKeyset(organizationId: string, q: ListUsersQuery): Promise<{ people: Person[]; more: boolean }> {
    const qb = this.base(organizationId);
    this.filter(qb, q);
    const { rows, more } = await keysetPage(qb, keysetPosition(q), q.limit);
    return { people: await this.withRights(rows), more };
  }

  /** Ids of the people matching a filter, in keyset pages of `limit` after `afterId` (for bulk actions). */
  async idsMatching(organizationId: string, f: UserFilter, afterId: string | null, limit: number): Promise<string[]> {
    const qb = this.dataSource.getRepository(User).createQueryBuilder('u').select('u.id', 'id').where('u.organization_id = :org', { org: organizationId });
    this.filter(qb, f);
    if (afterId) qb.andWhere('u.id > :afterId', { afterId });
    const rows: Array<{ id: string }> = await qb.orderBy('u.id', 'ASC').limit(limit).getRawMany();
    return rows.map((r) => r.id);
  }

  async get(organizationId: string, id: string): Promise<Person> {
    const user = await this.base(organizationId).andWhere('u.id = :id', { id }).getOne();
    if (!user) throw notFound('USER_NOT_FOUND', 'User', id);
    return (await this.withRights([user]))[0];
  }

  private filter(qb: SelectQueryBuilder<User>, q: UserFilter): void {
    if (q.status === 'archived') qb.andWhere('u.archived_at IS NOT NULL');
    else if (q.status) qb.andWhere('u.archived_at IS NULL AND u.status = :status', { status: q.status });
    if (q.siteId) qb.andWhere('u.site_id = :siteId', { siteId: q.siteId });
    if (q.departmentId) qb.andWhere('u.department_id = :departmentId', { departmentId: q.departmentId });
    if (q.roleId) qb.andWhere('u.role_id = :roleId', { roleId: q.roleId });
    if (q.directoryId) qb.andWhere('u.directory_id = :directoryId', { directoryId: q.directoryId });
    // HR searches: the employee number as stored; cost center and division in any case.
    if (q.employeeNumber?.trim()) qb.andWhere('u.employee_number = :employeeNumber', { employeeNumber: q.employeeNumber.trim() });
    if (q.costCenter?.trim()) qb.andWhere('LOWER(u.cost_center) = :costCenter', { costCenter: q.costCenter.trim().toLowerCase() });
    if (q.division?.trim()) qb.andWhere('LOWER(u.division) = :division', { division: q.division.trim().toLowerCase() });
    if (q.q?.trim()) {
      const prefix = `${q.q
        .trim()
        .toLowerCase()
        .replace(/[!%_]/g, (c) => `!${c}`)}%`;
      qb.andWhere(
        new Brackets((w) => {
          for (const column of ['u.given_name', 'u.family_name', 'u.display_name', 'u.email', 'u.user_name', 'u.employee_number']) {
            w.orWhere(`LOWER(${column}) LIKE :prefix ESCAPE '!'`, { prefix });
          }
        }),
      );
    }
  }

  /** Marks who is an admin through a group with grantsAdmin (one query per page). */
  private async withRights(users: User[]): Promise<Person[]> {
    if (users.length === 0) return [];
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT u.id FROM users u WHERE u.id IN (${users.map(() => '?').join(', ')}) AND ${adminByGroupSql('u')}`,
      users.map((u) => u.id),
    );
    const byGroup = new Set(rows.map((r) => r.id));
    return users.map((user) => ({ user, adminByGroup: byGroup.has(user.id) }));
  }

  private base(organizationId: string): SelectQueryBuilder<User> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .leftJoinAndSelect('u.site', 'site')
      .leftJoinAndSelect('u.departmentEntity', 'department')
      .leftJoinAndSelect('u.role', 'role')
      .leftJoin('u.manager', 'manager')
      .addSelect(['manager.id', 'manager.displayName'])
      .where('u.organization_id = :org', { org: organizationId });
  }
}
