import type { Response } from 'supertest';
import { testEngines } from './support/databases';
import { activePerson, startWithMail } from './support/people';
import type { OrgHandle, TestApp } from './support/app';
import { ERROR_URN } from './support/scim-client';
import { SmtpListener, startSmtpListener } from './support/smtp';

/**
 * Who may call each route. `public` needs no credential; `docs` is Swagger UI, served by
 * @nestjs/swagger straight on Fastify (outside Nest's guards), public by design and removed by
 * DOCS_ENABLED=false; `admin`, `person` and `directory` name the credential the global guard
 * asks for. A route of the built app missing here fails the suite: classify it.
 */
type Access = 'public' | 'docs' | 'admin' | 'person' | 'directory';
const ROUTES: Record<string, Access> = {
  'GET /health': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/invitations/accept': 'public',
  'GET /accept-invitation': 'public',
  'POST /oauth/token': 'public',
  'GET /api/v1/auth/sso/start': 'public',
  'GET /api/v1/auth/sso/callback': 'public',
  'POST /api/v1/auth/sso/exchange': 'public',
  'GET /sso/return': 'public',

  'GET /docs': 'docs',
  'GET /docs/index.html': 'docs',
  'GET /docs/license': 'docs',
  'GET /docs/swagger-ui-init.js': 'docs',
  'GET /docs/docs/swagger-ui-init.js': 'docs',
  'GET /docs/*': 'docs',
  'GET /docs-json': 'docs',
  'GET /docs-yaml': 'docs',

  'POST /api/v1/auth/logout': 'person',
  'GET /api/v1/me': 'person',

  'GET /api/v1/api-tokens': 'admin',
  'POST /api/v1/api-tokens': 'admin',
  'DELETE /api/v1/api-tokens/:id': 'admin',
  'GET /api/v1/directories': 'admin',
  'POST /api/v1/directories': 'admin',
  'GET /api/v1/directories/:id': 'admin',
  'PATCH /api/v1/directories/:id': 'admin',
  'DELETE /api/v1/directories/:id': 'admin',
  'GET /api/v1/directories/:id/tokens': 'admin',
  'POST /api/v1/directories/:id/tokens': 'admin',
  'DELETE /api/v1/directories/:id/tokens/:tokenId': 'admin',
  'GET /api/v1/directories/:id/events': 'admin',
  'GET /api/v1/directories/:id/health': 'admin',
  'GET /api/v1/directories/:id/held-deprovisions': 'admin',
  'POST /api/v1/directories/:id/held-deprovisions/approve': 'admin',
  'POST /api/v1/directories/:id/held-deprovisions/reject': 'admin',
  'GET /api/v1/users/:id/events': 'admin',
  'GET /api/v1/directories/:id/oauth-clients': 'admin',
  'POST /api/v1/directories/:id/oauth-clients': 'admin',
  'DELETE /api/v1/directories/:id/oauth-clients/:clientId': 'admin',
  'GET /api/v1/users': 'admin',
  'POST /api/v1/users': 'admin',
  'GET /api/v1/users/:id': 'admin',
  'PATCH /api/v1/users/:id': 'admin',
  'POST /api/v1/users/:id/archive': 'admin',
  'POST /api/v1/users/:id/restore': 'admin',
  'POST /api/v1/users/:id/invitation': 'admin',
  'POST /api/v1/invitations': 'admin',
  'GET /api/v1/sso': 'admin',
  'PUT /api/v1/sso': 'admin',
  'GET /api/v1/users/:id/sso-link': 'admin',
  'DELETE /api/v1/users/:id/sso-link': 'admin',
  'GET /api/v1/groups': 'admin',
  'GET /api/v1/groups/:id': 'admin',
  'PATCH /api/v1/groups/:id': 'admin',
  'GET /api/v1/groups/:id/members': 'admin',
  ...Object.fromEntries(
    ['sites', 'departments', 'roles'].flatMap((kind) => [
      [`GET /api/v1/${kind}`, 'admin'],
      [`POST /api/v1/${kind}`, 'admin'],
      [`GET /api/v1/${kind}/:id`, 'admin'],
      [`PATCH /api/v1/${kind}/:id`, 'admin'],
      [`DELETE /api/v1/${kind}/:id`, 'admin'],
    ]),
  ),

  'GET /scim/v2/ServiceProviderConfig': 'directory',
  'GET /scim/v2/serviceConfiguration': 'directory',
  'GET /scim/v2/ResourceTypes': 'directory',
  'GET /scim/v2/ResourceTypes/:name': 'directory',
  'GET /scim/v2/Schemas': 'directory',
  'GET /scim/v2/Schemas/:id': 'directory',
  ...Object.fromEntries(
    ['Users', 'Groups'].flatMap((resource) => [
      [`GET /scim/v2/${resource}`, 'directory'],
      [`POST /scim/v2/${resource}`, 'directory'],
      [`GET /scim/v2/${resource}/:id`, 'directory'],
      [`PUT /scim/v2/${resource}/:id`, 'directory'],
      [`PATCH /scim/v2/${resource}/:id`, 'directory'],
      [`DELETE /scim/v2/${resource}/:id`, 'directory'],
    ]),
  ),
};

/**
 * Every route Fastify serves, read from its route table (`printRoutes`, a tree whose segments
 * concatenate to the path), so routes registered outside Nest are listed too. HEAD is left out:
 * Fastify adds it beside every GET, on the same handler.
 */
function routeTable(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stack.length = depth;
    stack.push(match[2]);
    for (const method of match[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${stack.join('')}`);
  }
  return routes;
}

const ID = '3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b';
const concrete = (path: string): string => path.replace(/:\w+/g, ID).replace('/docs/*', '/docs/swagger-ui.css');
const entries = Object.entries(ROUTES).map(([route, access]) => {
  const [method, path] = route.split(' ');
  return { route, access, method: method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete', path: concrete(path) };
});
const guarded = entries.filter((e) => e.access === 'admin' || e.access === 'person' || e.access === 'directory');
// Logout ends the session it is called with: it goes last wherever a session is used.
const logoutLast = <T extends { route: string }>(list: T[]): T[] =>
  [...list].sort((a, b) => Number(a.route.includes('logout')) - Number(b.route.includes('logout')));

describe.each(testEngines())('route inventory on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;
  let org: OrgHandle;
  let scimToken: string;
  let personSession: string;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    h = await startWithMail(engine, smtp.url);
    org = await h.organization('Inventory org');
    scimToken = (await org.directory()).token;
    personSession = (await activePerson(org, smtp, 'not.an.admin@example.test')).session;
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  /** Sends the route's request with `authorization` (none when undefined) and an empty JSON body where it takes one. */
  const call = (e: (typeof entries)[number], authorization?: string): Promise<Response> => {
    let req = h.http[e.method](e.path);
    if (authorization !== undefined) req = req.set('authorization', authorization);
    if (e.method !== 'get' && e.method !== 'delete') req = req.set('content-type', 'application/json').send('{}');
    return req;
  };

  it('lists every route of the built app with its access, and no route it does not serve', () => {
    // The router is case-insensitive, so its table is lower-cased (parameter names aside).
    const served = routeTable(h.app.getHttpAdapter().getInstance().printRoutes())
      .map((r) => r.toLowerCase())
      .sort();
    const classified = Object.keys(ROUTES)
      .map((r) => r.toLowerCase())
      .sort();
    expect(served.length).toBeGreaterThan(50);
    expect(served).toEqual(classified);
  });

  it('without a token every guarded route answers 401 with WWW-Authenticate: Bearer; public routes answer without one', async () => {
    const wrong: string[] = [];
    for (const e of entries) {
      const res = await call(e);
      const scim = e.access === 'directory';
      if (e.access === 'public' || e.access === 'docs') {
        if (res.status === 401 || res.status >= 500) wrong.push(`${e.route}: ${res.status}`);
      } else if (res.status !== 401 || res.headers['www-authenticate'] !== `Bearer realm="${scim ? 'scim' : 'api'}"`) {
        wrong.push(`${e.route}: ${res.status} ${res.headers['www-authenticate']}`);
      } else if (
        scim ? res.body.schemas?.[0] !== ERROR_URN || !/^application\/scim\+json/.test(res.headers['content-type']) : res.body.code !== 'UNAUTHENTICATED'
      ) {
        wrong.push(`${e.route}: body ${JSON.stringify(res.body)}`);
      }
    }
    expect(wrong).toEqual([]);
    // Positive controls: the public routes really answered.
    expect((await h.http.get('/health')).status).toBe(200);
    expect((await h.http.get('/docs-json')).status).toBe(200);
  });

  it('a refused token gets error="invalid_token" on every guarded route', async () => {
    const wrong: string[] = [];
    for (const e of guarded) {
      const res = await call(e, 'Bearer adm_not-a-real-token');
      const realm = e.access === 'directory' ? 'scim' : 'api';
      if (res.status !== 401 || res.headers['www-authenticate'] !== `Bearer realm="${realm}", error="invalid_token"`) {
        wrong.push(`${e.route}: ${res.status} ${res.headers['www-authenticate']}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('each guarded route takes exactly the credential its row names', async () => {
    const passes = (res: Response): boolean => res.status !== 401 && res.status !== 403 && res.status < 500;
    const wrong: string[] = [];
    for (const e of logoutLast(guarded)) {
      const asAdmin = await call(e, `Bearer ${org.adminToken}`);
      const asDirectory = await call(e, `Bearer ${scimToken}`);
      const asPerson = await call(e, `Bearer ${personSession}`);
      // `pass`: through the guard (the route then answers 2xx, 400 or 404, never 401/403).
      const expected = {
        admin: { admin: 'pass', directory: 401, person: 403 },
        person: { admin: 'pass', directory: 401, person: 'pass' },
        directory: { admin: 401, directory: 'pass', person: 401 },
      }[e.access as 'admin' | 'person' | 'directory'];
      const got = (res: Response, want: string | number): boolean => (want === 'pass' ? passes(res) : res.status === want);
      if (!got(asAdmin, expected.admin) || !got(asDirectory, expected.directory) || !got(asPerson, expected.person)) {
        wrong.push(`${e.route}: admin token ${asAdmin.status}, directory token ${asDirectory.status}, person session ${asPerson.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
