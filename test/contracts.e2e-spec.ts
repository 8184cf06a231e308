import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testEngines, TestDatabase } from './support/databases';
import { assertBuilt, runCli, startApi, RunningApi } from './support/processes';

/** DESIGN §3 contracts that external checks rely on, exercised on the built artefacts. */
describe.each(testEngines())('external contracts on %s', (engine) => {
  let db: TestDatabase;
  let api: RunningApi | undefined;

  beforeAll(async () => {
    assertBuilt();
    db = await createTestDatabase(engine);
  });

  afterAll(async () => {
    if (api && api.process.exitCode === null) await api.stop();
    await db?.drop();
  });

  it('`cli setup --json` prints exactly organizationId, adminUserId and adminToken, and exits 0', () => {
    const r = runCli(['setup', '--org', 'Contract Co', '--admin-email', 'hr@contract.test', '--json'], { DATABASE_URL: db.url });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['adminToken', 'adminUserId', 'organizationId']);
    expect(out.adminToken).toMatch(/^adm_[A-Za-z0-9_-]{43}$/);
  });

  it('`npm start` serves /health, Swagger UI and the OpenAPI document; the setup token drives the admin API; SIGTERM exits cleanly', async () => {
    const setup = JSON.parse(runCli(['setup', '--org', 'Second', '--admin-email', 'a@b.test', '--json'], { DATABASE_URL: db.url }).stdout);
    api = await startApi({ DATABASE_URL: db.url, PUBLIC_URL: 'https://hr.example.test/' });

    const health = await fetch(`${api.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });

    const docs = await fetch(`${api.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');

    const openapi = (await (await fetch(`${api.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/directories', '/api/v1/directories/{id}/tokens', '/health']));
    expect(Object.keys(openapi.components.securitySchemes).sort()).toEqual(['admin', 'scim', 'session']);

    const created = await fetch(`${api.baseUrl}/api/v1/directories`, {
      method: 'POST',
      headers: { authorization: `Bearer ${setup.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Entra' }),
    });
    expect(created.status).toBe(201);
    const dir = (await created.json()) as { scimBaseUrl: string; token: string };
    expect(dir.scimBaseUrl).toBe('https://hr.example.test/scim/v2');

    const lookup = await fetch(`${api.baseUrl}/scim/v2/Users?filter=userName+eq+%22nobody%22`, { headers: { authorization: `Bearer ${dir.token}` } });
    expect(lookup.status).toBe(200);
    expect(lookup.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(lookup.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    expect(await api.stop()).toBe(0);
    expect(api.output()).toContain('Shutdown complete: HTTP server and database closed');
    expect(api.output()).not.toContain(setup.adminToken);
    expect(api.output()).not.toContain(dir.token);
  });

  it('the OpenAPI document gives every operation a tag, a description, auth and typed answers, and every field an example', async () => {
    const docsApi = await startApi({ DATABASE_URL: db.url });
    let doc: OpenApiDocument;
    try {
      doc = (await (await fetch(`${docsApi.baseUrl}/docs-json`)).json()) as OpenApiDocument;
    } finally {
      expect(await docsApi.stop()).toBe(0);
    }
    expect(operationsOf(doc).length).toBeGreaterThan(30);
    expect(doc.components.schemas.ErrorResponse?.properties).toEqual(
      expect.objectContaining({ statusCode: expect.anything(), error: expect.anything(), message: expect.anything(), code: expect.anything() }),
    );
    // One object of named lists, so a failure shows every gap at once and says what to document.
    expect(documentationGaps(doc)).toEqual({
      withoutTag: [],
      withoutSummary: [],
      withoutSuccessResponse: [],
      successWithoutSchema: [],
      // Only sign-in (password, or single sign-on's start and code exchange), accepting an
      // invitation, the health check and the OAuth token endpoint (which authenticates the client
      // itself) are open.
      open: [
        'GET /api/v1/auth/sso/start',
        'GET /health',
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/sso/exchange',
        'POST /api/v1/invitations/accept',
        'POST /oauth/token',
      ],
      // Every other route takes an admin API token or a session, either one on its own.
      withoutBothAdminAndSession: [],
      unauthorizedWithoutErrorResponse: [],
      fieldsWithoutExample: [],
    });
    // Issue #13 §5: every paged list takes a keyset `cursor` and answers a `nextCursor`.
    const paged = operationsOf(doc).filter(({ op }) => op.parameters?.some((p) => p.in === 'query' && p.name === 'limit'));
    expect(paged.length).toBeGreaterThan(8);
    expect(paged.filter(({ op }) => !op.parameters?.some((p) => p.in === 'query' && p.name === 'cursor')).map((o) => o.name)).toEqual([]);
    expect(
      Object.entries(doc.components.schemas)
        .filter(([name, schema]) => name.endsWith('Page') && !schema.properties?.nextCursor)
        .map(([name]) => name),
    ).toEqual([]);
  });
});

describe('start-up without configuration', () => {
  let dir: string;
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('with no DATABASE_URL, runs on the embedded SQLite file ./data/app.sqlite', async () => {
    const api = await startApi({}, dir);
    try {
      expect((await fetch(`${api.baseUrl}/health`)).status).toBe(200);
      expect(existsSync(join(dir, 'data', 'app.sqlite'))).toBe(true);
    } finally {
      expect(await api.stop()).toBe(0);
    }
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://nope' }],
  ])('an invalid %s stops the app with a message naming it', async (name, env) => {
    const { spawnSync } = await import('node:child_process');
    const { MAIN_JS, childEnv } = await import('./support/processes');
    const r = spawnSync(process.execPath, [MAIN_JS], { env: childEnv(env), cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(name);
  });

  it('the CLI refuses a missing --org with usage and exit code 2', () => {
    const r = runCli(['setup', '--admin-email', 'a@b.test'], { DATABASE_URL: `sqlite:${join(dir, 'cli_test.sqlite')}` });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--org is required');
  });
});

/** The parts of an OpenAPI 3 document these checks read. */
interface SchemaObject {
  type?: string;
  enum?: unknown[];
  example?: unknown;
  $ref?: string;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
}
interface ResponseObject {
  content?: Record<string, { schema?: SchemaObject }>;
}
interface OperationObject {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; example?: unknown; schema?: SchemaObject }>;
  responses: Record<string, ResponseObject>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaObject> };
}
interface Operation {
  name: string;
  op: OperationObject;
}

const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );
}

/** What the document lacks, by kind; each list names the offending operations or fields. */
function documentationGaps(doc: OpenApiDocument): Record<string, string[]> {
  const ops = operationsOf(doc);
  const names = (matching: (op: OperationObject) => boolean): string[] => ops.filter((o) => matching(o.op)).map((o) => o.name);
  // A browser navigation (single sign-on's start) succeeds with a redirect, which has no body.
  const successes = (op: OperationObject): Array<[string, ResponseObject]> => Object.entries(op.responses).filter(([status]) => /^[23]/.test(status));
  const alone = (op: OperationObject, scheme: string): boolean => (op.security ?? []).some((req) => Object.keys(req).join() === scheme);
  return {
    withoutTag: names((op) => !op.tags?.length),
    withoutSummary: names((op) => !op.summary?.trim() && !op.description?.trim()),
    withoutSuccessResponse: names((op) => successes(op).length === 0),
    successWithoutSchema: ops.flatMap((o) =>
      successes(o.op)
        .filter(([status, r]) => status !== '204' && !status.startsWith('3') && !Object.values(r.content ?? {}).some((c) => c.schema))
        .map(([status]) => `${o.name} ${status}`),
    ),
    open: names((op) => !op.security?.length).sort(),
    withoutBothAdminAndSession: names((op) => !!op.security?.length && !(alone(op, 'admin') && alone(op, 'session'))),
    // A route that needs auth must document its 401, and every 401 is an ErrorResponse (the
    // OAuth token endpoint's an RFC 6749 §5.2 OAuthErrorResponse).
    unauthorizedWithoutErrorResponse: ops
      .filter(({ op }) => !!op.security?.length || '401' in op.responses)
      .filter(
        ({ name, op }) =>
          op.responses['401']?.content?.['application/json']?.schema?.$ref !==
          `#/components/schemas/${name.includes(' /oauth/') ? 'OAuthErrorResponse' : 'ErrorResponse'}`,
      )
      .map((o) => o.name),
    fieldsWithoutExample: fieldsWithoutExample(doc),
  };
}

/** A string, number, boolean or enum, an array of those, or a choice between them: what Swagger UI cannot make up. */
function isPrimitive(s: SchemaObject): boolean {
  if (s.$ref || s.allOf || s.properties) return false;
  if (s.oneOf ?? s.anyOf) return (s.oneOf ?? s.anyOf ?? []).every(isPrimitive);
  if (s.type === 'array') return s.items !== undefined && isPrimitive(s.items);
  return s.enum !== undefined || ['string', 'number', 'integer', 'boolean'].includes(s.type ?? '');
}

/** `Schema.field` (nested inline objects included) and `GET /path ?param` for every primitive without an example. */
function fieldsWithoutExample(doc: OpenApiDocument): string[] {
  const missing: string[] = [];
  const visit = (where: string, schema: SchemaObject): void => {
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      if (isPrimitive(prop) && !('example' in prop)) missing.push(`${where}.${name}`);
      visit(`${where}.${name}`, prop);
    }
  };
  for (const [name, schema] of Object.entries(doc.components.schemas)) visit(name, schema);
  for (const { name, op } of operationsOf(doc)) {
    for (const p of op.parameters ?? []) {
      if (p.in === 'query' && p.example === undefined && p.schema?.example === undefined) missing.push(`${name} ?${p.name}`);
    }
  }
  return missing;
}
