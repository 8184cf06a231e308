import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { normalizedKey } from '@app/database';
import { Department } from '../../apps/api/src/org-structure/department.entity';
import { Role } from '../../apps/api/src/org-structure/role.entity';
import { Site } from '../../apps/api/src/org-structure/site.entity';
import { insertPerson } from '../../apps/api/src/testing/factories';
import { bearer, startTestApp, TestApp } from './app';
import type { Engine } from './databases';

// SCIM URNs, spelled out here (not imported from the app) so the tests pin the wire format.
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
/** ENTRA.md §2: the feature flag customers append to the Tenant URL. */
export const FLAG = 'aadOptscim062020';
/** What Entra actually sends on bodies (ENTRA.md §2, azure-docs#12728). */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export type Json = Record<string, any>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Recorded {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** Fails with the request and the whole answer, so a wrong status explains itself. */
export function expectStatus(res: Response, status: number): Response {
  if (res.status !== status) {
    const req = (res as unknown as { req?: { method?: string; path?: string } }).req;
    throw new Error(`expected HTTP ${status}, got ${res.status} for ${req?.method ?? '?'} ${req?.path ?? '?'}\n${res.text}`);
  }
  return res;
}

/** A SCIM Error body with the given status and (when given) scimType, and a non-empty detail. */
export function expectScimError(res: Response, status: number, scimType?: string): Json {
  expectStatus(res, status);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res.body).toMatchObject({ schemas: [ERROR_URN], status: String(status), detail: expect.any(String) });
  if (scimType !== undefined) expect(res.body.scimType).toBe(scimType);
  return res.body;
}

export const patchOp = (...operations: Json[]): Json => ({ schemas: [PATCH_OP], Operations: operations });

/**
 * One app per suite, listening on a real port (so concurrent requests are real concurrent
 * connections), with every answer recorded so a suite can prove none of them was a 5xx.
 */
export class Harness {
  readonly seen: Recorded[] = [];
  private orgCount = 0;

  private constructor(readonly t: TestApp) {}

  static async start(engine: Engine, overrides?: (config: AppConfig) => AppConfig): Promise<Harness> {
    const t = await startTestApp(engine, overrides);
    await t.app.listen(0, '127.0.0.1');
    return new Harness(t);
  }

  async close(): Promise<void> {
    await this.t.close();
  }

  get dataSource(): DataSource {
    return this.t.app.get(DataSource);
  }

  /** Sends a request (as `token`'s bearer) and records the answer. Objects are sent as JSON text with `contentType`. */
  async send(method: Method, path: string, token: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    let req = this.t.http[method](path);
    if (token) req = req.set(bearer(token)); // '' sends no Authorization header
    if (body !== undefined) req = req.set('content-type', contentType).send(typeof body === 'string' ? body : JSON.stringify(body));
    const res = await req;
    this.seen.push({ method: method.toUpperCase(), path, status: res.status, body: res.body });
    return res;
  }

  /** Every recorded answer ≥ 500 (expected: none). */
  serverErrors(): Recorded[] {
    return this.seen.filter((r) => r.status >= 500);
  }

  /** A fresh organisation with its own admin token (so org-structure lists start empty). */
  async organization(name = `Org ${++this.orgCount} ${randomUUID().slice(0, 8)}`): Promise<OrgHandle> {
    const setup = await this.t.setupOrganization(name);
    return new OrgHandle(this, setup.organizationId, setup.adminToken, setup.adminUserId);
  }
}

export interface EntityRef {
  id: string;
  name: string;
}

/** The admin REST API of one organisation. */
export class OrgHandle {
  constructor(
    readonly h: Harness,
    readonly id: string,
    readonly adminToken: string,
    readonly adminUserId: string,
  ) {}

  async directory(name = `Entra ${randomUUID().slice(0, 8)}`): Promise<DirectoryHandle> {
    const res = expectStatus(await this.h.send('post', '/api/v1/directories', this.adminToken, { name }), 201);
    this.h.t.secrets.add(res.body.token);
    return new DirectoryHandle(this, res.body.id, res.body.token);
  }

  get(path: string): Promise<Response> {
    return this.h.send('get', path, this.adminToken);
  }

  /** GET /api/v1/users/:id, expecting 200. */
  async user(id: string): Promise<Json> {
    return expectStatus(await this.get(`/api/v1/users/${id}`), 200).body;
  }

  /** GET /api/v1/users?… (one page of up to 200), expecting 200. */
  async users(query: Record<string, string> = {}): Promise<{ items: Json[]; total: number }> {
    const qs = new URLSearchParams({ limit: '200', ...query }).toString();
    return expectStatus(await this.get(`/api/v1/users?${qs}`), 200).body;
  }

  /** GET /api/v1/{sites|departments|roles} (contract: `{items:[{id,name,…}],total,page,limit}`). */
  async entities(kind: 'sites' | 'departments' | 'roles'): Promise<Array<EntityRef & Json>> {
    const res = expectStatus(await this.get(`/api/v1/${kind}?limit=200`), 200);
    expect(res.body).toMatchObject({ items: expect.any(Array), total: expect.any(Number), page: 1, limit: 200 });
    return res.body.items;
  }

  /** The entities of a kind whose name equals `name` case-insensitively. */
  async entitiesNamed(kind: 'sites' | 'departments' | 'roles', name: string): Promise<Array<EntityRef & Json>> {
    return (await this.entities(kind)).filter((e) => e.name.toLowerCase() === name.toLowerCase());
  }

  /** Rows of sites/departments/roles straight from the database (for columns the API may not show). */
  async entityRows(kind: 'sites' | 'departments' | 'roles', name: string): Promise<Json[]> {
    const rows: Json[] = await this.h.dataSource.query(`SELECT * FROM ${kind} WHERE organization_id = ? AND name_key = ?`, [this.id, normalizedKey(name)]);
    return rows;
  }

  /**
   * A site/department/role an admin created in the app, inserted straight into its table so
   * the SCIM suites do not depend on the in-app API (test/org-structure-admin covers that).
   */
  async insertEntity(kind: 'sites' | 'departments' | 'roles', name: string): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    const target = { sites: Site, departments: Department, roles: Role }[kind];
    await this.h.dataSource.getRepository(target).insert({ id, organizationId: this.id, name, nameKey: normalizedKey(name), createdAt: now, updatedAt: now });
    return id;
  }

  /** What an in-app rename does to the row (the rename API itself: test/org-structure-admin). */
  async renameEntity(kind: 'sites' | 'departments' | 'roles', id: string, name: string): Promise<void> {
    await this.h.dataSource.query(`UPDATE ${kind} SET name = ?, name_key = ? WHERE id = ? AND organization_id = ?`, [name, normalizedKey(name), id, this.id]);
  }

  /**
   * An account an admin created in the app: not managed by any directory, no userName, not
   * visible to SCIM. Inserted straight into `users` (the in-app create API: test/people-admin).
   */
  async insertInAppUser(email: string, status: 'uninvited' | 'invited' | 'active' = 'active', displayName = email): Promise<string> {
    return (await insertPerson(this.h.dataSource.manager, this.id, email, { displayName, status })).id;
  }
}

export class DirectoryHandle {
  constructor(
    readonly org: OrgHandle,
    readonly id: string,
    readonly token: string,
  ) {}

  /** A SCIM client; with `flag` every URL carries `?aadOptscim062020` as Entra sends it. */
  scim(flag = false): ScimClient {
    return new ScimClient(this.org.h, this.token, flag);
  }
}

/** Extracts a SCIM user's enterprise extension (or {}). */
export const enterprise = (user: Json): Json => user[ENTERPRISE] ?? {};

export class ScimClient {
  constructor(
    private readonly h: Harness,
    readonly token: string,
    readonly flag: boolean,
  ) {}

  /** `/scim/v2` + path, with the flag appended to the query string when this client uses it. */
  url(path: string): string {
    const full = `/scim/v2${path}`;
    if (!this.flag) return full;
    return full.includes('?') ? `${full}&${FLAG}` : `${full}?${FLAG}`;
  }

  get(path: string): Promise<Response> {
    return this.h.send('get', this.url(path), this.token);
  }

  post(path: string, body: unknown, contentType = SCIM_CONTENT_TYPE): Promise<Response> {
    return this.h.send('post', this.url(path), this.token, body, contentType);
  }

  put(path: string, body: unknown): Promise<Response> {
    return this.h.send('put', this.url(path), this.token, body, SCIM_CONTENT_TYPE);
  }

  patch(path: string, body: unknown, contentType = SCIM_CONTENT_TYPE): Promise<Response> {
    return this.h.send('patch', this.url(path), this.token, body, contentType);
  }

  delete(path: string): Promise<Response> {
    return this.h.send('delete', this.url(path), this.token);
  }

  /** POST /Users expecting 201; returns the created resource. */
  async create(body: Json): Promise<Json> {
    const res = expectStatus(await this.post('/Users', body), 201);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    return res.body;
  }

  /** GET /Users/:id expecting 200; returns the resource. */
  async user(id: string, query = ''): Promise<Json> {
    const res = expectStatus(await this.get(`/Users/${id}${query}`), 200);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    return res.body;
  }

  /** PATCH /Users/:id expecting 204 with no body (ENTRA.md §2.4/§3, and the controller's contract). */
  async patchUser(id: string, ...operations: Json[]): Promise<void> {
    const res = expectStatus(await this.patch(`/Users/${id}`, patchOp(...operations)), 204);
    expect(res.text).toBe('');
  }

  /** GET /Users?filter=… encoded the way Entra does it (`+` for spaces, ENTRA.md §2). */
  filter(filter: string, extra: Record<string, string> = {}): Promise<Response> {
    return this.get(`/Users?${new URLSearchParams({ filter, ...extra }).toString()}`);
  }

  /** The filter's ListResponse, expecting 200. */
  async list(filter: string, extra: Record<string, string> = {}): Promise<Json> {
    const res = expectStatus(await this.filter(filter, extra), 200);
    expect(res.body.schemas).toEqual([LIST_RESPONSE]);
    return res.body;
  }

  /** Entra's match lookup: `userName eq "…"`; returns the ids found. */
  async lookup(userName: string): Promise<string[]> {
    const body = await this.list(`userName eq "${userName}"`);
    expect(body.totalResults).toBe(body.Resources.length);
    return body.Resources.map((r: Json) => r.id);
  }
}

/** ENTRA.md §2.3: the tutorial's POST /Users body, verbatim but for the identifiers. */
export function tutorialUser(userName: string, externalId = randomUUID(), email = `${userName}@testuser.com`): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId,
    userName,
    active: true,
    emails: [
      {
        primary: true,
        type: 'work',
        value: email,
      },
    ],
    meta: {
      resourceType: 'User',
    },
    name: {
      formatted: 'givenName familyName',
      familyName: 'familyName',
      givenName: 'givenName',
    },
    roles: [],
  };
}

/** A minimal user with optional extras, for tests that are not about the body shape. */
export function simpleUser(userName: string, extra: Json = {}): Json {
  return {
    schemas: [CORE_USER, ENTERPRISE],
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: userName.includes('@') ? userName : `${userName}@example.test` }],
    ...extra,
  };
}

/** A unique, readable userName for one test. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}@contoso.test`;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
