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
    const r = runCli(['setup', '--admin-email', 'a@b.test'], { DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}` });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--org is required');
  });
});
