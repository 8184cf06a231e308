import { randomUUID } from 'node:crypto';
import { OutboxDispatcher } from '../apps/api/src/mail/outbox-dispatcher';
import { testEngines } from './support/databases';
import { mailTo, nthMailTo, PASSWORD, signIn, startWithMail, tokenOf } from './support/people';
import { DirectoryHandle, expectStatus, Harness, Json, OrgHandle, patchOp, ScimClient, simpleUser, uniqueName } from './support/scim';
import { SmtpListener, startSmtpListener } from './support/smtp';

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const FRANKLI = 'urn:ietf:params:scim:schemas:extension:frankli:2.0:Group';

/**
 * Issue #4 §4: groups that grant things. `autoInvite` invites a group's uninvited members, now and
 * whenever they join; `grantsAdmin` makes members admins while they are members. Both flags work
 * from the admin API and from Entra through our Group schema extension.
 */
describe.each(testEngines())('group entitlements on %s', (engine) => {
  let smtp: SmtpListener;
  let h: Harness;
  let org: OrgHandle;
  let dir: DirectoryHandle;
  let scim: ScimClient;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    h = await startWithMail(engine, smtp.url);
    org = await h.organization('Entitlements org');
    dir = await org.directory();
    scim = dir.scim(true);
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  const person = async (): Promise<{ id: string; email: string }> => {
    const email = uniqueName('member');
    return { id: (await scim.create(simpleUser(email))).id, email };
  };
  const group = async (extra: Json = {}): Promise<string> =>
    expectStatus(await scim.post('/Groups', { schemas: [CORE_GROUP, FRANKLI], displayName: `Group ${randomUUID().slice(0, 8)}`, ...extra }), 201).body.id;
  const patchGroup = async (id: string, ...ops: Json[]) => expectStatus(await scim.patch(`/Groups/${id}`, patchOp(...ops)), 204);
  const flags = (id: string, body: Json) => h.send('patch', `/api/v1/groups/${id}`, org.adminToken, body);
  const statusOf = async (id: string): Promise<string> => (await org.user(id)).status;
  /** Lets any mail the last commits queued go out, so "nothing was sent" is a real observation. */
  const settle = () => h.t.app.get(OutboxDispatcher).drain();

  it('autoInvite from the admin API invites the uninvited members at once, then everyone who joins', async () => {
    const [a, b, invitedAlready, archived] = [await person(), await person(), await person(), await person()];
    expectStatus(await h.send('post', `/api/v1/users/${invitedAlready.id}/invitation`, org.adminToken), 201);
    await nthMailTo(smtp, invitedAlready.email, 1);
    await scim.patchUser(archived.id, { op: 'replace', path: 'active', value: false });
    const id = await group({ members: [a, b, invitedAlready, archived].map((p) => ({ value: p.id })) });
    await settle();
    expect(mailTo(smtp, a.email)).toEqual([]); // the flag is off: members stay uninvited
    expect(await statusOf(a.id)).toBe('uninvited');

    expect(expectStatus(await flags(id, { autoInvite: true }), 200).body.autoInvite).toBe(true);
    for (const p of [a, b]) {
      await nthMailTo(smtp, p.email, 1);
      expect(await statusOf(p.id)).toBe('invited');
    }
    await settle();
    expect(mailTo(smtp, invitedAlready.email)).toHaveLength(1); // not re-sent
    expect(mailTo(smtp, archived.email)).toEqual([]);
    expect(await statusOf(archived.id)).toBe('archived');

    // Joining later (Entra's PATCH add) invites the newcomer; the link works.
    const late = await person();
    await patchGroup(id, { op: 'Add', path: 'members', value: [{ value: late.id }] });
    const mail = await nthMailTo(smtp, late.email, 1);
    expectStatus(await h.send('post', '/api/v1/invitations/accept', '', { token: tokenOf(mail), password: PASSWORD }), 200);
    await signIn(h, late.email);

    // Switching it on again changes nothing for people already invited.
    expectStatus(await flags(id, { autoInvite: true }), 200);
    await settle();
    expect(mailTo(smtp, a.email)).toHaveLength(1);
  });

  it('autoInvite from the SCIM extension: on a POST with members, and by PATCH; a PUT without the extension keeps it', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    const id = await group({ [FRANKLI]: { autoInvite: true }, members: [{ value: a.id }] });
    await nthMailTo(smtp, a.email, 1);

    const other = await group({ members: [{ value: b.id }] });
    await patchGroup(other, { op: 'replace', path: `${FRANKLI}:autoInvite`, value: 'True' });
    await nthMailTo(smtp, b.email, 1);

    // Entra's PUT carries no extension unless mapped: the flag the customer or an admin set stays.
    const put = expectStatus(await scim.put(`/Groups/${id}`, { schemas: [CORE_GROUP], displayName: 'Renamed by PUT', members: [{ value: a.id }, { value: c.id }] }), 200);
    expect(put.body[FRANKLI]).toEqual({ autoInvite: true, grantsAdmin: false });
    await nthMailTo(smtp, c.email, 1);
    await settle();
    expect(mailTo(smtp, a.email)).toHaveLength(1);

    // An explicit false (or a PATCH remove) turns it off; newcomers are then not invited.
    await patchGroup(id, { op: 'remove', path: `${FRANKLI}:autoInvite` });
    expect(expectStatus(await org.get(`/api/v1/groups/${id}`), 200).body.autoInvite).toBe(false);
    const d = await person();
    await patchGroup(id, { op: 'add', path: 'members', value: [{ value: d.id }] });
    await settle();
    expect(mailTo(smtp, d.email)).toEqual([]);
    expect(await statusOf(d.id)).toBe('uninvited');
  });

  it('grantsAdmin makes members admins while they are members (admin API flag, then membership changes)', async () => {
    const member = await person();
    expectStatus(await h.send('post', `/api/v1/users/${member.id}/invitation`, org.adminToken), 201);
    const mail = await nthMailTo(smtp, member.email, 1);
    expectStatus(await h.send('post', '/api/v1/invitations/accept', '', { token: tokenOf(mail), password: PASSWORD }), 200);
    const session = await signIn(h, member.email);
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);

    const id = await group({ members: [{ value: member.id }] });
    expectStatus(await flags(id, { grantsAdmin: true }), 200);
    expectStatus(await h.send('get', '/api/v1/users', session), 200);
    expect(expectStatus(await h.send('get', '/api/v1/me', session), 200).body).toMatchObject({ isAdmin: true, adminByGroup: true });
    expect(await org.user(member.id)).toMatchObject({ isAdmin: true, adminByGroup: true });

    // An API token minted while an admin through the group works only while they are a member.
    const token = expectStatus(await h.send('post', '/api/v1/api-tokens', session, { name: 'via group' }), 201).body.token;
    h.t.secrets.add(token);
    expectStatus(await h.send('get', '/api/v1/groups', token), 200);

    await patchGroup(id, { op: 'Remove', path: 'members', value: [{ value: member.id }] });
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);
    expect((await h.send('get', '/api/v1/groups', token)).status).toBe(401);
    expect(await org.user(member.id)).toMatchObject({ isAdmin: false, adminByGroup: false });

    // Back in the group: rights return; the group switched off by Entra: gone again.
    await patchGroup(id, { op: 'add', path: 'members', value: [{ value: member.id }] });
    expectStatus(await h.send('get', '/api/v1/users', session), 200);
    await patchGroup(id, { op: 'replace', path: `${FRANKLI}:grantsAdmin`, value: false });
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);
  });

  it('grantsAdmin from the SCIM extension on a POST; deleting the group ends the rights', async () => {
    const member = await person();
    expectStatus(await h.send('post', `/api/v1/users/${member.id}/invitation`, org.adminToken), 201);
    expectStatus(await h.send('post', '/api/v1/invitations/accept', '', { token: tokenOf(await nthMailTo(smtp, member.email, 1)), password: PASSWORD }), 200);
    const session = await signIn(h, member.email);
    const id = await group({ [FRANKLI]: { grantsAdmin: true }, members: [{ value: member.id }] });
    expectStatus(await h.send('get', '/api/v1/users', session), 200);
    const admins = (await org.users()).items.filter((u) => u.isAdmin).map((u) => u.id);
    expect(admins).toEqual(expect.arrayContaining([org.adminUserId, member.id]));
    expectStatus(await scim.delete(`/Groups/${id}`), 204);
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);
  });

  it('never answered 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});
