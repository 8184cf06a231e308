import { randomBytes, randomUUID } from 'node:crypto';
import { testEngines } from './support/databases';
import { Browser, startProvider, TestProvider } from './support/oidc';
import { startWithMail } from './support/people';
import { OrgHandle, PUBLIC_URL, TestApp } from './support/app';
import { expectStatus, Json } from './support/scim-client';
import { SmtpListener, startSmtpListener } from './support/smtp';

const CLIENT_ID = 'people-directory';
const CLIENT_SECRET = `client-secret-${randomBytes(12).toString('hex')}`;
const TENANT = randomUUID();
const LIMITS = { perAccount: 3, perIp: 6, perAccountAnyAddress: 10, windowMs: 15 * 60_000 };

/**
 * The single sign-on routes anyone can call are limited like password sign-in (LoginLimiter, in
 * the database so replicas share the counts): a refused start (an email no organisation with
 * single sign-on knows: the way to sweep addresses) and a wrong one-time code are failures of the
 * address, the start's also of the email or organisation asked for. Over a limit: 429
 * TOO_MANY_LOGIN_ATTEMPTS with Retry-After (a page for the start, a navigation; JSON for the
 * exchange). Successful starts and exchanges are not counted.
 */
describe.each(testEngines())('single sign-on limits on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;
  let org: OrgHandle;
  let idp: TestProvider;
  let address = 0;
  /** A client address of its own (TRUST_PROXY=1: the balancer's X-Forwarded-For entry). */
  const freshAddress = (): string => `203.0.113.${++address}`;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    idp = await startProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${PUBLIC_URL}/api/v1/auth/sso/callback` });
    h = await startWithMail(engine, smtp.url, (c) => ({
      ...c,
      trustProxy: 1,
      loginLimits: LIMITS,
      sso: { ...c.sso, allowHttp: true },
      secrets: { key: randomBytes(32), keyFile: '/nonexistent/unused' },
    }));
    h.secrets.add(CLIENT_SECRET);
    org = await h.organization('SSO limits org');
    expectStatus(
      await h.send('put', '/api/v1/sso', org.adminToken, {
        issuer: idp.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        allowedTenantIds: [TENANT],
        enabled: true,
      }),
      200,
    );
  });

  afterAll(async () => {
    await h?.close();
    await idp?.stop();
    await smtp?.close();
  });

  const start = (query: string, ip: string) => h.http.get(`/api/v1/auth/sso/start?${query}`).set('x-forwarded-for', ip).redirects(0);
  const exchange = (code: string, ip: string) => h.http.post('/api/v1/auth/sso/exchange').set('x-forwarded-for', ip).send({ code });
  const pageCode = (text: string): string | undefined => /<code>([A-Z_]+)<\/code>/.exec(text)?.[1];

  /** A one-time code of a real sign-in of an invited person (the browser's own address: loopback). */
  async function oneTimeCode(email: string): Promise<string> {
    const person = expectStatus(await h.send('post', '/api/v1/users', org.adminToken, { email }), 201).body;
    expectStatus(await h.send('post', `/api/v1/users/${person.id}/invitation`, org.adminToken), 201);
    const login = email.split('@')[0];
    await idp.setAccounts({ [login]: { tid: TENANT, oid: randomUUID(), email, xms_edov: true, name: login } });
    const browser = new Browser(h.http, idp.issuer);
    const started = await browser.request(`/api/v1/auth/sso/start?organizationId=${org.id}`);
    expect(started.status).toBe(302);
    const back = await browser.signInAtProvider(started.location!, login);
    const callback = await browser.request(back);
    expect(callback.status).toBe(302);
    const code = new URL(callback.location!).searchParams.get('code')!;
    h.secrets.add(code);
    return code;
  }

  it('refused starts from one address: 429 with Retry-After after the per-address limit; other addresses are not affected', async () => {
    const ip = freshAddress();
    for (let i = 0; i < LIMITS.perIp; i++) {
      const miss = await start(`email=nobody-${i}@limits.test`, ip);
      expect([miss.status, pageCode(miss.text)]).toEqual([404, 'SSO_NOT_CONFIGURED']);
    }
    const blocked = await start('email=nobody-else@limits.test', ip);
    expect([blocked.status, pageCode(blocked.text)]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
    expect(blocked.headers['content-type']).toMatch(/^text\/html/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Refused before any lookup: even a start that would work.
    expect((await start(`organizationId=${org.id}`, ip)).status).toBe(429);
    // Another address is not affected.
    const other = freshAddress();
    expect(pageCode((await start('email=nobody-else@limits.test', other)).text)).toBe('SSO_NOT_CONFIGURED');
    expect((await start(`organizationId=${org.id}`, other)).status).toBe(302);
  });

  it('refused starts for one email from one address: 429 after the per-account limit, while other emails from there still answer', async () => {
    const ip = freshAddress();
    for (let i = 0; i < LIMITS.perAccount; i++) expect((await start('email=probed@limits.test', ip)).status).toBe(404);
    const blocked = await start('email=PROBED@limits.test', ip);
    expect([blocked.status, pageCode(blocked.text)]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await start('email=someone-else@limits.test', ip)).status).toBe(404);
  });

  it('successful starts are not counted: more than the per-address limit of them all redirect', async () => {
    const ip = freshAddress();
    for (let i = 0; i < LIMITS.perIp + 2; i++) {
      const res = await start(`organizationId=${org.id}`, ip);
      expect([res.status, new URL(res.headers.location).origin]).toEqual([302, new URL(idp.issuer).origin]);
    }
  });

  it('wrong one-time codes count against the address: 429 TOO_MANY_LOGIN_ATTEMPTS with Retry-After, even for a good code; elsewhere the good code works once', async () => {
    const code = await oneTimeCode('ada.limits@example.test');
    const ip = freshAddress();
    for (let i = 0; i < LIMITS.perIp; i++) {
      const wrong = await exchange(i % 2 === 0 ? `ssoc_${randomBytes(32).toString('base64url')}` : 'not-a-code', ip);
      expect([wrong.status, wrong.body.code]).toEqual([400, 'SSO_CODE_INVALID']);
    }
    const blocked = await exchange(code, ip);
    expect([blocked.status, blocked.body.code]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The refusal did not spend the code: from another address it still works, once.
    const other = freshAddress();
    const session = expectStatus(await exchange(code, other), 200).body as Json;
    h.secrets.add(session.token as string);
    expect((session.user as Json).email).toBe('ada.limits@example.test');
    expect((await exchange(code, other)).body.code).toBe('SSO_CODE_INVALID');
  });

  it('a good exchange is not counted: the address keeps its whole allowance of wrong codes', async () => {
    const ip = freshAddress();
    h.secrets.add(expectStatus(await exchange(await oneTimeCode('grace.limits@example.test'), ip), 200).body.token);
    for (let i = 0; i < LIMITS.perIp; i++) expect((await exchange('not-a-code', ip)).status).toBe(400);
    expect((await exchange('not-a-code', ip)).status).toBe(429);
  });
});
