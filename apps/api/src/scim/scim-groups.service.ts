import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { isSqlite } from '@app/database';
import {
  applyPatch,
  compileFilter,
  GROUP_RESOURCE,
  isAttributeRequested,
  listResponse,
  ListResponse,
  parseFilter,
  parsePagination,
  parsePatchRequest,
  parseResourceBody,
  ProjectionParams,
  SqlDialect,
} from '@app/scim-protocol';
import type { DirectoryPrincipal } from '../auth/principals';
import type { VersionPrecondition } from '../common/version-precondition';
import { DirectoryGroupsService, MembershipChange } from '../groups/directory-groups.service';
import { GROUP_ATTRIBUTE_MAP } from './group-attribute-map';
import { groupFieldsFromScim, memberIdsFromScim, toScimGroup } from './scim-group.mapper';
import { ListQuery, SCIM_PAGE } from './scim-users.service';
import { Json, Patched, scopeOf, shapeResource, wantsResource } from './scim-http';


/** SCIM Groups on top of the groups domain: parsing, filtering, projection, shapes. */
@Injectable()
export class ScimGroupsService {
  private readonly baseUrl: string;
  private readonly dialect: SqlDialect;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly groups: DirectoryGroupsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.baseUrl = `${config.publicUrl}/scim/v2`;
    this.dialect = isSqlite(dataSource) ? 'sqlite' : 'mysql';
  }

  /** The filter runs in SQL; `excludedAttributes=members` never reads a membership row. */
  async list(dir: DirectoryPrincipal, q: ListQuery): Promise<ListResponse<Json>> {
    const page = parsePagination(q, SCIM_PAGE);
    const { total, groups } = await this.groups.findVisible(scopeOf(dir), this.predicate(q.filter), page, wantsMembers(q));
    const resources = groups.map((dg) => this.shape(toScimGroup(dg, this.baseUrl), q));
    return listResponse(resources, { totalResults: total, startIndex: page.startIndex, itemsPerPage: resources.length });
  }

  predicate(filter: string | undefined): { sql: string; params: unknown[] } | undefined {
    if (filter === undefined) return undefined;
    const ast = parseFilter(filter, { allowUnquotedValues: true });
    return compileFilter(ast, GROUP_ATTRIBUTE_MAP, this.dialect);
  }

  async get(dir: DirectoryPrincipal, id: string, projection: ProjectionParams): Promise<Json> {
    return this.shape(toScimGroup(await this.groups.get(scopeOf(dir), id, wantsMembers(projection)), this.baseUrl), projection);
  }

  async create(dir: DirectoryPrincipal, body: unknown): Promise<Json> {
    const resource = parseResourceBody(body, GROUP_RESOURCE);
    return toScimGroup(await this.groups.create(scopeOf(dir), groupFieldsFromScim(resource), memberIdsFromScim(resource)), this.baseUrl);
  }

  async replace(dir: DirectoryPrincipal, id: string, body: unknown, precondition?: VersionPrecondition): Promise<Json> {
    const resource = parseResourceBody(body, GROUP_RESOURCE);
    return toScimGroup(await this.groups.replace(scopeOf(dir), id, groupFieldsFromScim(resource), memberIdsFromScim(resource), precondition), this.baseUrl);
  }

  /**
   * Parses first (a malformed request never takes a lock). Attribute operations apply to the
   * group without its members; member operations run as SQL on the rows they name. Answers the
   * group only when the client asked for attributes (otherwise the controller sends 204).
   */
  async patch(dir: DirectoryPrincipal, id: string, body: unknown, projection: ProjectionParams, precondition?: VersionPrecondition): Promise<Patched> {
    const operations = parsePatchRequest(body, GROUP_RESOURCE);
    const memberships: MembershipChange[] = operations.flatMap((op) => (op.kind === 'members' ? [{ action: op.action, ids: op.ids }] : []));
    const group = await this.groups.update(
      scopeOf(dir),
      id,
      (current) => groupFieldsFromScim(applyPatch(toScimGroup({ group: current }, this.baseUrl), operations, GROUP_RESOURCE)),
      memberships,
      precondition,
    );
    return { version: group.version, resource: wantsResource(projection) ? await this.get(dir, id, projection) : undefined };
  }

  async remove(dir: DirectoryPrincipal, id: string, precondition?: VersionPrecondition): Promise<void> {
    await this.groups.remove(scopeOf(dir), id, precondition);
  }

  private shape(resource: Json, projection: ProjectionParams): Json {
    return shapeResource(resource, projection, GROUP_RESOURCE);
  }
}

const wantsMembers = (projection: ProjectionParams): boolean => isAttributeRequested('members', projection, GROUP_RESOURCE);
