import { dateParam } from '@app/database';
import { DataSource } from 'typeorm';
import { hashToken } from '../apps/api/src/auth/secret-token.util';
import { PUBLIC_URL, startTestApp, TestApp } from './support/app';
import { bearer } from './support/scim-client';
import { testEngines } from './support/databases';
import { dumpDatabase } from './support/dump';

const LIMITS = { perAccount: 3, perIp: 50, perAccountAnyAddress: 100, windowMs: 15 * 60_000 };
const FORM = 'application/x-www-form-urlencoded';
const LOOKUP = '/scim/v2/Users?filter=userName+eq+%22nobody%40example.test%22';
const BEARER_REFUSED = 'Bearer realm="scim", error="invalid_token"';

/**
 * Issue #12 §4: OAuth 2.0 client credentials for SCIM. An admin mints clients per directory;
 * POST /oauth/token issues short-lived access tokens (RFC 6749 §4.4, §5.1, §5.2) that SCIM accepts
 * for that directory until they expire or the client is revoked; failed client authentications
 * are limited like sign-ins. Secrets and tokens are stored hashed and never logged.
 */
describe.each(testEngines())('OAuth client credentials on %s', (engine) => {
  let t: TestApp;
  let admin: string;
  let directory: { id: string; token: string };
  let clients = 0;

  beforeAll(async () => {
    t = await startTestApp(engine, (c) => ({ ...c, trustProxy: 1, loginLimits: LIMITS }));
    admin = (await t.setupOrganization('OAuth org')).adminToken;
    directory = await createDirectory(admin, 'Contoso Entra ID');
  });

  afterAll(async () => t?.close());

  async function createDirectory(token: string, name: string): Promise<{ id: string; token: string }> {
    const res = await t.http.post('/api/v1/directories').set(bearer(token)).send({ name }).expect(201);
    t.secrets.add(res.body.token);
    return res.body;
  }

  async function mintClient(directoryId = directory.id, token = admin): Promise<{ clientId: string; clientSecret: string }> {
    const res = await t.http.post(`/api/v1/directories/${directoryId}/oauth-clients`).set(bearer(token)).send({ name: 'Entra gallery app' }).expect(201);
    t.secrets.add(res.body.clientSecret);
    return res.body;
  }

  /** Each test acts from its own client address, so the per-address limit counts only its own failures. */
  const freshAddress = (): string => `10.9.${Math.floor(++clients / 250)}.${clients % 250}`;

  const tokenRequest = (form: string, ip = freshAddress(), authorization?: string) => {
    let req = t.http.post('/oauth/token').set('content-type', FORM).set('x-forwarded-for', ip);
    if (authorization) req = req.set('authorization', authorization);
    return req.send(form);
  };

  const formOf = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
  const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

  async function accessToken(client: { clientId: string; clientSecret: string }, ip?: string): Promise<string> {
    const res = await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }), ip);
    expect(res.status).toBe(200);
    t.secrets.add(res.body.access_token);
    return res.body.access_token;
  }

  const expectInvalidClient = (res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }): void => {
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="oauth"/);
    expect(res.headers['cache-control']).toBe('no-store');
  };

  describe('admin routes', () => {
    it('mints a client (secret shown once), lists it without the secret, and names the token URL', async () => {
      const res = await t.http.post(`/api/v1/directories/${directory.id}/oauth-clients`).set(bearer(admin)).send({ name: 'Entra gallery app' }).expect(201);
      t.secrets.add(res.body.clientSecret);
      expect(res.body).toEqual({
        clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        clientSecret: expect.stringMatching(/^ocs_[A-Za-z0-9_-]{43}$/),
        tokenUrl: `${PUBLIC_URL}/oauth/token`,
        name: 'Entra gallery app',
        secretPrefix: res.body.clientSecret.slice(0, 10),
        status: 'active',
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      });
      const list = await t.http.get(`/api/v1/directories/${directory.id}/oauth-clients`).set(bearer(admin)).expect(200);
      const listed = list.body.items.find((c: { clientId: string }) => c.clientId === res.body.clientId);
      expect(listed).toMatchObject({ clientId: res.body.clientId, status: 'active' });
      expect(JSON.stringify(list.body)).not.toContain(res.body.clientSecret);
      const dir = await t.http.get(`/api/v1/directories/${directory.id}`).set(bearer(admin)).expect(200);
      expect(dir.body).toMatchObject({ tokenUrl: `${PUBLIC_URL}/oauth/token`, entraTenantId: null });
    });

    it("another organisation's admin cannot mint, list or revoke this directory's clients (404)", async () => {
      const other = (await t.setupOrganization('Other OAuth org')).adminToken;
      const client = await mintClient();
      await t.http.post(`/api/v1/directories/${directory.id}/oauth-clients`).set(bearer(other)).send({ name: 'x' }).expect(404);
      await t.http.get(`/api/v1/directories/${directory.id}/oauth-clients`).set(bearer(other)).expect(404);
      await t.http.delete(`/api/v1/directories/${directory.id}/oauth-clients/${client.clientId}`).set(bearer(other)).expect(404);
      // Positive control: the client still works.
      await t.http
        .get(LOOKUP)
        .set(bearer(await accessToken(client)))
        .expect(200);
    });

    it('refuses a client without a name (400) and an unknown client id (404)', async () => {
      await t.http.post(`/api/v1/directories/${directory.id}/oauth-clients`).set(bearer(admin)).send({}).expect(400);
      const res = await t.http.delete(`/api/v1/directories/${directory.id}/oauth-clients/3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b`).set(bearer(admin)).expect(404);
      expect(res.body.code).toBe('OAUTH_CLIENT_NOT_FOUND');
    });
  });

  describe('POST /oauth/token', () => {
    it('issues a Bearer token for form credentials, uncached, that SCIM accepts for the directory', async () => {
      const client = await mintClient();
      const res = await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }));
      expect(res.status).toBe(200);
      t.secrets.add(res.body.access_token);
      expect(res.body).toEqual({ access_token: expect.stringMatching(/^oat_[A-Za-z0-9_-]{43}$/), token_type: 'Bearer', expires_in: 3600 });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const created = await t.http
        .post('/scim/v2/Users')
        .set(bearer(res.body.access_token))
        .send({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'oauth.user@example.test',
          emails: [{ type: 'work', value: 'oauth.user@example.test', primary: true }],
        });
      expect(created.status).toBe(201);
      const users = await t.http.get('/api/v1/users?q=oauth.user').set(bearer(admin)).expect(200);
      expect(users.body.items.map((u: { directoryId: string }) => u.directoryId)).toEqual([directory.id]);
      const listed = await t.http.get(`/api/v1/directories/${directory.id}/oauth-clients`).set(bearer(admin)).expect(200);
      expect(listed.body.items.find((c: { clientId: string }) => c.clientId === client.clientId).lastUsedAt).not.toBeNull();
    });

    it('accepts HTTP Basic client authentication (RFC 6749 §2.3.1), and a scope, which it ignores', async () => {
      const client = await mintClient();
      const res = await tokenRequest(formOf({ grant_type: 'client_credentials', scope: 'scim' }), freshAddress(), basic(client.clientId, client.clientSecret));
      expect(res.status).toBe(200);
      t.secrets.add(res.body.access_token);
      await t.http.get(LOOKUP).set(bearer(res.body.access_token)).expect(200);
    });

    it('answers 401 invalid_client for a wrong secret (Basic or form), an unknown client and missing credentials', async () => {
      const client = await mintClient();
      const wrong = client.clientSecret.slice(0, -2) + (client.clientSecret.endsWith('AA') ? 'BB' : 'AA');
      expectInvalidClient(await tokenRequest(formOf({ grant_type: 'client_credentials' }), freshAddress(), basic(client.clientId, wrong)));
      expectInvalidClient(await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: wrong })));
      expectInvalidClient(
        await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: '3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b', client_secret: client.clientSecret })),
      );
      expectInvalidClient(await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId })));
      expectInvalidClient(await tokenRequest(formOf({ grant_type: 'client_credentials' }), freshAddress(), 'Basic !!!'));
      // The secret of one client does not authenticate another.
      const second = await mintClient();
      expectInvalidClient(await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: second.clientId, client_secret: client.clientSecret })));
      // Positive control: the right secret works.
      await accessToken(client);
    });

    it.each([
      ['no grant_type', 'invalid_request', (id: string, secret: string) => formOf({ client_id: id, client_secret: secret })],
      [
        'grant_type=password',
        'unsupported_grant_type',
        (id: string, secret: string) => formOf({ grant_type: 'password', client_id: id, client_secret: secret }),
      ],
      [
        'a repeated parameter',
        'invalid_request',
        (id: string, secret: string) => `grant_type=client_credentials&grant_type=client_credentials&client_id=${id}&client_secret=${secret}`,
      ],
    ])('answers 400 for %s with RFC 6749 §5.2 error %s', async (_, error, body) => {
      const client = await mintClient();
      const res = await tokenRequest(body(client.clientId, client.clientSecret));
      expect([res.status, res.body]).toEqual([400, { error, error_description: expect.any(String) }]);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('answers 400 invalid_request for two authentication methods at once, and for a JSON body', async () => {
      const client = await mintClient();
      const both = await tokenRequest(
        formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
        freshAddress(),
        basic(client.clientId, client.clientSecret),
      );
      expect([both.status, both.body.error]).toEqual([400, 'invalid_request']);
      const json = await t.http
        .post('/oauth/token')
        .set('x-forwarded-for', freshAddress())
        .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
      expect([json.status, json.body.error]).toEqual([400, 'invalid_request']);
    });

    it('limits failed client authentications per client and address (429 slow_down, Retry-After), not other clients', async () => {
      const client = await mintClient();
      const other = await mintClient();
      const ip = freshAddress();
      for (let i = 0; i < LIMITS.perAccount; i++) {
        expectInvalidClient(
          await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: `ocs_${'x'.repeat(43)}` }), ip),
        );
      }
      const limited = await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }), ip);
      expect([limited.status, limited.body.error]).toEqual([429, 'slow_down']);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['cache-control']).toBe('no-store');
      // Positive controls: another client from the same address, and the same client from elsewhere.
      await accessToken(other, ip);
      await accessToken(client, freshAddress());
      // Sign-in keeps its own count: the address's client failures do not limit sign-ins.
      const signIn = await t.http.post('/api/v1/auth/login').set('x-forwarded-for', ip).send({ email: 'admin1@example.test', password: 'not the password' });
      expect(signIn.status).toBe(401);
    });
  });

  describe('SCIM with an access token', () => {
    it('stops accepting a token once it has expired; a fresh token of the same client works', async () => {
      const client = await mintClient();
      const token = await accessToken(client);
      await t.http.get(LOOKUP).set(bearer(token)).expect(200);
      const ds = t.app.get(DataSource);
      await ds.query('UPDATE oauth_access_tokens SET expires_at = ? WHERE token_hash = ?', [dateParam(ds, new Date(Date.now() - 1000)), hashToken(token)]);
      const res = await t.http.get(LOOKUP).set(bearer(token));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(BEARER_REFUSED);
      await t.http
        .get(LOOKUP)
        .set(bearer(await accessToken(client)))
        .expect(200);
    });

    it('revoking a client ends its tokens on the next request and refuses new ones; the scim_ secret and other clients still work', async () => {
      const client = await mintClient();
      const other = await mintClient();
      const token = await accessToken(client);
      const otherToken = await accessToken(other);
      await t.http.get(LOOKUP).set(bearer(token)).expect(200);
      await t.http.delete(`/api/v1/directories/${directory.id}/oauth-clients/${client.clientId}`).set(bearer(admin)).expect(204);
      const res = await t.http.get(LOOKUP).set(bearer(token));
      expect([res.status, res.headers['www-authenticate']]).toEqual([401, BEARER_REFUSED]);
      expectInvalidClient(await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret })));
      const list = await t.http.get(`/api/v1/directories/${directory.id}/oauth-clients`).set(bearer(admin)).expect(200);
      expect(list.body.items.find((c: { clientId: string }) => c.clientId === client.clientId)).toMatchObject({
        status: 'revoked',
        revokedAt: expect.any(String),
      });
      // Revoking twice is harmless.
      await t.http.delete(`/api/v1/directories/${directory.id}/oauth-clients/${client.clientId}`).set(bearer(admin)).expect(204);
      await t.http.get(LOOKUP).set(bearer(otherToken)).expect(200);
      await t.http.get(LOOKUP).set(bearer(directory.token)).expect(200);
    });

    it("a paused directory's tokens answer 401 and it gets none; resumed, both work again", async () => {
      const dir = await createDirectory(admin, 'Paused later');
      const client = await mintClient(dir.id);
      const token = await accessToken(client);
      await t.http.patch(`/api/v1/directories/${dir.id}`).set(bearer(admin)).send({ status: 'paused' }).expect(200);
      expect((await t.http.get(LOOKUP).set(bearer(token))).status).toBe(401);
      expectInvalidClient(await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret })));
      await t.http.patch(`/api/v1/directories/${dir.id}`).set(bearer(admin)).send({ status: 'active' }).expect(200);
      await t.http.get(LOOKUP).set(bearer(token)).expect(200);
      await accessToken(client);
    });

    it("a deleted directory's clients and tokens stop working", async () => {
      const dir = await createDirectory(admin, 'Deleted later');
      const client = await mintClient(dir.id);
      const token = await accessToken(client);
      await t.http.get(LOOKUP).set(bearer(token)).expect(200);
      await t.http.delete(`/api/v1/directories/${dir.id}`).set(bearer(admin)).expect(204);
      expect((await t.http.get(LOOKUP).set(bearer(token))).status).toBe(401);
      expectInvalidClient(await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret })));
    });

    it("a token sees only its own organisation's people", async () => {
      const otherAdmin = (await t.setupOrganization('Second OAuth org')).adminToken;
      const otherDir = await createDirectory(otherAdmin, 'Fabrikam Entra ID');
      const mine = await accessToken(await mintClient());
      const theirs = await accessToken(await mintClient(otherDir.id, otherAdmin));
      await t.http
        .post('/scim/v2/Users')
        .set(bearer(mine))
        .send({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'bounded@example.test',
          emails: [{ type: 'work', value: 'bounded@example.test', primary: true }],
        })
        .expect(201);
      const filter = '/scim/v2/Users?filter=userName+eq+%22bounded%40example.test%22';
      expect((await t.http.get(filter).set(bearer(theirs)).expect(200)).body.totalResults).toBe(0);
      expect((await t.http.get(filter).set(bearer(mine)).expect(200)).body.totalResults).toBe(1);
    });
  });

  it('a failing lookup is a server error, never 401 invalid_client or invalid_token', async () => {
    const client = await mintClient();
    const token = await accessToken(client);
    const ds = t.app.get(DataSource);
    const rename = (from: string, to: string) => ds.query(`ALTER TABLE ${from} RENAME TO ${to}`);
    await rename('oauth_access_tokens', 'oauth_access_tokens_away');
    try {
      const scim = await t.http.get(LOOKUP).set(bearer(token));
      expect(scim.status).toBeGreaterThanOrEqual(500);
      const issued = await tokenRequest(formOf({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }));
      expect(issued.status).toBeGreaterThanOrEqual(500);
      expect(issued.body.error).toMatch(/^(server_error|temporarily_unavailable)$/);
      expect(issued.headers['cache-control']).toBe('no-store');
    } finally {
      await rename('oauth_access_tokens_away', 'oauth_access_tokens');
    }
    // Positive control: with the table back, the same token works.
    await t.http.get(LOOKUP).set(bearer(token)).expect(200);
  });

  it('never stores or logs a client secret or an access token in clear', async () => {
    await accessToken(await mintClient());
    const dump = await dumpDatabase(t.db, t.app.get(DataSource));
    const logs = t.logs.text();
    const secrets = [...t.secrets].filter((s) => s.startsWith('ocs_') || s.startsWith('oat_'));
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of t.secrets) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    // Positive control: the dump holds the hashes, and the logs the token endpoint's requests.
    expect(dump).toContain(hashToken(secrets[0]));
    expect(logs).toContain('/oauth/token');
  });
});

describe('OAuth access token lifetime', () => {
  it('follows OAUTH_ACCESS_TOKEN_MINUTES', async () => {
    const t = await startTestApp(testEngines()[0], (c) => ({ ...c, oauth: { accessTokenMinutes: 360 } }));
    try {
      const admin = (await t.setupOrganization('Lifetime org')).adminToken;
      const dir = await t.http.post('/api/v1/directories').set(bearer(admin)).send({ name: 'Lifetime' }).expect(201);
      const client = await t.http.post(`/api/v1/directories/${dir.body.id}/oauth-clients`).set(bearer(admin)).send({ name: 'c' }).expect(201);
      const res = await t.http
        .post('/oauth/token')
        .set('content-type', FORM)
        .send(new URLSearchParams({ grant_type: 'client_credentials', client_id: client.body.clientId, client_secret: client.body.clientSecret }).toString())
        .expect(200);
      expect(res.body.expires_in).toBe(360 * 60);
      const ds = t.app.get(DataSource);
      const [row] = await ds.query('SELECT created_at AS createdAt, expires_at AS expiresAt FROM oauth_access_tokens');
      expect(new Date(row.expiresAt).getTime() - new Date(row.createdAt).getTime()).toBe(360 * 60_000);
    } finally {
      await t.close();
    }
  });
});
