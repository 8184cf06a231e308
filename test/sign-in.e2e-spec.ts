import { dateParam } from '@app/database';
import { activePerson, nthMailTo, PASSWORD, signIn, startWithMail, tokenOf } from './support/people';
import { testEngines } from './support/databases';
import { expectStatus, Harness, Json, OrgHandle } from './support/scim';
import { SmtpListener, startSmtpListener } from './support/smtp';

const LIMITS = { perAccount: 3, perIp: 8, windowMs: 15 * 60_000 };

/**
 * Issue #5 §5: sign-in with an expiring session, /me for everyone, admins on the admin API with
 * a session, API-token self-service, and failed sign-ins limited per account and per client
 * address in the database (so replicas share the count and concurrency cannot cheat it).
 */
describe.each(testEngines())('sign-in on %s', (engine) => {
  let smtp: SmtpListener;
  let h: Harness;
  let org: OrgHandle;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    // Behind a proxy the client address comes from X-Forwarded-For: tests act as many clients.
    h = await startWithMail(engine, smtp.url, (c) => ({ ...c, trustProxy: true, loginLimits: LIMITS }));
    org = await h.organization('Sign-in org');
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  let clients = 0;
  /** A request from its own client address, so per-address limits only count what a test meant. */
  const from = (ip: string) => ({
    login: (body: Json) => h.t.http.post('/api/v1/auth/login').set('x-forwarded-for', ip).send(body),
  });
  const freshClient = () => from(`10.0.${Math.floor(++clients / 250)}.${clients % 250}`);
  const admin = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: Json) => h.send(method, path, org.adminToken, body);

  it('wrong password and unknown email answer alike; uninvited and invited people cannot sign in', async () => {
    const { id } = await activePerson(org, smtp, 'alike@example.test');
    const client = freshClient();
    const wrong = await client.login({ email: 'alike@example.test', password: 'not the password' });
    const unknown = await client.login({ email: 'nobody@example.test', password: 'not the password' });
    expect([wrong.status, wrong.body]).toEqual([401, { statusCode: 401, error: 'Unauthorized', message: 'Email or password is incorrect', code: 'INVALID_CREDENTIALS' }]);
    expect([unknown.status, unknown.body]).toEqual([wrong.status, wrong.body]);

    const invited = expectStatus(await admin('post', '/api/v1/users', { email: 'pending@example.test' }), 201).body;
    expectStatus(await admin('post', `/api/v1/users/${invited.id}/invitation`), 201);
    expect((await freshClient().login({ email: 'pending@example.test', password: PASSWORD })).status).toBe(401);
    expect((await org.user(id)).status).toBe('active');
  });

  it('a session opens /me, expires, ends at sign-out, and stops working when the person is archived', async () => {
    const { id, session } = await activePerson(org, smtp, 'session@example.test', { firstName: 'Sess' });
    expect(expectStatus(await h.send('get', '/api/v1/me', session), 200).body).toMatchObject({ id, firstName: 'Sess', status: 'active' });
    const login = expectStatus(await freshClient().login({ email: 'session@example.test', password: PASSWORD }), 200).body;
    h.t.secrets.add(login.token);
    const hours = (Date.parse(login.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);

    expectStatus(await h.send('post', '/api/v1/auth/logout', session), 204);
    expect((await h.send('get', '/api/v1/me', session)).status).toBe(401);
    expectStatus(await h.send('get', '/api/v1/me', login.token), 200); // other sessions live on

    await h.dataSource.query('UPDATE sessions SET expires_at = ? WHERE user_id = ?', [dateParam(h.dataSource, new Date(Date.now() - 1000)), id]);
    expect((await h.send('get', '/api/v1/me', login.token)).status).toBe(401);

    const again = await signIn(h, 'session@example.test');
    expectStatus(await admin('post', `/api/v1/users/${id}/archive`), 200);
    expect((await h.send('get', '/api/v1/me', again)).status).toBe(401);
    expect((await freshClient().login({ email: 'session@example.test', password: PASSWORD })).status).toBe(401);
  });

  it('an admin signed in with a session uses the admin API and mints, lists and revokes their own API tokens', async () => {
    const { id, session } = await activePerson(org, smtp, 'new.admin@example.test');
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);
    expectStatus(await admin('patch', `/api/v1/users/${id}`, { isAdmin: true }), 200);
    expectStatus(await h.send('get', '/api/v1/users', session), 200);
    expect(expectStatus(await h.send('get', '/api/v1/me', session), 200).body.isAdmin).toBe(true);

    const minted = expectStatus(await h.send('post', '/api/v1/api-tokens', session, { name: 'Export job', expiresInDays: 30 }), 201).body;
    h.t.secrets.add(minted.token);
    expect(minted).toMatchObject({ name: 'Export job', token: expect.stringMatching(/^adm_/), revokedAt: null });
    expect(minted.token.startsWith(minted.prefix)).toBe(true);
    expectStatus(await h.send('get', '/api/v1/directories', minted.token), 200);
    const listed = expectStatus(await h.send('get', '/api/v1/api-tokens', minted.token), 200).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: minted.id, name: 'Export job' })]);
    expect(JSON.stringify(listed)).not.toContain(minted.token);

    // The first admin's tokens are theirs: this admin can neither see nor revoke them.
    const [setupToken] = expectStatus(await admin('get', '/api/v1/api-tokens'), 200).body.items;
    expect((await h.send('delete', `/api/v1/api-tokens/${setupToken.id}`, session)).body.code).toBe('API_TOKEN_NOT_FOUND');
    expectStatus(await admin('get', '/api/v1/users'), 200);

    expectStatus(await h.send('delete', `/api/v1/api-tokens/${minted.id}`, session), 204);
    expect((await h.send('get', '/api/v1/directories', minted.token)).status).toBe(401);
    expect(expectStatus(await h.send('get', '/api/v1/api-tokens', session), 200).body.items[0].revokedAt).toEqual(expect.any(String));

    // Demoted: the session stays a session, but not an admin's; a token minted earlier stops too.
    const second = expectStatus(await h.send('post', '/api/v1/api-tokens', session, { name: 'Second' }), 201).body.token;
    h.t.secrets.add(second);
    expectStatus(await admin('patch', `/api/v1/users/${id}`, { isAdmin: false }), 200);
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);
    expect((await h.send('get', '/api/v1/users', second)).status).toBe(401);
    expectStatus(await h.send('get', '/api/v1/me', session), 200);
  });

  it('the first admin (made by setup, active without a password) can invite themselves to set one and sign in', async () => {
    const me = await org.user(org.adminUserId);
    expect(expectStatus(await admin('post', `/api/v1/users/${org.adminUserId}/invitation`), 201).body.resent).toBe(false);
    const mail = await nthMailTo(smtp, me.email, 1);
    expectStatus(await h.send('post', '/api/v1/invitations/accept', '', { token: tokenOf(mail), password: PASSWORD }), 200);
    const session = await signIn(h, me.email);
    expectStatus(await h.send('get', '/api/v1/directories', session), 200);
    // Having a password now, they have joined: a further invitation is refused.
    expect((await admin('post', `/api/v1/users/${org.adminUserId}/invitation`)).body.code).toBe('USER_ALREADY_ACTIVE');
  });

  it('limits failed sign-ins per account: the next attempt is 429 with Retry-After, even with the right password', async () => {
    await activePerson(org, smtp, 'target@example.test');
    for (let i = 0; i < LIMITS.perAccount; i++) {
      expect((await freshClient().login({ email: 'target@example.test', password: `guess ${i}` })).status).toBe(401);
    }
    const blocked = await freshClient().login({ email: 'TARGET@example.test', password: PASSWORD });
    expect([blocked.status, blocked.body.code]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LIMITS.windowMs / 1000);
    // Other accounts are not affected.
    await signIn(h, 'alike@example.test');

    // Once the failures are older than the window, the right password works again and clears them.
    await h.dataSource.query('UPDATE login_failures SET at = ?', [dateParam(h.dataSource, new Date(Date.now() - LIMITS.windowMs - 1000))]);
    expectStatus(await freshClient().login({ email: 'target@example.test', password: PASSWORD }), 200);
  });

  it('concurrent guesses cannot get past the account limit', async () => {
    await activePerson(org, smtp, 'burst@example.test');
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => freshClient().login({ email: 'burst@example.test', password: `guess ${i}` })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    // However the burst interleaved, at most perAccount passwords were checked in the window: the
    // burst and the guesses after it together get exactly perAccount 401s, then only 429s.
    for (let i = 0; i < LIMITS.perAccount + 2; i++) {
      statuses.push((await freshClient().login({ email: 'burst@example.test', password: `late guess ${i}` })).status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMITS.perAccount);
    expect((await freshClient().login({ email: 'burst@example.test', password: PASSWORD })).status).toBe(429);
  });

  it('limits failed sign-ins per client address across accounts', async () => {
    const client = freshClient();
    for (let i = 0; i < LIMITS.perIp; i++) {
      expect((await client.login({ email: `spray${i}@example.test`, password: 'Winter2026!' })).status).toBe(401);
    }
    expect((await client.login({ email: 'alike@example.test', password: PASSWORD })).status).toBe(429);
    expectStatus(await freshClient().login({ email: 'alike@example.test', password: PASSWORD }), 200);
  });

  it('keeps no email or address in the failure ledger, and never answered 5xx', async () => {
    const ledger = JSON.stringify(await h.dataSource.query('SELECT * FROM login_failures'));
    expect(ledger).not.toMatch(/example\.test|10\.0\./);
    expect(ledger).toMatch(/[0-9a-f]{64}/);
    expect(h.serverErrors()).toEqual([]);
  });
});
