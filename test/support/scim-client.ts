import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';

/**
 * The client side of the e2e tests: the wire format (URNs, content type), requests with their
 * auth headers, and the assertions on answers. It knows nothing of how the app is booted
 * (test/support/app.ts does that); a ScimClient sends through any ScimTransport.
 */

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
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

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

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** Sends one request as `token`'s bearer ('' sends none); the TestApp is one, recording every answer. */
export interface ScimTransport {
  send(method: Method, path: string, token: string, body?: unknown, contentType?: string): Promise<Response>;
}

/** Extracts a SCIM user's enterprise extension (or {}). */
export const enterprise = (user: Json): Json => user[ENTERPRISE] ?? {};

export class ScimClient {
  constructor(
    private readonly h: ScimTransport,
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
