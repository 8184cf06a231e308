import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { bearer } from './support/scim-client';
import { testEngines } from './support/databases';
import { dumpDatabase } from './support/dump';

const AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';
const LOOKUP = '/scim/v2/Users?filter=userName+eq+%22nobody%40example.test%22';
const BEARER_REFUSED = 'Bearer realm="scim", error="invalid_token"';

/**
 * A tenant's key server on loopback: `/{tid}/discovery/v2.0/keys` serves the JWKS of the tenants
 * it knows, and answers 500 for a tenant marked broken (an outage of the identity provider).
 */
class KeyServer {
  readonly keys = new Map<string, JWK[]>();
  readonly broken = new Set<string>();
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const tid = /^\/([0-9a-f-]{36})\/discovery\/v2\.0\/keys$/.exec(req.url ?? '')?.[1];
      if (tid && this.broken.has(tid)) {
        res.writeHead(500).end();
      } else if (tid && this.keys.has(tid)) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys.get(tid) }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Signer {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function signer(kid: string = randomUUID()): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/**
 * Issue #12 §5: with `entraTenantId` set, SCIM also accepts a JWT Entra issued for that tenant
 * (issuer https://sts.windows.net/{tid}/, audience 8adf8e6e-…, RS256), verified against the
 * tenant's keys. The keys here are made in the test and served on loopback.
 */
describe.each(testEngines())('Entra-issued tokens on %s', (engine) => {
  const keyServer = new KeyServer();
  let t: TestApp;
  let admin: string;
  let directory: { id: string; token: string };
  let key: Signer;
  let psKey: Signer;
  const TENANT = randomUUID();
  const APP = randomUUID();

  beforeAll(async () => {
    const url = await keyServer.start();
    key = await signer();
    const ps = await generateKeyPair('PS256');
    const psKid = randomUUID();
    psKey = { kid: psKid, privateKey: ps.privateKey, publicJwk: { ...(await exportJWK(ps.publicKey)), kid: psKid, alg: 'PS256', use: 'sig' } };
    // Published from the start, so only the algorithm rule can refuse a PS256 token.
    keyServer.keys.set(TENANT, [key.publicJwk, psKey.publicJwk]);
    t = await startTestApp(engine, (c) => ({ ...c, entra: { authorityUrl: url } }));
    admin = (await t.setupOrganization('Entra org')).adminToken;
    directory = await createDirectory('Contoso Entra ID');
    await setTenant(directory.id, TENANT).expect(200);
  });

  afterAll(async () => {
    await t?.close();
    await keyServer.close();
  });

  async function createDirectory(name: string, token = admin): Promise<{ id: string; token: string }> {
    const res = await t.http.post('/api/v1/directories').set(bearer(token)).send({ name }).expect(201);
    t.secrets.add(res.body.token);
    return res.body;
  }

  const setTenant = (id: string, entraTenantId: string | null, token = admin) =>
    t.http.patch(`/api/v1/directories/${id}`).set(bearer(token)).send({ entraTenantId });

  interface Claims {
    tid?: string;
    iss?: string;
    aud?: string;
    exp?: number | null;
    nbf?: number;
    with?: Signer;
    alg?: string;
  }

  /** A token as Entra issues it for the provisioning service; each field can be made wrong. */
  async function entraToken(c: Claims = {}): Promise<string> {
    const tid = c.tid ?? TENANT;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ tid, appid: APP, oid: randomUUID() })
      .setProtectedHeader({ alg: c.alg ?? 'RS256', kid: (c.with ?? key).kid, typ: 'JWT' })
      .setIssuer(c.iss ?? `https://sts.windows.net/${tid}/`)
      .setAudience(c.aud ?? AUDIENCE)
      .setIssuedAt(now - 60)
      .setNotBefore(c.nbf ?? now - 60);
    if (c.exp !== null) jwt.setExpirationTime(c.exp ?? now + 3600);
    const token = await jwt.sign((c.with ?? key).privateKey);
    t.secrets.add(token);
    return token;
  }

  const expectRefused = async (token: string): Promise<void> => {
    const res = await t.http.get(LOOKUP).set(bearer(token));
    expect([res.status, res.headers['www-authenticate']]).toEqual([401, BEARER_REFUSED]);
  };

  it('accepts a token of the tenant for the provisioning audience, and SCIM writes land in the directory', async () => {
    await t.http
      .get(LOOKUP)
      .set(bearer(await entraToken()))
      .expect(200);
    const created = await t.http
      .post('/scim/v2/Users')
      .set(bearer(await entraToken()))
      .send({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'entra.user@example.test',
        emails: [{ type: 'work', value: 'entra.user@example.test', primary: true }],
      });
    expect(created.status).toBe(201);
    const users = await t.http.get('/api/v1/users?q=entra.user').set(bearer(admin)).expect(200);
    expect(users.body.items.map((u: { directoryId: string }) => u.directoryId)).toEqual([directory.id]);
    const dir = await t.http.get(`/api/v1/directories/${directory.id}`).set(bearer(admin)).expect(200);
    expect(dir.body.entraTenantId).toBe(TENANT);
  });

  it('the scim_ secret of the directory still works beside it', async () => {
    await t.http.get(LOOKUP).set(bearer(directory.token)).expect(200);
  });

  it('refuses a wrong issuer', async () => {
    await expectRefused(await entraToken({ iss: `https://sts.windows.net/${randomUUID()}/` }));
    await expectRefused(await entraToken({ iss: `https://login.microsoftonline.com/${TENANT}/v2.0` }));
  });

  it('refuses a wrong audience', async () => {
    await expectRefused(await entraToken({ aud: randomUUID() }));
  });

  it('refuses a tenant no directory accepts, even with keys of its own', async () => {
    const other = randomUUID();
    keyServer.keys.set(other, [key.publicJwk]);
    await expectRefused(await entraToken({ tid: other }));
  });

  it('refuses an expired token, one without exp, and one not yet valid', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await entraToken({ exp: now - 3600 }));
    await expectRefused(await entraToken({ exp: null }));
    await expectRefused(await entraToken({ nbf: now + 3600 }));
  });

  it('refuses a bad signature: a key the tenant does not publish, under a published or an unknown key id', async () => {
    const impostor = await signer(key.kid);
    await expectRefused(await entraToken({ with: impostor }));
    await expectRefused(await entraToken({ with: await signer() }));
    // Positive control, same moment: the tenant's own key passes.
    await t.http
      .get(LOOKUP)
      .set(bearer(await entraToken()))
      .expect(200);
  });

  it('refuses another algorithm than RS256, even with a key the tenant publishes for it', async () => {
    await expectRefused(await entraToken({ with: psKey, alg: 'PS256' }));
  });

  it('refuses a token whose tid claim differs from the tenant of its issuer', async () => {
    const other = randomUUID();
    const directoryOfOther = await createDirectory('Other tenant');
    await setTenant(directoryOfOther.id, other).expect(200);
    keyServer.keys.set(other, [key.publicJwk]);
    // tid says the configured tenant, the issuer says another one.
    await expectRefused(await entraToken({ tid: TENANT, iss: `https://sts.windows.net/${other}/` }));
    await t.http
      .get(LOOKUP)
      .set(bearer(await entraToken({ tid: other })))
      .expect(200);
  });

  it('a directory without entraTenantId refuses Entra tokens; turning it off takes effect on the next request', async () => {
    const tenant = randomUUID();
    keyServer.keys.set(tenant, [key.publicJwk]);
    const dir = await createDirectory('Opt-in later');
    await expectRefused(await entraToken({ tid: tenant }));
    await setTenant(dir.id, tenant).expect(200);
    await t.http
      .get(LOOKUP)
      .set(bearer(await entraToken({ tid: tenant })))
      .expect(200);
    await setTenant(dir.id, null).expect(200);
    await expectRefused(await entraToken({ tid: tenant }));
    // Its scim_ secret is not affected.
    await t.http.get(LOOKUP).set(bearer(dir.token)).expect(200);
  });

  it("a paused directory refuses its tenant's tokens", async () => {
    const tenant = randomUUID();
    keyServer.keys.set(tenant, [key.publicJwk]);
    const dir = await createDirectory('Paused Entra');
    await setTenant(dir.id, tenant).expect(200);
    const token = await entraToken({ tid: tenant });
    await t.http.get(LOOKUP).set(bearer(token)).expect(200);
    await t.http.patch(`/api/v1/directories/${dir.id}`).set(bearer(admin)).send({ status: 'paused' }).expect(200);
    await expectRefused(token);
  });

  it('entraTenantId must be a GUID, and one directory per tenant (409); a deleted directory lets its tenant go', async () => {
    const dir = await createDirectory('Validation');
    for (const bad of ['contoso.onmicrosoft.com', '', 'not-a-guid', 42]) {
      const res = await t.http.patch(`/api/v1/directories/${dir.id}`).set(bearer(admin)).send({ entraTenantId: bad });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const taken = await setTenant(dir.id, TENANT.toUpperCase());
    expect([taken.status, taken.body.code]).toEqual([409, 'ENTRA_TENANT_TAKEN']);
    // Another organisation cannot claim it either.
    const otherAdmin = (await t.setupOrganization('Squatter org')).adminToken;
    const squatter = await createDirectory('Squatter', otherAdmin);
    expect((await setTenant(squatter.id, TENANT, otherAdmin)).status).toBe(409);
    // Deleting a directory frees its tenant.
    const tenant = randomUUID();
    const first = await createDirectory('First holder');
    await setTenant(first.id, tenant).expect(200);
    await t.http.delete(`/api/v1/directories/${first.id}`).set(bearer(admin)).expect(204);
    const second = await setTenant(dir.id, tenant.toUpperCase()).expect(200);
    expect(second.body.entraTenantId).toBe(tenant);
  });

  it("a key server that fails is not the client's fault: 503, not 401", async () => {
    const tenant = randomUUID();
    keyServer.broken.add(tenant);
    const dir = await createDirectory('Outage');
    await setTenant(dir.id, tenant).expect(200);
    const res = await t.http.get(LOOKUP).set(bearer(await entraToken({ tid: tenant })));
    expect(res.status).toBe(503);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  it('never logs or stores an Entra token; a failing key server is logged by its cause alone', async () => {
    const tokens = [...t.secrets].filter((s) => s.split('.').length === 3);
    expect(tokens.length).toBeGreaterThan(10);
    const logs = t.logs.text();
    const dump = await dumpDatabase(t.db, t.app.get(DataSource));
    for (const token of t.secrets) {
      expect(logs).not.toContain(token);
      expect(dump).not.toContain(token);
    }
    expect(logs).toContain('/scim/v2/Users');
    expect(logs).toContain('Entra signing keys unavailable');
  });
});
