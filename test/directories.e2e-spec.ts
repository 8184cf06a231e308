import { DataSource } from 'typeorm';
import { hashToken } from '../apps/api/src/auth/secret-token.util';
import { testEngines } from './support/databases';
import { dumpDatabase } from './support/dump';
import { PUBLIC_URL, startTestApp, TestApp } from './support/app';
import { bearer } from './support/scim-client';

const SCIM_JSON = /^application\/scim\+json/;
const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe.each(testEngines())('directories and SCIM tokens on %s', (engine) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    admin = (await t.setupOrganization('Acme')).adminToken;
  });

  afterAll(async () => t?.close());

  async function createDirectory(token = admin, name = 'Contoso Entra ID'): Promise<{ id: string; token: string; tokenId: string }> {
    const res = await t.http.post('/api/v1/directories').set(bearer(token)).send({ name }).expect(201);
    t.secrets.add(res.body.token);
    return res.body;
  }

  const testConnection = (token: string, path = '/scim/v2/Users?filter=userName+eq+%227d420df3-9995-4831-a406-ecf8166f5f6a%22') =>
    t.http.get(path).set(bearer(token));

  describe('POST /api/v1/directories', () => {
    it('answers the DESIGN contract: id, name, status, scimBaseUrl and the secret token', async () => {
      const res = await t.http.post('/api/v1/directories').set(bearer(admin)).send({ name: 'Contoso Entra ID' }).expect(201);
      t.secrets.add(res.body.token);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Contoso Entra ID',
        status: 'active',
        scimBaseUrl: `${PUBLIC_URL}/scim/v2`,
        token: expect.stringMatching(/^scim_[A-Za-z0-9_-]{43}$/),
      });
    });

    it('accepts a body sent as application/scim+json', async () => {
      const res = await t.http
        .post('/api/v1/directories')
        .set(bearer(admin))
        .set('content-type', 'application/scim+json; charset=utf-8')
        .send(JSON.stringify({ name: 'Sent as SCIM JSON' }))
        .expect(201);
      t.secrets.add(res.body.token);
      expect(res.body.name).toBe('Sent as SCIM JSON');
    });

    it.each([
      [{}, 'name should not be empty'],
      [{ name: '   ' }, 'name should not be empty'],
      [{ name: 'x', extra: 1 }, 'property extra should not exist'],
      [{ name: 'x'.repeat(256) }, 'name must be shorter than or equal to 255 characters'],
    ])('rejects %j with 400 VALIDATION_FAILED and creates nothing', async (body, message) => {
      const before = (await t.http.get('/api/v1/directories').set(bearer(admin)).expect(200)).body.total;
      const res = await t.http.post('/api/v1/directories').set(bearer(admin)).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.message).toContain(message);
      expect((await t.http.get('/api/v1/directories').set(bearer(admin)).expect(200)).body.total).toBe(before);
    });

    it('rejects malformed JSON with 400 INVALID_JSON', async () => {
      const res = await t.http.post('/api/v1/directories').set(bearer(admin)).set('content-type', 'application/json').send('{"name":').expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_JSON' });
    });
  });

  describe('directory lifecycle', () => {
    it('lists, gets, renames, pauses and resumes', async () => {
      const dir = await createDirectory(admin, 'Lifecycle');
      const list = await t.http.get('/api/v1/directories?page=1&limit=200').set(bearer(admin)).expect(200);
      expect(list.body).toMatchObject({ page: 1, limit: 200, total: expect.any(Number) });
      expect(list.body.items.map((d: { id: string }) => d.id)).toContain(dir.id);
      expect(JSON.stringify(list.body)).not.toContain(dir.token);

      await t.http.patch(`/api/v1/directories/${dir.id}`).set(bearer(admin)).send({ name: 'Renamed' }).expect(200);
      const got = await t.http.get(`/api/v1/directories/${dir.id}`).set(bearer(admin)).expect(200);
      expect(got.body).toMatchObject({ id: dir.id, name: 'Renamed', status: 'active', scimBaseUrl: `${PUBLIC_URL}/scim/v2` });
      expect(got.body.token).toBeUndefined();

      await t.http.patch(`/api/v1/directories/${dir.id}`).set(bearer(admin)).send({ status: 'paused' }).expect(200);
      const paused = await testConnection(dir.token).expect(401);
      expect(paused.headers['content-type']).toMatch(SCIM_JSON);
      await t.http.patch(`/api/v1/directories/${dir.id}`).set(bearer(admin)).send({ status: 'active' }).expect(200);
      await testConnection(dir.token).expect(200);
    });

    it('rejects an unknown status', async () => {
      const dir = await createDirectory();
      const res = await t.http.patch(`/api/v1/directories/${dir.id}`).set(bearer(admin)).send({ status: 'off' }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('deletes: 204, then 404, and its tokens answer 401', async () => {
      const dir = await createDirectory();
      await testConnection(dir.token).expect(200);
      await t.http.delete(`/api/v1/directories/${dir.id}`).set(bearer(admin)).expect(204);
      const gone = await t.http.get(`/api/v1/directories/${dir.id}`).set(bearer(admin)).expect(404);
      expect(gone.body).toMatchObject({ statusCode: 404, code: 'DIRECTORY_NOT_FOUND' });
      await testConnection(dir.token).expect(401);
      await t.http.delete(`/api/v1/directories/${dir.id}`).set(bearer(admin)).expect(404);
    });
  });

  describe('Test Connection (ENTRA.md §2.1)', () => {
    let token: string;
    beforeAll(async () => {
      token = (await createDirectory()).token;
    });

    it.each([
      ['the observed request', '/scim/v2/Users?filter=userName+eq+%227d420df3-9995-4831-a406-ecf8166f5f6a%22'],
      ['a %20-encoded filter', '/scim/v2/Users?filter=userName%20eq%20%22someone%40contoso.com%22'],
      ['the aadOptscim062020 flag first', '/scim/v2/Users?aadOptscim062020&filter=userName+eq+%22x%22'],
      ['the aadOptscim062020 flag last', '/scim/v2/Users?filter=userName+eq+%22x%22&aadOptscim062020'],
    ])('answers 200 with an empty ListResponse for %s', async (_, path) => {
      const res = await testConnection(token, path).expect(200);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.body).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    });

    it.each([
      ['no Accept or Content-Type', {}],
      ['Accept: application/scim+json', { accept: 'application/scim+json' }],
      ['Accept: application/json', { accept: 'application/json' }],
      ['Content-Type: application/scim+json on a GET', { 'content-type': 'application/scim+json' }],
    ])('never answers 406/415: %s', async (_, headers) => {
      const res = await testConnection(token).set(headers).expect(200);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
    });

    it('records when the token was last used', async () => {
      const dir = await createDirectory();
      await testConnection(dir.token).expect(200);
      await new Promise((r) => setTimeout(r, 100)); // the timestamp is written after the answer
      const tokens = await t.http.get(`/api/v1/directories/${dir.id}/tokens`).set(bearer(admin)).expect(200);
      expect(tokens.body.items[0].lastUsedAt).toEqual(expect.any(String));
      const got = await t.http.get(`/api/v1/directories/${dir.id}`).set(bearer(admin)).expect(200);
      expect(got.body.lastActivityAt).toEqual(expect.any(String));
    });

    it('answers a malformed SCIM body with 400 invalidSyntax in the SCIM format', async () => {
      const res = await t.http.post('/scim/v2/Users').set(bearer(token)).set('content-type', 'application/scim+json').send('{"userName":').expect(400);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.body).toMatchObject({ schemas: [ERROR_URN], status: '400', scimType: 'invalidSyntax' });
    });

    it('answers an unknown SCIM route with a SCIM 404, not a Nest body', async () => {
      const res = await t.http.get('/scim/v2/Nothing').set(bearer(token)).expect(404);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.body).toEqual({ schemas: [ERROR_URN], status: '404', detail: expect.any(String) });
    });
  });

  describe('named tokens', () => {
    it('mints, lists without secrets, and revokes; a revoked token answers 401 at once', async () => {
      const dir = await createDirectory();
      const minted = await t.http
        .post(`/api/v1/directories/${dir.id}/tokens`)
        .set(bearer(admin))
        .send({ name: 'Rotation 2026', description: 'second Entra job' })
        .expect(201);
      t.secrets.add(minted.body.token);
      expect(minted.body).toMatchObject({
        id: expect.any(String),
        name: 'Rotation 2026',
        description: 'second Entra job',
        status: 'active',
        token: expect.stringMatching(/^scim_/),
        prefix: minted.body.token.slice(0, 11),
      });
      await testConnection(minted.body.token).expect(200);

      const list = await t.http.get(`/api/v1/directories/${dir.id}/tokens`).set(bearer(admin)).expect(200);
      expect(list.body.total).toBe(2);
      expect(list.body.items.map((i: { name: string }) => i.name)).toEqual(['Default token', 'Rotation 2026']);
      const listed = JSON.stringify(list.body);
      expect(listed).not.toContain(minted.body.token);
      expect(listed).not.toContain(dir.token);
      for (const item of list.body.items) expect(Object.keys(item)).not.toContain('token');

      await t.http.delete(`/api/v1/directories/${dir.id}/tokens/${dir.tokenId}`).set(bearer(admin)).expect(204);
      await testConnection(dir.token).expect(401);
      await testConnection(minted.body.token).expect(200); // rotation without downtime
      await t.http.delete(`/api/v1/directories/${dir.id}/tokens/${dir.tokenId}`).set(bearer(admin)).expect(204);

      const after = await t.http.get(`/api/v1/directories/${dir.id}/tokens`).set(bearer(admin)).expect(200);
      expect(after.body.items.find((i: { id: string }) => i.id === dir.tokenId)).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    });

    it('a token past its expiry answers 401', async () => {
      const dir = await createDirectory();
      const soon = new Date(Date.now() + 1500).toISOString();
      const minted = await t.http.post(`/api/v1/directories/${dir.id}/tokens`).set(bearer(admin)).send({ name: 'short', expiresAt: soon }).expect(201);
      t.secrets.add(minted.body.token);
      await testConnection(minted.body.token).expect(200);
      await new Promise((r) => setTimeout(r, 1600));
      await testConnection(minted.body.token).expect(401);
    });

    it('refuses an expiry in the past', async () => {
      const dir = await createDirectory();
      const res = await t.http
        .post(`/api/v1/directories/${dir.id}/tokens`)
        .set(bearer(admin))
        .send({ name: 'old', expiresAt: '2001-01-01T00:00:00Z' })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('404s an unknown token id', async () => {
      const dir = await createDirectory();
      const res = await t.http.delete(`/api/v1/directories/${dir.id}/tokens/00000000-0000-0000-0000-000000000000`).set(bearer(admin)).expect(404);
      expect(res.body.code).toBe('DIRECTORY_TOKEN_NOT_FOUND');
    });
  });

  describe('authentication', () => {
    let scim: string;
    beforeAll(async () => {
      scim = (await createDirectory()).token;
    });

    it.each([
      ['no Authorization header', undefined],
      ['an empty bearer', 'Bearer '],
      ['a bare scheme', 'Bearer'],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
      ['a bearer with spaces', 'Bearer scim_a scim_b'],
      ['an unknown token', 'Bearer scim_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['a token without prefix', 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ])('SCIM answers 401 in the SCIM format for %s', async (_, header) => {
      const req = t.http.get('/scim/v2/Users?filter=userName+eq+%22x%22');
      const res = await (header === undefined ? req : req.set('authorization', header)).expect(401);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.body).toEqual({ schemas: [ERROR_URN], status: '401', detail: expect.any(String) });
    });

    it('an admin token never works on SCIM routes', async () => {
      const res = await testConnection(admin).expect(401);
      expect(res.body.schemas).toEqual([ERROR_URN]);
    });

    it('a directory token never works on admin routes', async () => {
      const res = await t.http.get('/api/v1/directories').set(bearer(scim)).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    });

    it.each([
      ['no header', undefined],
      ['an unknown admin token', 'Bearer adm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['a malformed header', 'Token abc'],
    ])('admin routes answer 401 UNAUTHENTICATED for %s', async (_, header) => {
      const req = t.http.get('/api/v1/directories');
      const res = await (header === undefined ? req : req.set('authorization', header)).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    });
  });

  describe('organisation isolation', () => {
    it("an admin of organisation B gets 404 for anything of organisation A's", async () => {
      const dirA = await createDirectory(admin, 'Belongs to A');
      const adminB = (await t.setupOrganization('Other Co')).adminToken;
      const asB = bearer(adminB);
      const paths = [`/api/v1/directories/${dirA.id}`, `/api/v1/directories/${dirA.id}/tokens`];
      for (const path of paths) expect((await t.http.get(path).set(asB).expect(404)).body.code).toBe('DIRECTORY_NOT_FOUND');
      await t.http.patch(`/api/v1/directories/${dirA.id}`).set(asB).send({ name: 'stolen' }).expect(404);
      await t.http.post(`/api/v1/directories/${dirA.id}/tokens`).set(asB).send({ name: 'stolen' }).expect(404);
      await t.http.delete(`/api/v1/directories/${dirA.id}/tokens/${dirA.tokenId}`).set(asB).expect(404);
      await t.http.delete(`/api/v1/directories/${dirA.id}`).set(asB).expect(404);
      const listB = await t.http.get('/api/v1/directories').set(asB).expect(200);
      expect(listB.body).toMatchObject({ items: [], total: 0 });
      // Nothing B tried changed A's directory.
      const got = await t.http.get(`/api/v1/directories/${dirA.id}`).set(bearer(admin)).expect(200);
      expect(got.body.name).toBe('Belongs to A');
      await testConnection(dirA.token).expect(200);
    });
  });

  // Runs last: by now the suite has minted admin and SCIM tokens and used them in every way.
  describe('secrets at rest and in logs', () => {
    it('a token sent as ?access_token= is refused and still redacted from the request log', async () => {
      const token = (await createDirectory()).token;
      await t.http.get(`/scim/v2/Users?filter=userName+eq+%22x%22&access_token=${token}`).expect(401);
      expect(t.logs.text()).toContain('access_token=[Redacted]');
    });

    it('the database holds only hashes of the tokens it issued', async () => {
      expect(t.secrets.size).toBeGreaterThan(10);
      const dump = await dumpDatabase(t.db, t.app.get(DataSource));
      for (const secret of t.secrets) {
        expect(dump).not.toContain(secret);
        expect(dump).not.toContain(secret.slice(12)); // not even the part after the shown prefix
        expect(dump).toContain(hashToken(secret)); // proves the dump really holds the token rows
      }
    });

    it('the logs never contain a token or the Authorization header, while they do record every request', async () => {
      const logs = t.logs.text();
      expect(t.logs.lines.filter((l) => l.includes('"msg":"request completed"')).length).toBeGreaterThan(50);
      expect(logs.toLowerCase()).not.toContain('"authorization"');
      expect(logs).not.toMatch(/Bearer /);
      for (const secret of t.secrets) expect(logs).not.toContain(secret.slice(12));
    });
  });
});
