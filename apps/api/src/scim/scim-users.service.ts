import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { normalizedKey } from '@app/database';
import type { DirectoryPrincipal } from '../auth/principals';
import { ScimProtocolError } from '../errors/scim-error';
import { User } from '../users/user.entity';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const MAX_COUNT = 100;

export interface ScimListResponse {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: unknown[];
}

/**
 * The read side Entra needs for Test Connection and its match lookup: `userName eq "…"`.
 * Only this filter shape is understood so far; anything else is refused with invalidFilter
 * rather than answered with a wrong (e.g. empty) result.
 */
@Injectable()
export class ScimUsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(
    directory: DirectoryPrincipal,
    params: { filter?: string; startIndex?: string; count?: string },
  ): Promise<ScimListResponse> {
    const startIndex = Math.max(1, toInt(params.startIndex) ?? 1);
    const count = Math.min(MAX_COUNT, Math.max(0, toInt(params.count) ?? MAX_COUNT));
    const qb = this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.organization_id = :org AND u.directory_id = :dir AND u.scim_visible = :visible', {
        org: directory.organizationId,
        dir: directory.directoryId,
        visible: true,
      });
    if (params.filter !== undefined) {
      qb.andWhere('u.user_name_key = :key', { key: normalizedKey(parseUserNameEq(params.filter)) });
    }
    const [users, total] = await qb.orderBy('u.created_at', 'ASC').addOrderBy('u.id', 'ASC').skip(startIndex - 1).take(count).getManyAndCount();
    return {
      schemas: [LIST_RESPONSE],
      totalResults: total,
      startIndex,
      itemsPerPage: users.length,
      Resources: users.map((u) => this.toScim(u)),
    };
  }

  private toScim(u: User): Record<string, unknown> {
    return {
      schemas: [USER_SCHEMA],
      id: u.id,
      ...(u.externalId ? { externalId: u.externalId } : {}),
      userName: u.userName,
      active: u.archivedAt === null,
      ...(u.displayName ? { displayName: u.displayName } : {}),
      meta: {
        resourceType: 'User',
        created: u.createdAt.toISOString(),
        lastModified: u.updatedAt.toISOString(),
        location: `${this.config.publicUrl}/scim/v2/Users/${u.id}`,
        version: `W/"${u.version}"`,
      },
    };
  }
}

function toInt(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new ScimProtocolError(400, 'invalidValue', `"${v}" is not an integer`);
  return n;
}

function parseUserNameEq(filter: string): string {
  const m = /^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
  if (!m) throw new ScimProtocolError(400, 'invalidFilter', `Unsupported filter: ${filter.slice(0, 200)}`);
  return JSON.parse(`"${m[1]}"`) as string;
}
