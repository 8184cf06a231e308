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
  pageCursors,
  parseListPaging,
  parsePatchRequest,
  parseResourceBody,
  ProjectionParams,
  SqlDialect,
} from '@app/scim-protocol';
import type { DirectoryPrincipal } from '../auth/principal.types';
import type { VersionPrecondition } from '../common/version-precondition.util';
import { scimTenantUrl } from '../directories/directory-urls.util';
import { GroupsSyncService, GroupFields, MembershipChange } from '../groups/groups-sync.service';
import type { OperationNote } from '../provisioning-log/operation-note.decorator';
import { GROUP_ATTRIBUTE_MAP } from './group-attribute-map.constants';
import { groupFieldsFromScim, memberIdsFromScim, toScimGroup } from './scim-group.mapper';
import { ListQuery, SCIM_PAGE } from './scim-users.service';
import { Json, Patched, scopeOf, shapeResource, wantsResource } from './scim-http.util';

/** SCIM Groups on top of the groups domain: parsing, filtering, projection, shapes. */
@Injectable()
export class ScimGroupsService {
  private readonly baseUrl: string;
  private readonly dialect: SqlDialect;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly groups: GroupsSyncService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.baseUrl = scimTenantUrl(config.publicUrl);
    this.dialect = isSqlite(dataSource) ? 'sqlite' : 'mysql';
  }

  /** The filter runs in SQL; `excludedAttributes=members` never reads a membership row. Paging as for Users. */
  async list(dir: DirectoryPrincipal, q: ListQuery): Promise<ListResponse<Json>> {
    const paging = parseListPaging(q, SCIM_PAGE);
    const predicate = this.predicate(q.filter);
    if (paging.method === 'index') {
      const { total, groups } = await this.groups.findVisible(scopeOf(dir), predicate, paging, wantsMembers(q));
      const resources = groups.map((dg) => this.shape(toScimGroup(dg, this.baseUrl), q));
      return listResponse(resources, { totalResults: total, startIndex: paging.startIndex, itemsPerPage: resources.length });
    }
    const { total, groups, more } = await this.groups.findVisibleByKeyset(scopeOf(dir), predicate, paging.position, paging.count, wantsMembers(q));
    const resources = groups.map((dg) => this.shape(toScimGroup(dg, this.baseUrl), q));
    const cursors = pageCursors(
      paging.position,
      groups.map((dg) => dg.group.id),
      more,
    );
    return listResponse(resources, { totalResults: total, itemsPerPage: resources.length, ...cursors });
  }

  predicate(filter: string | undefined): { sql: string; params: unknown[] } | undefined {
    if (filter === undefined) return undefined;
    const ast = parseFilter(filter, { allowUnquotedValues: true });
    return compileFilter(ast, GROUP_ATTRIBUTE_MAP, this.dialect);
  }

  async get(dir: DirectoryPrincipal, id: string, projection: ProjectionParams): Promise<Json> {
    return this.shape(toScimGroup(await this.groups.get(scopeOf(dir), id, wantsMembers(projection)), this.baseUrl), projection);
  }

  async create(dir: DirectoryPrincipal, body: unknown, note: OperationNote = {}): Promise<Json> {
    const resource = parseResourceBody(body, GROUP_RESOURCE);
    const fields = groupFieldsFromScim(resource);
    const memberIds = memberIdsFromScim(resource);
    const created = await this.groups.create(scopeOf(dir), fields, memberIds);
    Object.assign(note, {
      operation: 'create',
      resourceId: created.group.id,
      attributes: ['displayName', ...(fields.externalId !== null ? ['externalId'] : []), ...(memberIds.length ? ['members'] : [])],
    });
    return toScimGroup(created, this.baseUrl);
  }

  /** PUT: new fields and exactly these members (GroupsSyncService.replace, spelled out to see what changed). */
  async replace(dir: DirectoryPrincipal, id: string, body: unknown, precondition?: VersionPrecondition, note: OperationNote = {}): Promise<Json> {
    const resource = parseResourceBody(body, GROUP_RESOURCE);
    const fields = groupFieldsFromScim(resource);
    let changed: string[] = [];
    await this.groups.update(
      scopeOf(dir),
      id,
      (current) => {
        changed = changedGroupFields(current, fields);
        return fields;
      },
      [{ action: 'replace', ids: memberIdsFromScim(resource) }],
      precondition,
    );
    Object.assign(note, { operation: 'update', resourceId: id, attributes: [...changed, 'members'] });
    return toScimGroup(await this.groups.get(scopeOf(dir), id, true), this.baseUrl);
  }

  /**
   * Parses first (a malformed request never takes a lock). Attribute operations apply to the
   * group without its members; member operations run as SQL on the rows they name. Answers the
   * group only when the client asked for attributes (otherwise the controller sends 204).
   */
  async patch(
    dir: DirectoryPrincipal,
    id: string,
    body: unknown,
    projection: ProjectionParams,
    precondition?: VersionPrecondition,
    note: OperationNote = {},
  ): Promise<Patched> {
    const operations = parsePatchRequest(body, GROUP_RESOURCE);
    const memberships: MembershipChange[] = operations.flatMap((op) => (op.kind === 'members' ? [{ action: op.action, ids: op.ids }] : []));
    let changed: string[] = [];
    const group = await this.groups.update(
      scopeOf(dir),
      id,
      (current) => {
        const fields = groupFieldsFromScim(applyPatch(toScimGroup({ group: current }, this.baseUrl), operations, GROUP_RESOURCE));
        changed = changedGroupFields(current, fields);
        return fields;
      },
      memberships,
      precondition,
    );
    Object.assign(note, {
      operation: patchOperation(changed, memberships),
      resourceId: id,
      attributes: memberships.length ? [...changed, 'members'] : changed,
    });
    return { version: group.version, resource: wantsResource(projection) ? await this.get(dir, id, projection) : undefined };
  }

  async remove(dir: DirectoryPrincipal, id: string, precondition?: VersionPrecondition, note: OperationNote = {}): Promise<void> {
    await this.groups.remove(scopeOf(dir), id, precondition);
    note.operation = 'delete';
  }

  private shape(resource: Json, projection: ProjectionParams): Json {
    return shapeResource(resource, projection, GROUP_RESOURCE);
  }
}

const wantsMembers = (projection: ProjectionParams): boolean => isAttributeRequested('members', projection, GROUP_RESOURCE);

const changedGroupFields = (current: GroupFields, next: GroupFields): string[] => [
  ...(current.displayName !== next.displayName ? ['displayName'] : []),
  ...(current.externalId !== next.externalId ? ['externalId'] : []),
];

/** members-add / members-remove for a PATCH of members only, rename for a new displayName only, else update. */
function patchOperation(changed: string[], memberships: MembershipChange[]): string {
  if (changed.length === 0 && memberships.length > 0) {
    if (memberships.every((c) => c.action === 'add')) return 'members-add';
    if (memberships.every((c) => c.action === 'remove' || c.action === 'removeAll')) return 'members-remove';
  }
  if (memberships.length === 0 && changed.length === 1 && changed[0] === 'displayName') return 'rename';
  return 'update';
}
