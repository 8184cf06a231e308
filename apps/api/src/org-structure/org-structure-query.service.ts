import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { findKeysetPage } from '../common/keyset.util';
import { keysetPosition, PageQuery } from '../common/page.dto';
import { findOrgEntity, OrgEntity, orgEntity, userColumn } from './org-kinds.util';
import { OrgKind } from './org-source-mapping.entity';

export type WithCount<T> = { entity: T; userCount: number };

/** Read side of sites, departments and roles, with the number of people linked to each. */
@Injectable()
export class OrgStructureQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list<T extends OrgEntity>(organizationId: string, kind: OrgKind, q: PageQuery): Promise<[WithCount<T>[], number]> {
    const [entities, total] = await this.dataSource.getRepository(orgEntity(kind)).findAndCount({
      where: { organizationId },
      order: { name: 'ASC', id: 'ASC' },
      skip: (q.page - 1) * q.limit,
      take: q.limit,
    });
    const counts = await this.counts(
      kind,
      entities.map((e) => e.id),
    );
    return [entities.map((entity) => ({ entity: entity as T, userCount: counts.get(entity.id) ?? 0 })), total];
  }

  /** The same entities by keyset in id order (`?cursor=`). */
  async listByKeyset<T extends OrgEntity>(organizationId: string, kind: OrgKind, q: PageQuery): Promise<{ rows: WithCount<T>[]; more: boolean }> {
    const repository = this.dataSource.getRepository<OrgEntity>(orgEntity(kind));
    const { rows, more } = await findKeysetPage(repository, { organizationId }, keysetPosition(q), q.limit);
    const counts = await this.counts(
      kind,
      rows.map((e) => e.id),
    );
    return { rows: rows.map((entity) => ({ entity: entity as T, userCount: counts.get(entity.id) ?? 0 })), more };
  }

  async get<T extends OrgEntity>(organizationId: string, kind: OrgKind, id: string): Promise<WithCount<T>> {
    const entity = await findOrgEntity(this.dataSource.manager, kind, organizationId, id);
    return { entity: entity as T, userCount: (await this.counts(kind, [id])).get(id) ?? 0 };
  }

  /** One grouped query for a whole page. */
  private async counts(kind: OrgKind, ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const column = userColumn(kind);
    const rows: Array<{ id: string; n: number | string }> = await this.dataSource.query(
      `SELECT ${column} AS id, COUNT(*) AS n FROM users WHERE ${column} IN (${ids.map(() => '?').join(', ')}) GROUP BY ${column}`,
      ids,
    );
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  }
}
