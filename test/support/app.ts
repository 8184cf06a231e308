import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import request from 'supertest';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '@app/config';
import { assertTestDatabase, normalizedKey } from '@app/database';
import { createApp } from '../../apps/api/src/bootstrap';
import type { SetupResult } from '../../apps/api/src/setup/organizations.service';
import { createOrganization, insertPerson } from '../../apps/api/src/testing/factories.util';
import { createTestDatabase, Engine, TestDatabase } from './databases';
import { bearer, expectStatus, Json, Method, Recorded, ScimClient, ScimTransport } from './scim-client';

export const PUBLIC_URL = 'https://people.example.test';

/** Collects every log line the app writes, so tests can assert what never appears in logs. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * One booted app per suite: the real AppModule (global pipe, filter, guards) on a fresh database
 * of the engine, listening on a real port (so concurrent requests are real concurrent
 * connections). Requests go through `http` (supertest) or `send`, which records every answer so
 * a suite can prove none of them was a 5xx. Every suite boots this way (startTestApp).
 */
export class TestApp implements ScimTransport {
  readonly http: TestAgent;
  /** Every secret handed out during the test, to prove none of them is stored or logged. */
  readonly secrets = new Set<string>();
  readonly seen: Recorded[] = [];
  private orgCount = 0;

  constructor(
    readonly app: NestFastifyApplication,
    readonly db: TestDatabase,
    readonly config: AppConfig,
    readonly logs: LogCapture,
  ) {
    this.http = request(app.getHttpServer());
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.db.drop();
  }

  /** The port the app listens on (127.0.0.1), for clients other than supertest (newman). */
  get port(): number {
    return (this.app.getHttpServer().address() as AddressInfo).port;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /** A new organisation through setup (as `cli setup`); its admin token joins `secrets`. */
  async setupOrganization(name = `Org ${++this.orgCount}`): Promise<SetupResult> {
    const result = await createOrganization(this.app, name, `admin${this.orgCount}@example.test`);
    this.secrets.add(result.adminToken);
    return result;
  }

  /** Sends a request (as `token`'s bearer) and records the answer. Objects are sent as JSON text with `contentType`. */
  async send(method: Method, path: string, token: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    let req = this.http[method](path);
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
  async organization(name = `Org ${this.orgCount + 1} ${randomUUID().slice(0, 8)}`): Promise<OrgHandle> {
    const setup = await this.setupOrganization(name);
    return new OrgHandle(this, setup.organizationId, setup.adminToken, setup.adminUserId);
  }
}

/** Boots a TestApp; `overrides` adjusts the test configuration (e.g. point `mail` at an SMTP listener). */
export async function startTestApp(engine: Engine, overrides: (config: AppConfig) => AppConfig = (c) => c): Promise<TestApp> {
  const db = await createTestDatabase(engine);
  let config: AppConfig;
  try {
    config = overrides({ ...loadConfig({ PUBLIC_URL, LOG_LEVEL: 'info' }), database: db.config });
    // The database the app will really use, after any override: never one not named as a test one.
    assertTestDatabase(config.database);
  } catch (err) {
    await db.drop();
    throw err;
  }
  const logs = new LogCapture();
  // nestjs-pino keeps one root logger per process, bound to the first app's stream; each test
  // app must log to its own capture, so the root is reset before every boot.
  __resetOutOfContextForTests();
  const app = await createApp({ config, logStream: logs });
  try {
    await app.listen(0, '127.0.0.1');
  } catch (err) {
    await app.close();
    await db.drop();
    throw err;
  }
  return new TestApp(app, db, config, logs);
}

export interface EntityRef {
  id: string;
  name: string;
}

/** The admin REST API of one organisation. */
export class OrgHandle {
  constructor(
    readonly h: TestApp,
    readonly id: string,
    readonly adminToken: string,
    readonly adminUserId: string,
  ) {}

  /**
   * A new directory. Its mass-deprovisioning guard gets `guard` (default: no grace period, so a
   * deactivation archives at once, as these suites expect; the guard still counts and trips).
   * `null` keeps the product defaults (10 minutes' grace): test/deprovision-guard covers those.
   */
  async directory(name = `Entra ${randomUUID().slice(0, 8)}`, guard: Json | null = { graceMinutes: 0 }): Promise<DirectoryHandle> {
    const res = expectStatus(await this.h.send('post', '/api/v1/directories', this.adminToken, { name }), 201);
    this.h.secrets.add(res.body.token);
    if (guard) expectStatus(await this.h.send('patch', `/api/v1/directories/${res.body.id}`, this.adminToken, { deprovisionGuard: guard }), 200);
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
    // The table name finds its entity (the org-kind table: apps/api/src/org-structure/org-kinds.util.ts).
    await this.h.dataSource.getRepository(kind).insert({ id, organizationId: this.id, name, nameKey: normalizedKey(name), createdAt: now, updatedAt: now });
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
