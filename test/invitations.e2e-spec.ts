import { DataSource } from 'typeorm';
import { dateParam } from '@app/database';
import { hashToken } from '../apps/api/src/auth/secret-token.util';
import { OutboxDispatcher } from '../apps/api/src/mail/outbox-dispatcher.service';
import { DirectoryHandle, OrgHandle, PUBLIC_URL, TestApp } from './support/app';
import { ENTERPRISE, expectStatus, Json, ScimClient, simpleUser, uniqueName } from './support/scim-client';
import { testEngines } from './support/databases';
import { dumpDatabase } from './support/dump';
import { acceptLink, eventually, mailTo, nthMailTo, PASSWORD, signIn, startWithMail, tokenOf } from './support/people';
import { MailOrg, startMailOrg } from './support/mail-app';
import { freePort, SmtpListener, startSmtpListener } from './support/smtp';

/**
 * Issue #5 §3–4: invitations by email through the outbox to a real SMTP listener, accepted with
 * a password, then sign-in and /me. Also: the outbox survives an SMTP outage.
 */
describe.each(testEngines())('invitations on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;
  let org: OrgHandle;
  let dir: DirectoryHandle;
  let scim: ScimClient;

  let mail: MailOrg;

  beforeAll(async () => {
    mail = await startMailOrg(engine, 'Invitations org');
    ({ smtp, h, org, dir, scim } = mail);
  });

  afterAll(async () => mail?.close());

  const admin = (method: 'get' | 'post' | 'patch', path: string, body?: Json) => h.send(method, path, org.adminToken, body);
  const accept = (token: string, password = PASSWORD) => h.send('post', '/api/v1/invitations/accept', '', { token, password });
  const provision = async (extra: Json = {}): Promise<{ id: string; email: string }> => {
    const userName = uniqueName('invitee');
    const created = await scim.create(simpleUser(userName, { displayName: 'Ada Lovelace', ...extra }));
    return { id: created.id, email: userName };
  };
  const outboxRows = (email: string): Promise<Json[]> =>
    h.dataSource.query('SELECT status, attempts, payload, last_error, next_attempt_at FROM email_outbox WHERE recipient = ? ORDER BY created_at', [email]);

  it('invite → one email with a working link → accept → sign in → /me', async () => {
    const person = await provision();
    const invited = expectStatus(await admin('post', `/api/v1/users/${person.id}/invitation`), 201).body;
    expect(invited).toMatchObject({ userId: person.id, resent: false });
    const days = (Date.parse(invited.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    expect((await org.user(person.id)).status).toBe('invited');

    const mail = await nthMailTo(smtp, person.email, 1);
    expect(mail.subject).toContain('Invitations org');
    expect(mail.subject).toContain('Frankli');
    expect(mail.text).toContain('Ada Lovelace');
    const link = acceptLink(mail);
    expect(`${link.origin}${link.pathname}`).toBe(`${PUBLIC_URL}/accept-invitation`);
    expect(mail.html).toContain(link.searchParams.get('token'));

    // The link opens the accept page, which posts the token and a password.
    const page = expectStatus(await h.send('get', `${link.pathname}${link.search}`, ''), 200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('/api/v1/invitations/accept');

    const token = tokenOf(mail);
    h.secrets.add(token);
    const accepted = expectStatus(await accept(token), 200).body;
    expect(accepted.user).toMatchObject({ id: person.id, status: 'active', email: person.email });
    expect(await accept(token).then((r) => r.body.code)).toBe('INVITATION_INVALID'); // single use

    const session = await signIn(h, person.email.toUpperCase());
    expect(session).toMatch(/^ses_/);
    const me = expectStatus(await h.send('get', '/api/v1/me', session), 200).body;
    expect(me).toMatchObject({ id: person.id, status: 'active', isAdmin: false, directoryId: dir.id });
    // Not an admin: the admin API says so (403), rather than "who are you" (401).
    expect(await h.send('get', '/api/v1/users', session).then((r) => [r.status, r.body.code])).toEqual([403, 'FORBIDDEN']);

    // Exactly one message; the outbox row is sent and no longer holds the link.
    await h.app.get(OutboxDispatcher).drain(new Date(Date.now() + 86_400_000));
    expect(mailTo(smtp, person.email)).toHaveLength(1);
    const [row] = await outboxRows(person.email);
    expect(row.status).toBe('sent');
    expect(row.payload).not.toContain(token);
    // Only hashes are kept: the invitation row holds the token's hash, nothing holds the token.
    const [invitation] = await h.dataSource.query('SELECT token_hash FROM invitations WHERE user_id = ?', [person.id]);
    expect(invitation.token_hash).toBe(hashToken(token));
    for (const table of ['invitations', 'email_outbox', 'users', 'user_credentials']) {
      expect(JSON.stringify(await h.dataSource.query(`SELECT * FROM ${table}`))).not.toContain(token.slice(4));
    }
    // Session tokens are never written at all, so not even the raw database bytes hold one.
    const dump = await dumpDatabase(h.db, h.app.get(DataSource));
    expect(dump).not.toContain(session.slice(4));
    expect(dump).toContain(hashToken(session));
    expect(h.logs.text()).not.toContain(token.slice(4));
  });

  it('re-inviting sends a new link and the old one stops working; archived, active and email-less people are refused', async () => {
    const person = await provision();
    expectStatus(await admin('post', `/api/v1/users/${person.id}/invitation`), 201);
    const first = tokenOf(await nthMailTo(smtp, person.email, 1));
    const again = expectStatus(await admin('post', `/api/v1/users/${person.id}/invitation`), 201).body;
    expect(again.resent).toBe(true);
    const second = tokenOf(await nthMailTo(smtp, person.email, 2));
    expect(second).not.toBe(first);
    expect((await accept(first)).body.code).toBe('INVITATION_INVALID');
    expectStatus(await accept(second), 200);
    expect((await admin('post', `/api/v1/users/${person.id}/invitation`)).body.code).toBe('USER_ALREADY_ACTIVE');

    const archived = await provision();
    await scim.patchUser(archived.id, { op: 'replace', path: 'active', value: false });
    expect((await admin('post', `/api/v1/users/${archived.id}/invitation`)).body.code).toBe('USER_ARCHIVED');
    const noEmail = await scim.create({ schemas: simpleUser('x').schemas, userName: uniqueName('noemail'), active: true });
    expect((await admin('post', `/api/v1/users/${noEmail.id}/invitation`)).body.code).toBe('USER_HAS_NO_EMAIL');
    expect((await admin('post', '/api/v1/users/00000000-0000-4000-8000-000000000000/invitation')).status).toBe(404);
    await h.app.get(OutboxDispatcher).drain();
    expect(mailTo(smtp, archived.email)).toEqual([]);
    expect((await org.user(archived.id)).status).toBe('archived');
  });

  it('an invitation of a person archived after it was sent can no longer be accepted', async () => {
    const person = await provision();
    expectStatus(await admin('post', `/api/v1/users/${person.id}/invitation`), 201);
    const token = tokenOf(await nthMailTo(smtp, person.email, 1));
    await scim.patchUser(person.id, { op: 'replace', path: 'active', value: false });
    expect((await accept(token)).body.code).toBe('INVITATION_INVALID');
    expect((await org.user(person.id)).status).toBe('archived');
  });

  it('bulk: by ids answers the counts; by filter invites exactly the uninvited people of a department', async () => {
    const ids = [await provision(), await provision(), await provision()];
    const archived = await provision();
    await scim.patchUser(archived.id, { op: 'replace', path: 'active', value: false });
    const unknown = '00000000-0000-4000-8000-000000000001';
    const res = expectStatus(await admin('post', '/api/v1/invitations', { userIds: [...ids.map((p) => p.id), archived.id, unknown, ids[0].id] }), 200);
    expect(res.body).toEqual({ invited: 3, resent: 0, skipped: { notFound: 1, archived: 1, active: 0, noEmail: 0 } });
    for (const p of ids) await nthMailTo(smtp, p.email, 1);

    const ops = [];
    for (let i = 0; i < 4; i++) ops.push(await provision({ [ENTERPRISE]: { department: 'Operations' } }));
    const sales = await provision({ [ENTERPRISE]: { department: 'Sales' } });
    expectStatus(await admin('post', `/api/v1/users/${ops[0].id}/invitation`), 201); // already invited: not resent by the filter
    const department = (await org.user(ops[1].id)).department.id;
    const byFilter = expectStatus(await admin('post', '/api/v1/invitations', { filter: { status: 'uninvited', departmentId: department } }), 200);
    expect(byFilter.body).toMatchObject({ invited: 3, resent: 0 });
    for (const p of ops) await nthMailTo(smtp, p.email, 1);
    await h.app.get(OutboxDispatcher).drain();
    expect(mailTo(smtp, ops[0].email)).toHaveLength(1);
    expect(mailTo(smtp, sales.email)).toEqual([]);
    expect((await org.user(sales.id)).status).toBe('uninvited');

    for (const body of [{}, { userIds: [ids[0].id], filter: {} }, { userIds: ['nope'] }, { filter: { status: 'sleeping' } }]) {
      expect(await admin('post', '/api/v1/invitations', body).then((r) => [r.status, r.body.code])).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('refuses weak passwords and expired links, leaving the invitation usable until it expires', async () => {
    const person = await provision();
    expectStatus(await admin('post', `/api/v1/users/${person.id}/invitation`), 201);
    const token = tokenOf(await nthMailTo(smtp, person.email, 1));
    expect((await accept(token, 'short')).body.code).toBe('PASSWORD_TOO_WEAK');
    expect((await accept(token, person.email.toUpperCase())).body.code).toBe('PASSWORD_TOO_WEAK');
    expect((await accept('inv_not-a-real-token-at-all-but-long-enough-to-look-like-one')).body.code).toBe('INVITATION_INVALID');
    expect((await org.user(person.id)).status).toBe('invited');

    await h.dataSource.query('UPDATE invitations SET expires_at = ? WHERE user_id = ?', [dateParam(h.dataSource, new Date(Date.now() - 1000)), person.id]);
    const expired = await accept(token);
    expect([expired.status, expired.body.code]).toEqual([410, 'INVITATION_EXPIRED']);
    expect((await org.user(person.id)).status).toBe('invited');
  });

  it('concurrent accepts of one link make one account: one 200, the rest INVITATION_INVALID', async () => {
    const person = await provision();
    expectStatus(await admin('post', `/api/v1/users/${person.id}/invitation`), 201);
    const token = tokenOf(await nthMailTo(smtp, person.email, 1));
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => accept(token, `${PASSWORD} ${i}`)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400]);
    const winner = answers.findIndex((r) => r.status === 200);
    const [{ n }] = await h.dataSource.query('SELECT COUNT(*) AS n FROM user_credentials WHERE user_id = ?', [person.id]);
    expect(Number(n)).toBe(1);
    await signIn(h, person.email, `${PASSWORD} ${winner}`);
  });

  it('never answered 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});

describe.each(testEngines())('invitation email through an SMTP outage on %s', (engine) => {
  it('stays in the outbox while the listener is down and is delivered once when it returns', async () => {
    const port = await freePort();
    const h = await startWithMail(engine, `smtp://127.0.0.1:${port}`);
    let smtp: SmtpListener | undefined;
    try {
      const org = await h.organization('Outage org');
      const email = uniqueName('outage');
      const person = expectStatus(await h.send('post', '/api/v1/users', org.adminToken, { email }), 201).body;
      expectStatus(await h.send('post', `/api/v1/users/${person.id}/invitation`, org.adminToken), 201);
      const dispatcher = h.app.get(OutboxDispatcher);
      // The commit woke the dispatcher: wait for its failed attempt to be recorded.
      const pending = await eventually(async () => {
        const [row] = await h.dataSource.query('SELECT status, attempts, last_error FROM email_outbox WHERE recipient = ?', [email]);
        return row?.last_error ? row : undefined;
      });
      expect(pending.status).toBe('pending');
      expect(Number(pending.attempts)).toBe(1);
      expect(pending.last_error).not.toContain('token=');
      expect((await org.user(person.id)).status).toBe('invited'); // the invitation stands

      smtp = await startSmtpListener(port);
      await dispatcher.drain(new Date(Date.now() + 3_600_000));
      await dispatcher.drain(new Date(Date.now() + 7_200_000));
      const mail = await nthMailTo(smtp, email, 1);
      expect(smtp.messages).toHaveLength(1);
      expectStatus(await h.send('post', '/api/v1/invitations/accept', '', { token: tokenOf(mail), password: PASSWORD }), 200);
      const [sent] = await h.dataSource.query('SELECT status FROM email_outbox WHERE recipient = ?', [email]);
      expect(sent.status).toBe('sent');
      expect(h.serverErrors()).toEqual([]);
    } finally {
      await h.close();
      await smtp?.close();
    }
  });
});
