import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { isSqlite } from '@app/database';
import {
  applyPatch,
  compileFilter,
  isAttributeRequested,
  listResponse,
  ListResponse,
  parseFilter,
  pageCursors,
  parseListPaging,
  parsePatchRequest,
  parseResourceBody,
  SqlDialect,
  ProjectionParams,
  USER_RESOURCE,
} from '@app/scim-protocol';
import type { DirectoryPrincipal } from '../auth/principal.types';
import { scimTenantUrl } from '../directories/directory-urls.util';
import { GroupsSyncService, GroupRef, groupRefsOf } from '../groups/groups-sync.service';
import { ManagedUser, UsersSyncService } from '../users/users-sync.service';
import type { OperationNote } from '../provisioning-log/operation-note.decorator';
import { scimAttributeNames } from './logged-attributes.util';
import { fieldsFromScim, toScimUser } from './scim-user.mapper';
import { USER_ATTRIBUTE_MAP } from './user-attribute-map.constants';
import type { VersionPrecondition } from '../common/version-precondition.util';
import { Json, Patched, scopeOf, shapeResource, wantsResource } from './scim-http.util';

/** Page sizes of both paging methods; cursors name a position in id order, so they never go stale. */
export const SCIM_PAGE = { defaultCount: 100, maxCount: 500, cursorTimeoutSeconds: 3600 };

export interface ListQuery extends ProjectionParams {
  filter?: string;
  startIndex?: string;
  count?: string;
  /** RFC 9865: empty for the first page, then a nextCursor or previousCursor. */
  cursor?: string;
}

/** SCIM Users on top of the people domain: parsing, filtering, projection, shapes. */
@Injectable()
export class ScimUsersService {
  private readonly baseUrl: string;
  private readonly dialect: SqlDialect;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly users: UsersSyncService,
    private readonly groups: GroupsSyncService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.baseUrl = scimTenantUrl(config.publicUrl);
    this.dialect = isSqlite(dataSource) ? 'sqlite' : 'mysql';
  }

  /**
   * The filter runs in SQL (values bound), with an exact totalResults. Index paging (startIndex)
   * is in creation order; cursor paging (RFC 9865) by keyset in id order.
   */
  async list(dir: DirectoryPrincipal, q: ListQuery): Promise<ListResponse<Json>> {
    const paging = parseListPaging(q, SCIM_PAGE);
    const predicate = this.predicate(q.filter);
    // The groups query travels with the page's emails and managers (one round trip).
    const groups = isAttributeRequested('groups', q, USER_RESOURCE) ? (ids: string[]) => [this.groups.groupsOfStatement(scopeOf(dir), ids)] : undefined;
    if (paging.method === 'index') {
      const { total, users, also } = await this.users.findVisible(scopeOf(dir), predicate, paging, groups);
      const resources = this.listed(users, q, groups ? also[0] : undefined);
      return listResponse(resources, { totalResults: total, startIndex: paging.startIndex, itemsPerPage: resources.length });
    }
    const { total, users, more, also } = await this.users.findVisibleByKeyset(scopeOf(dir), predicate, paging.position, paging.count, groups);
    const resources = this.listed(users, q, groups ? also[0] : undefined);
    const cursors = pageCursors(
      paging.position,
      users.map((mu) => mu.user.id),
      more,
    );
    return listResponse(resources, { totalResults: total, itemsPerPage: resources.length, ...cursors });
  }

  /** The page's resources; `groupRows`: the rows of the groups query, when the groups were asked for. */
  private listed(users: ManagedUser[], q: ListQuery, groupRows: unknown): Json[] {
    const ids = users.map((mu) => mu.user.id);
    const groups = groupRows !== undefined ? groupRefsOf(ids, groupRows) : new Map<string, GroupRef[]>();
    return users.map((mu) => this.shape(toScimUser(mu, this.baseUrl, groups.get(mu.user.id)), q));
  }

  /** A SCIM filter compiled to SQL over `users u`; values are bound, never written into the SQL. */
  predicate(filter: string | undefined): { sql: string; params: unknown[] } | undefined {
    if (filter === undefined) return undefined;
    // Unquoted values (`userName sw O`) are not RFC 7644 but Microsoft's test collection sends them.
    const ast = parseFilter(filter, { allowUnquotedValues: true });
    return compileFilter(ast, USER_ATTRIBUTE_MAP, this.dialect);
  }

  /** The person, their emails, manager and groups in one round trip. */
  async get(dir: DirectoryPrincipal, id: string, projection: ProjectionParams): Promise<Json> {
    const { person, also } = await this.users.getWith(scopeOf(dir), id, [this.groups.groupsOfStatement(scopeOf(dir), [id])]);
    return this.shape(toScimUser(person, this.baseUrl, groupRefsOf([id], also[0]).get(id)), projection);
  }

  async create(dir: DirectoryPrincipal, body: unknown, note: OperationNote = {}): Promise<Json> {
    const fields = fieldsFromScim(parseResourceBody(body, USER_RESOURCE));
    note.userName = fields.userName;
    const created = await this.users.create(scopeOf(dir), fields, note.requestId ?? null);
    noteWrite(note, created);
    // A new person is in no group yet; a relinked one may still be, so read theirs.
    return created.isNew ? toScimUser(created, this.baseUrl, []) : this.toScim(dir, created);
  }

  async replace(dir: DirectoryPrincipal, id: string, body: unknown, precondition?: VersionPrecondition, note: OperationNote = {}): Promise<Json> {
    const fields = fieldsFromScim(parseResourceBody(body, USER_RESOURCE));
    const updated = await this.users.replace(scopeOf(dir), id, fields, precondition, note.requestId ?? null);
    noteWrite(note, updated);
    return this.toScim(dir, updated);
  }

  /** Parses first (a malformed request never takes a lock), then applies every operation or none. */
  async patch(
    dir: DirectoryPrincipal,
    id: string,
    body: unknown,
    projection: ProjectionParams,
    precondition?: VersionPrecondition,
    note: OperationNote = {},
  ): Promise<Patched> {
    const operations = parsePatchRequest(body, USER_RESOURCE);
    const updated = await this.users.update(
      scopeOf(dir),
      id,
      (current) => {
        note.userName = current.user.userName;
        return fieldsFromScim(applyPatch(toScimUser(current, this.baseUrl), operations, USER_RESOURCE));
      },
      precondition,
      note.requestId ?? null,
    );
    noteWrite(note, updated);
    // Without a projection the answer is 204: no need to read the groups.
    return { version: updated.user.version, resource: wantsResource(projection) ? this.shape(await this.toScim(dir, updated), projection) : undefined };
  }

  async remove(dir: DirectoryPrincipal, id: string, precondition?: VersionPrecondition, note: OperationNote = {}): Promise<void> {
    const removed = await this.users.remove(scopeOf(dir), id, precondition, note.requestId ?? null);
    note.userName = removed.userName;
    note.operation = 'delete';
    if (removed.deprovision === 'held') note.outcome = 'held';
  }

  /** The SCIM user with its read-only `groups` (one query). */
  private async toScim(dir: DirectoryPrincipal, mu: ManagedUser): Promise<Json> {
    const groups = await this.groups.groupsOf(scopeOf(dir), [mu.user.id]);
    return toScimUser(mu, this.baseUrl, groups.get(mu.user.id));
  }

  private shape(resource: Json, projection: ProjectionParams): Json {
    return shapeResource(resource, projection, USER_RESOURCE);
  }
}

/** What the write was, for the provisioning log (names of changed attributes, never values). */
function noteWrite(note: OperationNote, mu: ManagedUser): void {
  note.resourceId = mu.user.id;
  note.userName = mu.user.userName;
  if (mu.write) {
    note.operation = mu.write.kind;
    note.attributes = scimAttributeNames(mu.write.fields);
  }
  // Answered as success (an error would make Entra retry and, at scale, quarantine the job) but logged as held.
  if (mu.deprovision === 'held') note.outcome = 'held';
}
