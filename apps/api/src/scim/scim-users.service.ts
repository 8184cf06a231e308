import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { isSqlite } from '@app/database';
import {
  applyPatch,
  compileFilter,
  listResponse,
  ListResponse,
  parseFilter,
  parsePagination,
  parsePatchRequest,
  parseResourceBody,
  projectResource,
  ProjectionParams,
  USER_RESOURCE,
} from '@app/scim-protocol';
import type { DirectoryPrincipal } from '../auth/principals';
import { ManagedUsersService } from '../users/managed-users.service';
import { User } from '../users/user.entity';
import { fieldsFromScim, toScimUser } from './scim-user.mapper';
import { USER_ATTRIBUTE_MAP } from './user-attribute-map';

export const SCIM_PAGE = { defaultCount: 100, maxCount: 500 };

export interface ListQuery extends ProjectionParams {
  filter?: string;
  startIndex?: string;
  count?: string;
}

type Json = Record<string, unknown>;

/** SCIM Users on top of the people domain: parsing, filtering, projection, shapes. */
@Injectable()
export class ScimUsersService {
  private readonly baseUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: ManagedUsersService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.baseUrl = `${config.publicUrl}/scim/v2`;
  }

  /** The filter runs in SQL (values bound), with an exact totalResults from COUNT(*). */
  async list(dir: DirectoryPrincipal, q: ListQuery): Promise<ListResponse<Json>> {
    const page = parsePagination(q, SCIM_PAGE);
    const { where, params } = this.listWhere(dir, q.filter);
    // Raw SQL on purpose: this is the lookup Entra sends for every user of every cycle.
    const [{ n }]: Array<{ n: number | string }> = await this.dataSource.query(`SELECT COUNT(*) AS n FROM users u WHERE ${where}`, params);
    const total = Number(n);
    let users: User[] = [];
    if (page.count > 0 && total > page.offset) {
      const ids: Array<{ id: string }> = await this.dataSource.query(
        `SELECT u.id FROM users u WHERE ${where} ORDER BY u.created_at, u.id LIMIT ? OFFSET ?`,
        [...params, page.count, page.offset],
      );
      const byId = new Map((await this.dataSource.getRepository(User).findBy({ id: In(ids.map((r) => r.id)) })).map((u) => [u.id, u]));
      users = ids.map((r) => byId.get(r.id)).filter((u): u is User => u !== undefined);
    }
    const resources = (await this.users.hydrate(this.dataSource.manager, users)).map((mu) => this.shape(toScimUser(mu, this.baseUrl), q));
    return listResponse(resources, { totalResults: total, startIndex: page.startIndex, itemsPerPage: resources.length });
  }

  /** The directory's visible people, narrowed by a SCIM filter compiled to SQL (`users u`, `?` placeholders). */
  listWhere(dir: DirectoryPrincipal, filter: string | undefined): { where: string; params: unknown[] } {
    const where = 'u.organization_id = ? AND u.directory_id = ? AND u.scim_visible = 1';
    const params: unknown[] = [dir.organizationId, dir.directoryId];
    if (filter === undefined) return { where, params };
    // Unquoted values (`userName sw O`) are not RFC 7644 but Microsoft's test collection sends them.
    const ast = parseFilter(filter, { allowUnquotedValues: true });
    const predicate = compileFilter(ast, USER_ATTRIBUTE_MAP, isSqlite(this.dataSource) ? 'sqlite' : 'mysql');
    return { where: `${where} AND (${predicate.sql})`, params: [...params, ...predicate.params] };
  }

  async get(dir: DirectoryPrincipal, id: string, projection: ProjectionParams): Promise<Json> {
    return this.shape(toScimUser(await this.users.get(scope(dir), id), this.baseUrl), projection);
  }

  async create(dir: DirectoryPrincipal, body: unknown): Promise<Json> {
    const fields = fieldsFromScim(parseResourceBody(body, USER_RESOURCE));
    return toScimUser(await this.users.create(scope(dir), fields), this.baseUrl);
  }

  async replace(dir: DirectoryPrincipal, id: string, body: unknown): Promise<Json> {
    const fields = fieldsFromScim(parseResourceBody(body, USER_RESOURCE));
    return toScimUser(await this.users.replace(scope(dir), id, fields), this.baseUrl);
  }

  /** Parses first (a malformed request never takes a lock), then applies every operation or none. */
  async patch(dir: DirectoryPrincipal, id: string, body: unknown, projection: ProjectionParams): Promise<Json> {
    const operations = parsePatchRequest(body, USER_RESOURCE);
    const updated = await this.users.update(scope(dir), id, (current) =>
      fieldsFromScim(applyPatch(toScimUser(current, this.baseUrl), operations, USER_RESOURCE)),
    );
    return this.shape(toScimUser(updated, this.baseUrl), projection);
  }

  async remove(dir: DirectoryPrincipal, id: string): Promise<void> {
    await this.users.remove(scope(dir), id);
  }

  private shape(resource: Json, projection: ProjectionParams): Json {
    return projection.attributes || projection.excludedAttributes ? projectResource(resource, projection, USER_RESOURCE) : resource;
  }
}

const scope = (dir: DirectoryPrincipal) => ({ organizationId: dir.organizationId, directoryId: dir.directoryId });
