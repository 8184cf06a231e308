import { randomUUID } from 'node:crypto';
import { dateParam } from '@app/database';
import { PRUNE_BATCH } from '../apps/api/src/credentials/login-limiter.service';
import { activePerson, nthMailTo, PASSWORD, signIn, tokenOf } from './support/people';
import { testEngines } from './support/databases';
import { OrgHandle, TestApp } from './support/app';
import { expectStatus, Json } from './support/scim-client';
import { MailApp, startMailApp } from './support/mail-app';
import type { SmtpListener } from './support/smtp';

const LIMITS = { perAccount: 3, perIp: 8, perAccountAnyAddress: 12, windowMs: 15 * 60_000 };

/**
 * Issue #5 §5: sign-in with an expiring session, /me for everyone, admins on the admin API with
 * a session, API-token self-service, and failed sign-ins limited in the database (so replicas
 * share the count and concurrency cannot cheat it). Issue #9: the limits are per account from one
 * address, per address, and per account from all addresses with a far higher ceiling; the client
 * address is the one a hop-count TRUST_PROXY trusts; the ledger is swept by age.
 */
describe.each(testEngines())('sign-in on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;
  let org: OrgHandle;

  let mail: MailApp;

  beforeAll(async () => {
    // Behind one balancer (TRUST_PROXY=1) the client address is the last X-Forwarded-For entry,
    // the one the balancer appended: tests act as many clients by setting it.
    mail = await startMailApp(engine, (c) => ({ ...c, trustProxy: 1, loginLimits: LIMITS }));
    ({ smtp, h } = mail);
    org = await h.organization('Sign-in org');
  });

  afterAll(async () => mail?.close());

  let clients = 0;
  /** A request from its own client address, so per-address limits only count what a test meant. */
  const from = (ip: string) => ({
    login: (body: Json) => h.http.post('/api/v1/auth/login').set('x-forwarded-for', ip).send(body),
  });
  const freshClient = () => from(`10.0.${Math.floor(++clients / 250)}.${clients % 250}`);
  const admin = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: Json) => h.send(method, path, org.adminToken, body);
  /** As if the window had passed for every failure on record. */
  const ageEveryFailure = () =>
    h.dataSource.query('UPDATE login_failures SET at = ?', [dateParam(h.dataSource, new Date(Date.now() - LIMITS.windowMs - 1000))]);

  it('wrong password and unknown email answer alike; uninvited and invited people cannot sign in', async () => {
    const { id } = await activePerson(org, smtp, 'alike@example.test');
    const client = freshClient();
    const wrong = await client.login({ email: 'alike@example.test', password: 'not the password' });
    const unknown = await client.login({ email: 'nobody@example.test', password: 'not the password' });
    expect([wrong.status, wrong.body]).toEqual([
      401,
      { statusCode: 401, error: 'Unauthorized', message: 'Email or password is incorrect', code: 'INVALID_CREDENTIALS' },
    ]);
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
    h.secrets.add(login.token);
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
    h.secrets.add(minted.token);
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
    h.secrets.add(second);
    expectStatus(await admin('patch', `/api/v1/users/${id}`, { isAdmin: false }), 200);
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);
    expect((await h.send('get', '/api/v1/users', second)).status).toBe(401);
    expectStatus(await h.send('get', '/api/v1/me', session), 200);
  });

  it('who may hold access (users/access-rule.sql.ts): while suspended, the password, the session and the API token all answer 401; lifted, they work again', async () => {
    const { id, session } = await activePerson(org, smtp, 'held.admin@example.test');
    expectStatus(await admin('patch', `/api/v1/users/${id}`, { isAdmin: true }), 200);
    const token = expectStatus(await h.send('post', '/api/v1/api-tokens', session, { name: 'Held' }), 201).body.token as string;
    h.secrets.add(token);
    // What the mass-deprovisioning guard sets while a removal is pending or held, written here
    // without the lifecycle hooks that also end sessions and tokens: the rule alone must refuse them.
    const suspend = (at: Date | null) => h.dataSource.query('UPDATE users SET suspended_at = ? WHERE id = ?', [at && dateParam(h.dataSource, at), id]);
    await suspend(new Date());
    const client = freshClient();
    expect((await client.login({ email: 'held.admin@example.test', password: PASSWORD })).body.code).toBe('INVALID_CREDENTIALS');
    expect((await h.send('get', '/api/v1/me', session)).status).toBe(401);
    expect((await h.send('get', '/api/v1/directories', token)).status).toBe(401);
    await suspend(null);
    h.secrets.add(expectStatus(await client.login({ email: 'held.admin@example.test', password: PASSWORD }), 200).body.token);
    expectStatus(await h.send('get', '/api/v1/me', session), 200);
    expectStatus(await h.send('get', '/api/v1/directories', token), 200);
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

  it('limits failed sign-ins per account from one address: 429 with Retry-After there, even with the right password; the owner elsewhere still signs in', async () => {
    await activePerson(org, smtp, 'target@example.test');
    const stranger = freshClient();
    for (let i = 0; i < LIMITS.perAccount; i++) {
      expect((await stranger.login({ email: 'target@example.test', password: `guess ${i}` })).status).toBe(401);
    }
    const blocked = await stranger.login({ email: 'TARGET@example.test', password: PASSWORD });
    expect([blocked.status, blocked.body.code]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LIMITS.windowMs / 1000);
    // The stranger's other accounts are not affected from there.
    expectStatus(await stranger.login({ email: 'alike@example.test', password: PASSWORD }), 200);

    // The owner, from another address, is not locked out; their success leaves the stranger blocked.
    expectStatus(await freshClient().login({ email: 'target@example.test', password: PASSWORD }), 200);
    expect((await stranger.login({ email: 'target@example.test', password: PASSWORD })).status).toBe(429);

    // Once the failures are older than the window, the right password works again from there.
    await ageEveryFailure();
    expectStatus(await stranger.login({ email: 'target@example.test', password: PASSWORD }), 200);
  });

  it('a success clears that account’s failures from that address, not the address’s count', async () => {
    await activePerson(org, smtp, 'typo@example.test');
    const client = freshClient();
    for (let i = 0; i < LIMITS.perAccount - 1; i++) {
      expect((await client.login({ email: 'typo@example.test', password: `typo ${i}` })).status).toBe(401);
    }
    expectStatus(await client.login({ email: 'typo@example.test', password: PASSWORD }), 200);
    // The typos before the success are forgotten: a full allowance again, then 429.
    for (let i = 0; i < LIMITS.perAccount; i++) {
      expect((await client.login({ email: 'typo@example.test', password: `later typo ${i}` })).status).toBe(401);
    }
    expect((await client.login({ email: 'typo@example.test', password: PASSWORD })).status).toBe(429);

    // The address has 2 * perAccount - 1 failures on record, the success erased none of them:
    // it reaches perIp after the rest, sprayed on other accounts.
    const failuresSoFar = 2 * LIMITS.perAccount - 1;
    for (let i = failuresSoFar; i < LIMITS.perIp; i++) {
      expect((await client.login({ email: `typo.spray${i}@example.test`, password: 'Winter2026!' })).status).toBe(401);
    }
    expect((await client.login({ email: 'alike@example.test', password: PASSWORD })).status).toBe(429);
  });

  it('a stranger cannot lock a person out cheaply: only failures from many addresses reach the account-wide ceiling', async () => {
    await activePerson(org, smtp, 'owner@example.test');
    const owner = freshClient();
    const strangers = Array.from({ length: LIMITS.perAccountAnyAddress / LIMITS.perAccount }, () => freshClient());
    const fail = async (client: ReturnType<typeof freshClient>, n: number) => {
      for (let i = 0; i < n; i++) expect((await client.login({ email: 'owner@example.test', password: `guess ${i}` })).status).toBe(401);
    };

    // One stranger hammering from one address: after perAccount failures only 429s, which count
    // for nothing, so however long they keep at it the owner signs in.
    await fail(strangers[0], LIMITS.perAccount);
    for (let i = 0; i < LIMITS.perAccountAnyAddress; i++) {
      expect((await strangers[0].login({ email: 'owner@example.test', password: `more ${i}` })).status).toBe(429);
    }
    expectStatus(await owner.login({ email: 'owner@example.test', password: PASSWORD }), 200);

    // All strangers but one reach their pair limit; the owner still signs in, and that success
    // does not wipe the strangers' failures from the account-wide count...
    for (const stranger of strangers.slice(1, -1)) await fail(stranger, LIMITS.perAccount);
    expectStatus(await owner.login({ email: 'owner@example.test', password: PASSWORD }), 200);
    // ...so the last stranger's failures bring the account to its ceiling: then every address waits.
    await fail(strangers[strangers.length - 1], LIMITS.perAccount);
    const blocked = await owner.login({ email: 'owner@example.test', password: PASSWORD });
    expect([blocked.status, blocked.body.code]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await freshClient().login({ email: 'owner@example.test', password: PASSWORD })).status).toBe(429);
    // Other accounts, from the owner's address too, are not affected.
    expectStatus(await owner.login({ email: 'alike@example.test', password: PASSWORD }), 200);

    await ageEveryFailure();
    expectStatus(await owner.login({ email: 'owner@example.test', password: PASSWORD }), 200);
  });

  it('concurrent guesses from one address cannot get past the account limit', async () => {
    await activePerson(org, smtp, 'burst@example.test');
    const client = freshClient();
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => client.login({ email: 'burst@example.test', password: `guess ${i}` })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    // However the burst interleaved, at most perAccount passwords were checked in the window: the
    // burst and the guesses after it together get exactly perAccount 401s, then only 429s.
    for (let i = 0; i < LIMITS.perAccount + 2; i++) {
      statuses.push((await client.login({ email: 'burst@example.test', password: `late guess ${i}` })).status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMITS.perAccount);
    expect((await client.login({ email: 'burst@example.test', password: PASSWORD })).status).toBe(429);
    // Positive control: from elsewhere the owner signs in.
    expectStatus(await freshClient().login({ email: 'burst@example.test', password: PASSWORD }), 200);
  });

  it('concurrent guesses from many addresses cannot get past the account-wide ceiling', async () => {
    await activePerson(org, smtp, 'botnet@example.test');
    const answers = await Promise.all(
      Array.from({ length: LIMITS.perAccountAnyAddress + 5 }, (_, i) => freshClient().login({ email: 'botnet@example.test', password: `guess ${i}` })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    for (let i = 0; i < LIMITS.perAccountAnyAddress + 2; i++) {
      statuses.push((await freshClient().login({ email: 'botnet@example.test', password: `late guess ${i}` })).status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMITS.perAccountAnyAddress);
    expect((await freshClient().login({ email: 'botnet@example.test', password: PASSWORD })).status).toBe(429);
    await ageEveryFailure();
    expectStatus(await freshClient().login({ email: 'botnet@example.test', password: PASSWORD }), 200);
  });

  it('limits failed sign-ins per client address across accounts', async () => {
    const client = freshClient();
    for (let i = 0; i < LIMITS.perIp; i++) {
      expect((await client.login({ email: `spray${i}@example.test`, password: 'Winter2026!' })).status).toBe(401);
    }
    expect((await client.login({ email: 'alike@example.test', password: PASSWORD })).status).toBe(429);
    expectStatus(await freshClient().login({ email: 'alike@example.test', password: PASSWORD }), 200);
  });

  it('with TRUST_PROXY=1 a forged X-Forwarded-For does not reset the pair or address count; another real address is counted apart', async () => {
    await activePerson(org, smtp, 'forged@example.test');
    // The balancer (the test's socket, 127.0.0.1) appends the address it saw to whatever the
    // client sent; the client sends a new forged address every time.
    let forgeries = 0;
    const behindBalancer = (realIp: string) => ({
      login: (body: Json) =>
        h.http
          .post('/api/v1/auth/login')
          .set('x-forwarded-for', `198.51.100.${++forgeries % 250}, ${realIp}`)
          .send(body),
    });
    const stranger = behindBalancer('203.0.113.50');
    const person = behindBalancer('203.0.113.51');

    // The pair: perAccount guesses, then 429 although every request claims a new address.
    for (let i = 0; i < LIMITS.perAccount; i++) {
      expect((await stranger.login({ email: 'forged@example.test', password: `guess ${i}` })).status).toBe(401);
    }
    expect((await stranger.login({ email: 'forged@example.test', password: PASSWORD })).status).toBe(429);
    // Positive control: the person, from their own real address (same kind of forged header), signs in.
    expectStatus(await person.login({ email: 'forged@example.test', password: PASSWORD }), 200);

    // The address: the stranger sprays other accounts up to perIp, then is refused everywhere.
    for (let i = LIMITS.perAccount; i < LIMITS.perIp; i++) {
      expect((await stranger.login({ email: `forged.spray${i}@example.test`, password: 'Winter2026!' })).status).toBe(401);
    }
    expect((await stranger.login({ email: 'alike@example.test', password: PASSWORD })).status).toBe(429);
    // Positive control: another real address is counted apart, forged header and all.
    expectStatus(await person.login({ email: 'alike@example.test', password: PASSWORD }), 200);
    expect((await person.login({ email: `forged.spray0@example.test`, password: 'Winter2026!' })).status).toBe(401);
  });

  it('sweeps expired failures of every key, so a flood of random emails leaves the ledger bounded', async () => {
    const count = async (where = '1 = 1', params: unknown[] = []) =>
      Number((await h.dataSource.query(`SELECT COUNT(*) AS n FROM login_failures WHERE ${where}`, params))[0].n);
    const expiredOnly = () => count('at <= ?', [dateParam(h.dataSource, new Date(Date.now() - LIMITS.windowMs))]);
    // Random emails that never come back: each failure leaves three rows no success ever clears.
    const randomFailure = async () => expect((await freshClient().login({ email: `${randomUUID()}@example.test`, password: 'nope' })).status).toBe(401);

    const flood = 40;
    for (let i = 0; i < flood; i++) await randomFailure();
    // Earlier tests aged every row; the flood's own sweeps removed those, and nothing in the window.
    expect(await expiredOnly()).toBe(0);
    const inWindow = await count();
    expect(inWindow).toBeGreaterThanOrEqual(3 * flood);
    await randomFailure();
    expect(await count()).toBe(inWindow + 3);

    // The window passes for all of them: each further failure sweeps PRUNE_BATCH expired rows,
    // whatever their keys, until only the failures of the current window remain.
    await ageEveryFailure();
    const expired = await count();
    let after = 0;
    while (after * PRUNE_BATCH < expired) {
      await randomFailure();
      after++;
      expect(await count()).toBe(Math.max(expired - after * PRUNE_BATCH, 0) + 3 * after);
    }
    expect(await expiredOnly()).toBe(0);
    expect(await count()).toBe(3 * after);
  });

  it('keeps no email or address in the failure ledger, and never answered 5xx', async () => {
    const ledger = JSON.stringify(await h.dataSource.query('SELECT * FROM login_failures'));
    expect(ledger).not.toMatch(/example\.test|10\.0\.|203\.0\.113|198\.51\.100/);
    expect(ledger).toMatch(/[0-9a-f]{64}/);
    expect(h.serverErrors()).toEqual([]);
  });
});
