import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Response } from 'supertest';
import { QueryFailedError } from 'typeorm';
import { DirectoryHandle, OrgHandle, startTestApp, TestApp } from './support/app';
import { ERROR_URN } from './support/scim-client';
import { testEngines } from './support/databases';

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The headers every answer carries, whatever its status (the HSTS one only when PUBLIC_URL is https). */
function securityHeadersOf(res: Response): Record<string, unknown> {
  return {
    nosniff: res.headers['x-content-type-options'],
    frame: res.headers['x-frame-options'],
    hsts: res.headers['strict-transport-security'],
    frameAncestors: /frame-ancestors 'none'/.test(res.headers['content-security-policy'] ?? ''),
    server: res.headers['server'],
    poweredBy: res.headers['x-powered-by'],
  };
}
const HARDENED = {
  nosniff: 'nosniff',
  frame: 'DENY',
  hsts: 'max-age=31536000; includeSubDomains',
  frameAncestors: true,
  server: undefined,
  poweredBy: undefined,
};

/**
 * Issue #9 items 6 and 8: tokens only from the Authorization header, a Bearer challenge on every
 * 401, security headers on every answer, DOCS_ENABLED, and no bound value of a failed query in
 * any log line.
 */
describe.each(testEngines())('transport and log hygiene on %s', (engine) => {
  let h: TestApp;
  let org: OrgHandle;
  let dir: DirectoryHandle;

  beforeAll(async () => {
    h = await startTestApp(engine);
    org = await h.organization('Transport org');
    dir = await org.directory();
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('tokens only from the Authorization header', () => {
    it('a SCIM token in ?access_token= answers 401 with WWW-Authenticate; in the header it works', async () => {
      const query = await h.http.get(`/scim/v2/Users?access_token=${dir.token}`);
      expect([query.status, query.headers['www-authenticate'], query.body.schemas]).toEqual([401, 'Bearer realm="scim"', [ERROR_URN]]);
      expect(query.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect((await h.http.get('/scim/v2/Users').set('authorization', `Bearer ${dir.token}`)).status).toBe(200);
    });

    it('an admin token in ?access_token= or in the body answers 401; in the header it works', async () => {
      const query = await h.http.get(`/api/v1/directories?access_token=${org.adminToken}`);
      expect([query.status, query.headers['www-authenticate'], query.body.code]).toEqual([401, 'Bearer realm="api"', 'UNAUTHENTICATED']);
      const body = await h.http.post('/api/v1/directories').send({ name: 'Via body', access_token: org.adminToken });
      expect([body.status, body.headers['www-authenticate']]).toEqual([401, 'Bearer realm="api"']);
      expect((await h.send('get', '/api/v1/directories', org.adminToken)).status).toBe(200);
    });

    it('every 401 names the Bearer scheme: error="invalid_token" only when a token was sent and refused', async () => {
      const refused = await h.http.get('/api/v1/me').set('authorization', 'Bearer ses_revoked-or-made-up');
      expect([refused.status, refused.headers['www-authenticate']]).toEqual([401, 'Bearer realm="api", error="invalid_token"']);
      const scim = await h.http.get('/scim/v2/Groups').set('authorization', `Bearer ${org.adminToken}`);
      expect([scim.status, scim.headers['www-authenticate']]).toEqual([401, 'Bearer realm="scim", error="invalid_token"']);
      // A wrong password is a 401 too (no token was involved).
      const login = await h.http.post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: 'not the password' });
      expect([login.status, login.body.code, login.headers['www-authenticate']]).toEqual([401, 'INVALID_CREDENTIALS', 'Bearer realm="api"']);
      // Not on other errors.
      const notFound = await h.send('get', `/api/v1/users/${randomUUID()}`, org.adminToken);
      expect([notFound.status, notFound.headers['www-authenticate']]).toEqual([404, undefined]);
    });
  });

  describe('security headers', () => {
    it('every answer carries them: success, 401, 404, a bad body, SCIM, the accept page and Swagger UI', async () => {
      const answers: Array<[string, Response]> = [
        ['health', await h.http.get('/health')],
        ['admin 200', await h.send('get', '/api/v1/users', org.adminToken)],
        ['admin 401', await h.http.get('/api/v1/users')],
        ['unknown route', await h.http.get('/api/v1/nothing-here')],
        ['bad JSON', await h.send('post', '/api/v1/users', org.adminToken, '{"email":')],
        ['SCIM 200', await h.send('get', '/scim/v2/Users', dir.token)],
        ['SCIM 404', await h.send('get', `/scim/v2/Users/${randomUUID()}`, dir.token)],
        ['accept page', await h.http.get('/accept-invitation')],
        ['docs', await h.http.get('/docs')],
        ['docs asset', await h.http.get('/docs/swagger-ui.css')],
        ['docs-json', await h.http.get('/docs-json')],
      ];
      expect(answers.map(([what, res]) => [what, res.status])).toEqual([
        ['health', 200],
        ['admin 200', 200],
        ['admin 401', 401],
        ['unknown route', 404],
        ['bad JSON', 400],
        ['SCIM 200', 200],
        ['SCIM 404', 404],
        ['accept page', 200],
        ['docs', 200],
        ['docs asset', 200],
        ['docs-json', 200],
      ]);
      for (const [what, res] of answers) expect([what, securityHeadersOf(res)]).toEqual([what, HARDENED]);

      const csp = Object.fromEntries(answers.map(([what, res]) => [what, res.headers['content-security-policy']]));
      expect([csp.health, csp['admin 401'], csp['SCIM 200'], csp['unknown route']]).toEqual([API_CSP, API_CSP, API_CSP, API_CSP]);
      // Swagger UI runs its own scripts; the accept page only its one inline stylesheet and script, by hash.
      expect(csp.docs).toContain("script-src 'self'");
      expect(csp['accept page']).toMatch(
        /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
      );
    });

    it('over plain http there is no HSTS, and DOCS_ENABLED=false takes Swagger UI away', async () => {
      const plain: TestApp = await startTestApp(engine, (c) => ({ ...c, publicUrl: 'http://localhost:3000', docs: { enabled: false } }));
      try {
        const health = await plain.http.get('/health');
        expect(securityHeadersOf(health)).toEqual({ ...HARDENED, hsts: undefined });
        expect(health.status).toBe(200);
        for (const path of ['/docs', '/docs-json', '/docs/swagger-ui.css']) expect([path, (await plain.http.get(path)).status]).toEqual([path, 404]);
      } finally {
        await plain.close();
      }
      // The suite's own app (docs on by default) still serves them.
      expect((await h.http.get('/docs-json')).status).toBe(200);
    });
  });

  // Runs last: it takes a table away for the length of one request.
  describe('no values in logs', () => {
    it("a failed query's bound values never reach a log line; its message and stack do", async () => {
      const secret = `s3cret-${randomUUID()}`;
      const userName = `${secret}@contoso.test`;
      // Records what the exception filter hands its logger, and still logs it.
      const spy = jest.spyOn(Logger.prototype, 'error');
      const before = h.logs.lines.length;
      // A real request whose INSERT fails in the database, with the secret among its parameters.
      await h.dataSource.query('ALTER TABLE user_emails RENAME TO user_emails_away');
      let res: Response;
      try {
        res = await dir.scim().post('/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          active: true,
          emails: [{ value: userName, type: 'work', primary: true }],
        });
      } finally {
        await h.dataSource.query('ALTER TABLE user_emails_away RENAME TO user_emails');
      }
      const caught = spy.mock.calls.map((args) => (args[0] as { err?: unknown } | undefined)?.err);
      spy.mockRestore();
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.body.schemas).toEqual([ERROR_URN]);

      // The error that reached the exception filter's logger did carry the secret...
      const failure = caught.find((e): e is QueryFailedError => e instanceof QueryFailedError);
      expect(failure).toBeDefined();
      expect(JSON.stringify(failure!.parameters)).toContain(secret);

      // ...and its log line has the message and the stack, without the statement or the values.
      const lines = h.logs.lines.slice(before);
      const logged = lines.map((l) => JSON.parse(l) as { err?: Record<string, unknown> }).find((l) => l.err?.type === 'QueryFailedError');
      expect(logged?.err).toMatchObject({ type: 'QueryFailedError', message: failure!.message, stack: expect.stringContaining('QueryFailedError') });
      expect(failure!.message).toMatch(/user_emails/);
      for (const key of ['query', 'parameters', 'sql', 'driverError']) expect([key, logged!.err![key]]).toEqual([key, undefined]);
      expect(h.logs.text()).not.toContain(secret);
    });
  });
});
