import { execFile, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dateParam } from '@app/database';
import { testEngines } from './support/databases';
import { dumpDatabase } from './support/dump';
import { Answer, Browser, startProvider, TestProvider } from './support/oidc';
import { activePerson, nthMailTo, PASSWORD, tokenOf } from './support/people';
import { startWithMail } from './support/people';
import { OrgHandle, TestApp } from './support/app';
import { expectStatus, Json, tutorialUser } from './support/scim-client';
import { SmtpListener, startSmtpListener } from './support/smtp';
import { PUBLIC_URL } from './support/app';
import { PasswordSignInPolicy } from '../apps/api/src/credentials/password-sign-in-policy.service';

const execFileAsync = promisify(execFile);

const CLIENT_ID = 'people-directory';
const CLIENT_SECRET = `client-secret-${randomBytes(12).toString('hex')}`;
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/auth/sso/callback`;
const TENANT = randomUUID();
const OTHER_TENANT = randomUUID();

/** An Entra-like account at the provider: tenant, object id, and a domain-verified email (xms_edov). */
const entraAccount = (email: string, extra: Json = {}): Json => ({
  tid: TENANT,
  oid: randomUUID(),
  email,
  xms_edov: true,
  name: email.split('@')[0],
  ...extra,
});

/**
 * Issue #12 §1-§3, §6, §7: single sign-on against a real OpenID provider (`oidc-provider`, in a
 * child process) through its login and consent forms, driven over HTTP like a browser would.
 */
describe.each(testEngines())('single sign-on on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;
  let org: OrgHandle;
  let idp: TestProvider;
  const accounts: Record<string, Json> = {};

  beforeAll(async () => {
    smtp = await startSmtpListener();
    idp = await startProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });
    h = await startWithMail(engine, smtp.url, (c) => ({
      ...c,
      sso: { ...c.sso, allowHttp: true },
      secrets: { key: randomBytes(32), keyFile: '/nonexistent/unused' },
    }));
    h.secrets.add(CLIENT_SECRET);
    org = await h.organization('SSO org');
  });

  afterAll(async () => {
    await h?.close();
    await idp?.stop();
    await smtp?.close();
  });

  const admin = (method: 'get' | 'put' | 'post' | 'delete', path: string, body?: Json, o = org) => h.send(method, path, o.adminToken, body);
  const ssoConfig = (extra: Json = {}, issuer = idp.issuer): Json => ({
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    allowedTenantIds: [TENANT],
    enabled: true,
    ...extra,
  });

  async function addAccount(login: string, claims: Json): Promise<void> {
    accounts[login] = claims;
    await idp.setAccounts(accounts);
  }

  /** A person an admin created and invited; returns the id and the invitation token. */
  async function invitedPerson(email: string, o = org): Promise<{ id: string; invitation: string }> {
    const person = expectStatus(await admin('post', '/api/v1/users', { email }, o), 201).body;
    expectStatus(await admin('post', `/api/v1/users/${person.id}/invitation`, undefined, o), 201);
    return { id: person.id, invitation: tokenOf(await nthMailTo(smtp, email, 1)) };
  }

  interface Attempt {
    browser: Browser;
    start: Answer;
    callback?: Answer;
    code?: string;
  }

  /** A whole sign-in: start, the provider's forms as `login`, the callback. `tamper` edits URLs on the way. */
  async function signIn(
    login: string,
    opts: { o?: OrgHandle; provider?: TestProvider; tamperAuthorization?: (u: URL) => void; tamperCallback?: (u: URL) => void; browser?: Browser } = {},
  ): Promise<Attempt> {
    const provider = opts.provider ?? idp;
    const browser = opts.browser ?? new Browser(h.http, provider.issuer);
    const start = await browser.request(`/api/v1/auth/sso/start?organizationId=${(opts.o ?? org).id}`);
    if (start.status !== 302) return { browser, start };
    const authorization = new URL(start.location!);
    opts.tamperAuthorization?.(authorization);
    const back = new URL(await browser.signInAtProvider(authorization.href, login));
    h.secrets.add(back.searchParams.get('code') ?? '');
    h.secrets.add(back.searchParams.get('state') ?? '');
    opts.tamperCallback?.(back);
    const callback = await browser.request(back.href);
    const code = callback.status === 302 ? (new URL(callback.location!).searchParams.get('code') ?? undefined) : undefined;
    if (code) h.secrets.add(code);
    return { browser, start, callback, code };
  }

  const exchange = (code: string) => h.send('post', '/api/v1/auth/sso/exchange', '', { code });

  /** The refusal page of a failed callback: its status and stable code. */
  const refusal = (a: Attempt): { status: number; code: string | undefined } => {
    const answer = a.callback ?? a.start;
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    return { status: answer.status, code: /<code>([A-Z_]+)<\/code>/.exec(answer.text)?.[1] };
  };

  describe('configuration (§1)', () => {
    it('is admin-only, validates the issuer, never shows the secret', async () => {
      expect((await admin('get', '/api/v1/sso')).body.code).toBe('SSO_NOT_CONFIGURED');
      expect((await admin('put', '/api/v1/sso', { ...ssoConfig(), clientSecret: undefined })).body.code).toBe('VALIDATION_FAILED');
      expect((await admin('put', '/api/v1/sso', ssoConfig({ allowedTenantIds: ['not-a-guid'] }))).status).toBe(400);
      const template = await admin('put', '/api/v1/sso', ssoConfig({}, 'https://idp.example.test/{tenantid}/v2.0'));
      expect([template.status, template.body.code]).toEqual([400, 'SSO_ISSUER_INVALID']);
      // No discovery document there: refused when saved, not when someone signs in.
      const wrong = await admin('put', '/api/v1/sso', ssoConfig({}, `${idp.issuer}/nothing-here`));
      expect([wrong.status, wrong.body.code]).toEqual([400, 'SSO_ISSUER_INVALID']);

      const saved = expectStatus(await admin('put', '/api/v1/sso', ssoConfig()), 200).body;
      expect(saved).toEqual({
        issuer: idp.issuer,
        clientId: CLIENT_ID,
        clientSecretSet: true,
        allowedTenantIds: [TENANT],
        enabled: true,
        passwordSignIn: 'allowed',
        providerName: 'Microsoft',
        redirectUri: REDIRECT_URI,
        verifiedAt: null,
        updatedAt: expect.any(String),
      });
      expect(expectStatus(await admin('get', '/api/v1/sso'), 200).body).toEqual(saved);
      // Passwords stay on until SSO has worked once.
      const early = await admin('put', '/api/v1/sso', { ...ssoConfig({ passwordSignIn: 'disabled' }), clientSecret: undefined });
      expect([early.status, early.body.code]).toEqual([409, 'SSO_NOT_VERIFIED']);
      expect((await h.send('put', '/api/v1/sso', '', ssoConfig())).status).toBe(401);
    });

    it('http issuers need OIDC_ALLOW_HTTP (this suite sets it; the config test covers the default)', async () => {
      expect(h.config.sso.allowHttp).toBe(true);
    });
  });

  describe('the flow (§2) and who may sign in (§3)', () => {
    it('start redirects to the provider with code, PKCE S256, state and nonce, and binds them to the browser with an HttpOnly cookie', async () => {
      const browser = new Browser(h.http, idp.issuer);
      const start = await browser.request(`/api/v1/auth/sso/start?organizationId=${org.id}`);
      expect(start.status).toBe(302);
      const url = new URL(start.location!);
      expect(url.origin).toBe(idp.issuer);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        code_challenge_method: 'S256',
        code_challenge: expect.stringMatching(/^[\w-]{43}$/),
        state: expect.stringMatching(/^[\w-]{20,}$/),
        nonce: expect.stringMatching(/^[\w-]{20,}$/),
        scope: 'openid profile email',
      });
      const cookie = String(start.headers['set-cookie']);
      expect(cookie).toMatch(/^sso_flow=v1\.[^;]+; Path=\/api\/v1\/auth\/sso; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
      // Sealed: neither the state nor the nonce can be read from it.
      expect(cookie).not.toContain(url.searchParams.get('state'));
      expect(cookie).not.toContain(url.searchParams.get('nonce'));
    });

    it('an invited person signs in for the first time: linked by verified email, the invitation is accepted, the code gives a session', async () => {
      const { id, invitation } = await invitedPerson('first.timer@example.test');
      const claims = entraAccount('First.Timer@example.test');
      await addAccount('first-timer', claims);
      const a = await signIn('first-timer');
      expect(a.callback!.status).toBe(302);
      expect(a.callback!.location).toMatch(new RegExp(`^${PUBLIC_URL}/sso/return\\?code=ssoc_`));
      const session = expectStatus(await exchange(a.code!), 200).body;
      h.secrets.add(session.token);
      expect(session).toMatchObject({ token: expect.stringMatching(/^ses_/), user: { id, status: 'active' } });
      expect(expectStatus(await h.send('get', '/api/v1/me', session.token), 200).body.id).toBe(id);
      // The invitation is used up.
      expect((await h.send('post', '/api/v1/invitations/accept', '', { token: invitation, password: PASSWORD })).body.code).toBe('INVITATION_INVALID');
      // The link is pinned and shown to admins.
      expect(expectStatus(await admin('get', `/api/v1/users/${id}/sso-link`), 200).body).toEqual({
        issuer: idp.issuer,
        tenantId: TENANT,
        subject: claims.oid,
        linkedAt: expect.any(String),
        lastSignInAt: expect.any(String),
      });
      expect(expectStatus(await admin('get', '/api/v1/sso'), 200).body.verifiedAt).not.toBeNull();
    });

    it('a linked person signs in by tenant and object id, even after their email changed at the provider', async () => {
      const { id } = await invitedPerson('linked@example.test');
      const claims = entraAccount('linked@example.test');
      await addAccount('linked', claims);
      expectStatus(await exchange((await signIn('linked')).code!), 200);
      // Email and preferred_username are mutable: a new, unverified address changes nothing.
      await addAccount('linked', { ...claims, email: 'renamed@elsewhere.test', xms_edov: false });
      const again = await signIn('linked');
      expect(expectStatus(await exchange(again.code!), 200).body.user.id).toBe(id);
      const [links] = await h.dataSource.query('SELECT COUNT(*) AS n FROM sso_links WHERE user_id = ?', [id]);
      expect(Number(links.n)).toBe(1);
    });

    it('a person provisioned by SCIM with externalId = objectId is linked by it, without a verified email', async () => {
      const oid = randomUUID();
      const scim = (await org.directory()).scim();
      const created = await scim.create(tutorialUser('scim.person@contoso.test', oid, 'scim.person@contoso.test'));
      expectStatus(await admin('post', `/api/v1/users/${created.id}/invitation`), 201);
      await addAccount('scim-person', entraAccount('someone.else@contoso.test', { oid, xms_edov: false }));
      const a = await signIn('scim-person');
      expect(expectStatus(await exchange(a.code!), 200).body.user.id).toBe(created.id);
    });

    it('refuses people who were not invited, who have no account, or whose email is not verified', async () => {
      await admin('post', '/api/v1/users', { email: 'uninvited@example.test' });
      await addAccount('uninvited', entraAccount('uninvited@example.test'));
      expect(refusal(await signIn('uninvited'))).toEqual({ status: 403, code: 'SSO_NOT_INVITED' });

      await addAccount('stranger', entraAccount('stranger@example.test'));
      expect(refusal(await signIn('stranger'))).toEqual({ status: 403, code: 'SSO_NO_ACCOUNT' });

      await invitedPerson('unverified@example.test');
      await addAccount('unverified', entraAccount('unverified@example.test', { xms_edov: false, email_verified: false }));
      expect(refusal(await signIn('unverified'))).toEqual({ status: 403, code: 'SSO_NO_ACCOUNT' });
      // `email_verified` counts as well as xms_edov.
      await addAccount('unverified', entraAccount('unverified@example.test', { xms_edov: undefined, email_verified: true }));
      expect((await signIn('unverified')).callback!.status).toBe(302);
    });

    it('refuses an archived person, linked or not', async () => {
      const { id } = await invitedPerson('leaver@example.test');
      await addAccount('leaver', entraAccount('leaver@example.test'));
      expectStatus(await exchange((await signIn('leaver')).code!), 200);
      // A code issued before the archive is worthless after it.
      const pending = await signIn('leaver');
      expectStatus(await admin('post', `/api/v1/users/${id}/archive`), 200);
      expect(refusal(await signIn('leaver'))).toEqual({ status: 403, code: 'SSO_ACCOUNT_DISABLED' });
      expect((await exchange(pending.code!)).body.code).toBe('SSO_CODE_INVALID');
    });

    it('refuses a suspended person (a deprovisioning pending or held by the guard), and their earlier code', async () => {
      const { id } = await invitedPerson('pending.leaver@example.test');
      await addAccount('pending-leaver', entraAccount('pending.leaver@example.test'));
      expectStatus(await exchange((await signIn('pending-leaver')).code!), 200);
      const earlier = await signIn('pending-leaver');
      // The state a pending deprovision leaves (test/deprovision-guard drives it through SCIM).
      await h.dataSource.query('UPDATE users SET suspended_at = ? WHERE id = ?', [dateParam(h.dataSource, new Date()), id]);
      expect(refusal(await signIn('pending-leaver'))).toEqual({ status: 403, code: 'SSO_ACCOUNT_DISABLED' });
      expect((await exchange(earlier.code!)).body.code).toBe('SSO_CODE_INVALID');
    });

    it('refuses a tenant that is not allowed, and a token without tid while the list is set', async () => {
      await invitedPerson('guest@example.test');
      await addAccount('guest', entraAccount('guest@example.test', { tid: OTHER_TENANT }));
      expect(refusal(await signIn('guest'))).toEqual({ status: 403, code: 'SSO_TENANT_NOT_ALLOWED' });
      await addAccount('guest', entraAccount('guest@example.test', { tid: undefined }));
      expect(refusal(await signIn('guest'))).toEqual({ status: 403, code: 'SSO_TENANT_NOT_ALLOWED' });
      expect((await h.dataSource.query('SELECT id FROM sso_links WHERE tenant_id = ?', [OTHER_TENANT])).length).toBe(0);
    });

    it('the one-time code works once, and not after 60 seconds', async () => {
      await invitedPerson('replay@example.test');
      await addAccount('replay', entraAccount('replay@example.test'));
      const { code } = await signIn('replay');
      const both = await Promise.all([exchange(code!), exchange(code!)]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
      expect(both.find((r) => r.status === 400)!.body.code).toBe('SSO_CODE_INVALID');
      expect((await exchange(code!)).body.code).toBe('SSO_CODE_INVALID');

      const late = await signIn('replay');
      await h.dataSource.query('UPDATE sso_codes SET expires_at = ? WHERE used_at IS NULL', [dateParam(h.dataSource, new Date(Date.now() - 1000))]);
      expect((await exchange(late.code!)).body.code).toBe('SSO_CODE_INVALID');
      expect((await exchange('ssoc_mistyped')).body.code).toBe('SSO_CODE_INVALID');
    });

    it("refuses a tampered state, a callback in another browser, and the provider's code used twice", async () => {
      await invitedPerson('tamper@example.test');
      await addAccount('tamper', entraAccount('tamper@example.test'));
      const tampered = await signIn('tamper', { tamperCallback: (u) => u.searchParams.set('state', `${u.searchParams.get('state')}x`) });
      expect(refusal(tampered)).toEqual({ status: 400, code: 'SSO_STATE_INVALID' });

      // A callback URL carried to a browser that did not start the attempt (login CSRF) is refused.
      let carried = '';
      await signIn('tamper', { tamperCallback: (u) => void (carried = u.href) });
      const elsewhere = await new Browser(h.http, idp.issuer).request(carried);
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.text).toContain('SSO_STATE_INVALID');

      // Replaying the whole callback with the original cookie: the provider's code is spent.
      let callbackUrl = '';
      let cookie = '';
      const first = await signIn('tamper', {
        tamperCallback: (u) => void (callbackUrl = u.href),
      });
      expect(first.callback!.status).toBe(302);
      cookie = String(first.start.headers['set-cookie']).split(';')[0];
      const replay = await h.http.get(callbackUrl.replace(PUBLIC_URL, '')).set('cookie', cookie).redirects(0);
      expect(replay.status).toBe(400);
      expect(replay.text).toContain('SSO_PROVIDER_ERROR');
    });

    it('refuses an ID token with a nonce other than the one this attempt sent', async () => {
      await invitedPerson('nonce@example.test');
      await addAccount('nonce', entraAccount('nonce@example.test'));
      const before = h.logs.lines.length;
      const a = await signIn('nonce', { tamperAuthorization: (u) => u.searchParams.set('nonce', 'a-nonce-the-service-never-sent') });
      expect(refusal(a)).toEqual({ status: 401, code: 'SSO_ID_TOKEN_INVALID' });
      // For the right reason: openid-client compared the nonce claim (the log names its code, no values).
      expect(h.logs.lines.slice(before).join('\n')).toMatch(/"code":"OAUTH_JWT_CLAIM_COMPARISON_FAILED"/);
    });

    it('refuses an expired ID token (a provider whose clock is two hours behind)', async () => {
      const late = await startProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }, -7200);
      try {
        const other = await h.organization('SSO org with a late provider');
        expectStatus(await admin('put', '/api/v1/sso', ssoConfig({}, late.issuer), other), 200);
        await invitedPerson('late@example.test', other);
        await late.setAccounts({ late: entraAccount('late@example.test') });
        const before = h.logs.lines.length;
        const a = await signIn('late', { o: other, provider: late });
        expect(refusal(a)).toEqual({ status: 401, code: 'SSO_ID_TOKEN_INVALID' });
        expect(h.logs.lines.slice(before).join('\n')).toMatch(/"code":"OAUTH_JWT_TIMESTAMP_CHECK_FAILED"/);
        expect(expectStatus(await admin('get', '/api/v1/sso', undefined, other), 200).body.verifiedAt).toBeNull();
      } finally {
        await late.stop();
      }
    });

    it("an unreachable provider is a 503 page with Retry-After, never the person's fault", async () => {
      const doomed = await startProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });
      const other = await h.organization('SSO org whose provider goes away');
      expectStatus(await admin('put', '/api/v1/sso', ssoConfig({}, doomed.issuer), other), 200);
      await invitedPerson('stranded@example.test', other);
      await doomed.setAccounts({ stranded: entraAccount('stranded@example.test') });
      const browser = new Browser(h.http, doomed.issuer);
      const start = await browser.request(`/api/v1/auth/sso/start?organizationId=${other.id}`);
      const back = await browser.signInAtProvider(start.location!, 'stranded');
      await doomed.stop();
      const callback = await browser.request(back);
      expect(callback.status).toBe(503);
      expect(callback.headers['retry-after']).toBe('30');
      expect(callback.text).toContain('IDENTITY_PROVIDER_UNAVAILABLE');
    });

    it('start by email finds the organisation; unknown emails and organisations without SSO get a page, not a 5xx', async () => {
      await invitedPerson('by.email@example.test');
      const browser = new Browser(h.http, idp.issuer);
      const byEmail = await browser.request('/api/v1/auth/sso/start?email=By.Email%40example.test');
      expect(byEmail.status).toBe(302);
      expect(new URL(byEmail.location!).searchParams.get('login_hint')).toBe('By.Email@example.test');
      const unknown = await browser.request('/api/v1/auth/sso/start?email=nobody%40example.test');
      expect([unknown.status, unknown.text.includes('SSO_NOT_CONFIGURED')]).toEqual([404, true]);
      const plain = await h.organization('No SSO org');
      const none = await browser.request(`/api/v1/auth/sso/start?organizationId=${plain.id}`);
      expect([none.status, none.text.includes('SSO_NOT_CONFIGURED')]).toEqual([404, true]);
      expect((await browser.request('/api/v1/auth/sso/start')).status).toBe(400);
    });
  });

  describe('password sign-in can be turned off once SSO works', () => {
    it('then password sign-in and password invitations are refused; the invitation page offers only SSO', async () => {
      // credentials/ asks the policy; single sign-on registered the rule that can say no.
      expect(h.app.get(PasswordSignInPolicy).registered).toBe('sso');
      const other = await h.organization('SSO-only org');
      expectStatus(await admin('put', '/api/v1/sso', ssoConfig(), other), 200);
      const withPassword = await activePerson(other, smtp, 'pw.user@example.test');
      h.secrets.add(withPassword.session);
      await invitedPerson('sso.first@example.test', other);
      await addAccount('sso-first', entraAccount('sso.first@example.test'));
      expect((await signIn('sso-first', { o: other })).callback!.status).toBe(302);
      const { invitation } = await invitedPerson('sso.only@example.test', other);
      expectStatus(await admin('put', '/api/v1/sso', { ...ssoConfig({ passwordSignIn: 'disabled' }), clientSecret: undefined }, other), 200);
      // Changing the client (a new secret) needs a new successful sign-in before passwords can stay off.
      expect((await admin('put', '/api/v1/sso', ssoConfig({ passwordSignIn: 'disabled', clientSecret: 'another' }), other)).body.code).toBe('SSO_NOT_VERIFIED');

      const accept = await h.send('post', '/api/v1/invitations/accept', '', { token: invitation, password: PASSWORD });
      expect([accept.status, accept.body.code]).toEqual([403, 'PASSWORD_SIGN_IN_DISABLED']);
      const page = await h.http.get(`/accept-invitation?token=${encodeURIComponent(invitation)}`);
      expect(page.text).toContain('Sign in with Microsoft');
      expect(page.text).not.toContain('type="password"');
      // A person who set a password before cannot use it any more (answered like a wrong password).
      const login = await h.send('post', '/api/v1/auth/login', '', { email: 'pw.user@example.test', password: PASSWORD });
      expect([login.status, login.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
      // Back on: the password works again.
      expectStatus(await admin('put', '/api/v1/sso', { ...ssoConfig({ passwordSignIn: 'allowed' }), clientSecret: undefined }, other), 200);
      h.secrets.add(expectStatus(await h.send('post', '/api/v1/auth/login', '', { email: 'pw.user@example.test', password: PASSWORD }), 200).body.token);
    });
  });

  describe('the pages (§6)', () => {
    const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find((bin) => spawnSync('which', [bin]).status === 0);
    const shots = mkdtempSync(join(tmpdir(), 'sso-pages-'));

    /** Renders `path` of the listening app in headless Chromium; returns the PNG's path. */
    async function screenshot(path: string, name: string): Promise<string> {
      const port = (h.app.getHttpServer().address() as AddressInfo).port;
      const file = join(shots, `${engine}-${name}.png`);
      // Asynchronously: the app answering Chromium runs on this very event loop.
      const r = await execFileAsync(
        chromium!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--hide-scrollbars',
          `--screenshot=${file}`,
          '--window-size=800,700',
          `http://127.0.0.1:${port}${path}`,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      ).catch((err: Error & { stderr?: string }) => ({ stderr: err.stderr ?? err.message }));
      if (!existsSync(file))
        throw new Error(
          `no screenshot: ${r.stderr
            .split('\n')
            .filter((l) => !l.includes('dbus'))
            .join('\n')}`,
        );
      return file;
    }

    it('the invitation page: product name, lang, labels, SSO button and password form, strict CSP', async () => {
      // (Invitation tokens are not in h.secrets: the mail outbox keeps the link until it is sent.)
      const { invitation } = await invitedPerson('page.viewer@example.test');
      const res = await h.http.get(`/accept-invitation?token=${encodeURIComponent(invitation)}`);
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/^<!doctype html><html lang="en">/);
      expect(res.text).toContain(`<p class="product">${h.config.productName}</p>`);
      expect(res.text).toContain(`href="/api/v1/auth/sso/start?organizationId=${org.id}&#38;email=page.viewer%40example.test">Sign in with Microsoft</a>`);
      expect(res.text).toContain('<label for="password">');
      expect(res.headers['content-security-policy']).toMatch(
        /^default-src 'none'; style-src 'sha256-[\w+/=]+'; script-src 'sha256-[\w+/=]+'; connect-src 'self'/,
      );
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      // Without SSO (or with a bad token) there is no SSO button.
      const bad = await h.http.get('/accept-invitation?token=inv_not-a-real-invitation-token-at-all-000000000');
      expect(bad.text).toContain('This invitation link is not valid');
      expect(bad.text).not.toContain('Sign in with');
    });

    (chromium ? it : it.skip)('renders in headless Chromium (invitation, return, error pages)', async () => {
      const { invitation } = await invitedPerson('screenshot@example.test');
      const pages = {
        invitation: `/accept-invitation?token=${encodeURIComponent(invitation)}`,
        return: '/sso/return?code=ssoc_not-a-real-code',
        error: '/api/v1/auth/sso/callback?state=forged&code=forged',
      };
      for (const [name, path] of Object.entries(pages)) {
        const file = await screenshot(path, name);
        // A blank page would be a few hundred bytes; a styled card with text is far more.
        expect(statSync(file).size).toBeGreaterThan(5_000);
      }
      const error = await h.http.get(pages.error);
      expect(error.status).toBe(400);
      expect(error.text).toContain('<h1>Sign-in did not work</h1>');
      expect(error.text).toContain('role="alert"');
      console.log(`SSO page screenshots: ${shots}`);
    });
  });

  it('secrets never appear in the database or the logs in clear; no answer was a 5xx except the outage', async () => {
    const dump = await dumpDatabase(h.db, h.dataSource);
    const logs = h.logs.text();
    const leaked = [...h.secrets].filter((s) => s.length > 8 && (dump.includes(s) || logs.includes(s)));
    expect(leaked).toEqual([]);
    expect(h.secrets.size).toBeGreaterThan(20);
    expect(logs).toContain('/api/v1/auth/sso/callback?code=[Redacted]&state=[Redacted]');
    expect(logs).toContain('/api/v1/auth/sso/start?email=[Redacted]');
    expect(logs).not.toContain('By.Email%40example.test');
    expect(h.serverErrors()).toEqual([]);
  });
});
