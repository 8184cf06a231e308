import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { notFound } from '../common/domain-error';
import { ListUsersQuery } from './dto/user.dto';
import { User } from './user.entity';

/** The admin read side of people. Every query is bounded by the caller's organisation. */
@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(organizationId: string, q: ListUsersQuery): Promise<[User[], number]> {
    const qb = this.base(organizationId);
    if (q.status === 'archived') qb.andWhere('u.archived_at IS NOT NULL');
    else if (q.status) qb.andWhere('u.archived_at IS NULL AND u.status = :status', { status: q.status });
    if (q.siteId) qb.andWhere('u.site_id = :siteId', { siteId: q.siteId });
    if (q.departmentId) qb.andWhere('u.department_id = :departmentId', { departmentId: q.departmentId });
    if (q.roleId) qb.andWhere('u.role_id = :roleId', { roleId: q.roleId });
    if (q.directoryId) qb.andWhere('u.directory_id = :directoryId', { directoryId: q.directoryId });
    if (q.q?.trim()) {
      const prefix = `${q.q.trim().toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
      qb.andWhere(
        new Brackets((w) => {
          for (const column of ['u.given_name', 'u.family_name', 'u.display_name', 'u.email', 'u.user_name']) {
            w.orWhere(`LOWER(${column}) LIKE :prefix ESCAPE '!'`, { prefix });
          }
        }),
      );
    }
    return qb.orderBy('u.created_at', 'ASC').addOrderBy('u.id', 'ASC').skip((q.page - 1) * q.limit).take(q.limit).getManyAndCount();
  }

  async get(organizationId: string, id: string): Promise<User> {
    const user = await this.base(organizationId).andWhere('u.id = :id', { id }).getOne();
    if (!user) throw notFound('USER_NOT_FOUND', 'User', id);
    return user;
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
