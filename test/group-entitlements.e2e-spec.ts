import { randomUUID } from 'node:crypto';
import { OutboxDispatcher } from '../apps/api/src/mail/outbox-dispatcher.service';
import { testEngines } from './support/databases';
import { mailTo, nthMailTo, PASSWORD, signIn, tokenOf } from './support/people';
import { OrgHandle, TestApp } from './support/app';
import { expectScimError, expectStatus, Json, patchOp, ScimClient, simpleUser, uniqueName } from './support/scim-client';
import { MailOrg, startMailOrg } from './support/mail-app';
import type { SmtpListener } from './support/smtp';

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const FRANKLI = 'urn:ietf:params:scim:schemas:extension:frankli:2.0:Group';

/**
 * Issue #4 §4: groups that grant things. `autoInvite` invites a group's uninvited members, now and
 * whenever they join; `grantsAdmin` makes members admins while they are members.
 * Issue #9: the flags are the organisation's: only the admin API sets them; SCIM shows them
 * read-only. Rights count only members the group's directory can see, and deleting a directory
 * deletes its groups.
 */
describe.each(testEngines())('group entitlements on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;
  let org: OrgHandle;
  let scim: ScimClient;

  let mail: MailOrg;

  beforeAll(async () => {
    mail = await startMailOrg(engine, 'Entitlements org', { flag: true });
    ({ smtp, h, org, scim } = mail);
  });

  afterAll(async () => mail?.close());

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
  const settle = () => h.app.get(OutboxDispatcher).drain();
  /** Invites a person, accepts, signs in: their session shows what rights they have. */
  const activate = async (id: string, email: string): Promise<{ id: string; email: string; session: string }> => {
    const before = mailTo(smtp, email).length;
    expectStatus(await h.send('post', `/api/v1/users/${id}/invitation`, org.adminToken), 201);
    const mail = await nthMailTo(smtp, email, before + 1);
    expectStatus(await h.send('post', '/api/v1/invitations/accept', '', { token: tokenOf(mail), password: PASSWORD }), 200);
    return { id, email, session: await signIn(h, email) };
  };
  const signedInMember = async (): Promise<{ id: string; email: string; session: string }> => {
    const p = await person();
    return activate(p.id, p.email);
  };

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

  it('a SCIM client cannot set autoInvite (POST/PUT ignore it, PATCH is 400 mutability); the flag an admin set survives a PUT', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    const id = await group({ [FRANKLI]: { autoInvite: true }, members: [{ value: a.id }] });
    expect(expectStatus(await org.get(`/api/v1/groups/${id}`), 200).body.autoInvite).toBe(false);
    await patchGroup(id, { op: 'add', path: 'members', value: [{ value: b.id }] });
    for (const operation of [
      { op: 'replace', path: `${FRANKLI}:autoInvite`, value: 'True' },
      { op: 'Add', path: 'autoInvite', value: true },
      { op: 'replace', value: { [FRANKLI]: { autoInvite: true } } },
    ]) {
      expectScimError(await scim.patch(`/Groups/${id}`, patchOp(operation)), 400, 'mutability');
    }
    const put = expectStatus(
      await scim.put(`/Groups/${id}`, {
        schemas: [CORE_GROUP, FRANKLI],
        displayName: 'Put by SCIM',
        [FRANKLI]: { autoInvite: true },
        members: [{ value: a.id }, { value: b.id }],
      }),
      200,
    );
    expect(put.body[FRANKLI]).toEqual({ autoInvite: false, grantsAdmin: false });
    await settle();
    for (const p of [a, b]) {
      expect(mailTo(smtp, p.email)).toEqual([]);
      expect(await statusOf(p.id)).toBe('uninvited');
    }

    // Positive control: the admin API switches it on (inviting a and b), and a PUT from Entra,
    // with or without the extension, keeps the admin's flag; its newcomer c is invited.
    expectStatus(await flags(id, { autoInvite: true }), 200);
    for (const p of [a, b]) await nthMailTo(smtp, p.email, 1);
    const kept = expectStatus(
      await scim.put(`/Groups/${id}`, {
        schemas: [CORE_GROUP, FRANKLI],
        displayName: 'Renamed by PUT',
        [FRANKLI]: { autoInvite: false },
        members: [a, b, c].map((p) => ({ value: p.id })),
      }),
      200,
    );
    expect(kept.body[FRANKLI]).toEqual({ autoInvite: true, grantsAdmin: false });
    await nthMailTo(smtp, c.email, 1);
    // A PATCH `remove` of the flag cannot turn it off either.
    expectScimError(await scim.patch(`/Groups/${id}`, patchOp({ op: 'remove', path: `${FRANKLI}:autoInvite` })), 400, 'mutability');
    expect(expectStatus(await org.get(`/api/v1/groups/${id}`), 200).body.autoInvite).toBe(true);

    // Only the admin API turns it off; newcomers are then not invited.
    expectStatus(await flags(id, { autoInvite: false }), 200);
    const d = await person();
    await patchGroup(id, { op: 'add', path: 'members', value: [{ value: d.id }] });
    await settle();
    expect(mailTo(smtp, d.email)).toEqual([]);
    expect(await statusOf(d.id)).toBe('uninvited');
  });

  it('grantsAdmin makes members admins while they are members (admin API flag, then membership changes)', async () => {
    const member = await signedInMember();
    const session = member.session;
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);

    const id = await group({ members: [{ value: member.id }] });
    expectStatus(await flags(id, { grantsAdmin: true }), 200);
    expectStatus(await h.send('get', '/api/v1/users', session), 200);
    expect(expectStatus(await h.send('get', '/api/v1/me', session), 200).body).toMatchObject({ isAdmin: true, adminByGroup: true });
    expect(await org.user(member.id)).toMatchObject({ isAdmin: true, adminByGroup: true });

    // An API token minted while an admin through the group works only while they are a member.
    const token = expectStatus(await h.send('post', '/api/v1/api-tokens', session, { name: 'via group' }), 201).body.token;
    h.secrets.add(token);
    expectStatus(await h.send('get', '/api/v1/groups', token), 200);

    await patchGroup(id, { op: 'Remove', path: 'members', value: [{ value: member.id }] });
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);
    expect((await h.send('get', '/api/v1/groups', token)).status).toBe(401);
    expect(await org.user(member.id)).toMatchObject({ isAdmin: false, adminByGroup: false });

    // Back in the group: rights return. Entra cannot switch the flag off; the admin API can.
    await patchGroup(id, { op: 'add', path: 'members', value: [{ value: member.id }] });
    expectStatus(await h.send('get', '/api/v1/users', session), 200);
    expectScimError(await scim.patch(`/Groups/${id}`, patchOp({ op: 'replace', path: `${FRANKLI}:grantsAdmin`, value: false })), 400, 'mutability');
    expectStatus(await h.send('get', '/api/v1/users', session), 200);
    expectStatus(await flags(id, { grantsAdmin: false }), 200);
    expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);
  });

  it('deleting a group (SCIM DELETE) ends the rights it gave', async () => {
    const member = await signedInMember();
    const id = await group({ members: [{ value: member.id }] });
    expectStatus(await flags(id, { grantsAdmin: true }), 200);
    expectStatus(await h.send('get', '/api/v1/users', member.session), 200);
    const admins = (await org.users()).items.filter((u) => u.isAdmin).map((u) => u.id);
    expect(admins).toEqual(expect.arrayContaining([org.adminUserId, member.id]));
    expectStatus(await scim.delete(`/Groups/${id}`), 204);
    expect((await h.send('get', '/api/v1/users', member.session)).status).toBe(403);
  });

  describe('issue #9: a SCIM client cannot make an admin', () => {
    /** Member's view: 403 on an admin route, not an admin in the admin API. */
    const expectNotAdmin = async (member: { id: string; session: string }): Promise<void> => {
      expect((await h.send('get', '/api/v1/users', member.session)).status).toBe(403);
      expect(await org.user(member.id)).toMatchObject({ isAdmin: false, adminByGroup: false });
    };
    const adminFlags = async (id: string): Promise<Json> => {
      const g = expectStatus(await org.get(`/api/v1/groups/${id}`), 200).body;
      return { autoInvite: g.autoInvite, grantsAdmin: g.grantsAdmin };
    };
    const OFF = { autoInvite: false, grantsAdmin: false };

    it('by a Group POST or PUT carrying the extension, in any shape (ignored, answered read-only)', async () => {
      const member = await signedInMember();
      const bodies: Json[] = [
        { schemas: [CORE_GROUP, FRANKLI], [FRANKLI]: { grantsAdmin: true, autoInvite: true } },
        { schemas: [CORE_GROUP, FRANKLI], [FRANKLI.toUpperCase()]: { GRANTSADMIN: 'True' } },
        { schemas: [CORE_GROUP], [`${FRANKLI}:grantsAdmin`]: true },
        { schemas: [CORE_GROUP], grantsAdmin: true, AutoInvite: 'true' },
      ];
      for (const extra of bodies) {
        const res = expectStatus(
          await scim.post('/Groups', { displayName: `Group ${randomUUID().slice(0, 8)}`, members: [{ value: member.id }], ...extra }),
          201,
        );
        expect(res.body[FRANKLI]).toEqual(OFF);
        expect(await adminFlags(res.body.id)).toEqual(OFF);
        await expectNotAdmin(member);
        const put = expectStatus(
          await scim.put(`/Groups/${res.body.id}`, { displayName: res.body.displayName, members: [{ value: member.id }], ...extra }),
          200,
        );
        expect(put.body[FRANKLI]).toEqual(OFF);
        expect(await adminFlags(res.body.id)).toEqual(OFF);
        await expectNotAdmin(member);
      }
    });

    it('by a Group PATCH whose path or value names the flags in any case or URN-qualified form (400 mutability, nothing changes)', async () => {
      const member = await signedInMember();
      const id = await group({ members: [{ value: member.id }] });
      const before = expectStatus(await scim.get(`/Groups/${id}`), 200).body;
      const attempts: Json[] = [
        { op: 'replace', path: `${FRANKLI}:grantsAdmin`, value: true },
        { op: 'Add', path: `${FRANKLI.toUpperCase()}:GRANTSADMIN`, value: 'True' },
        { op: 'replace', path: 'grantsAdmin', value: true },
        { op: 'REPLACE', path: 'GrantsAdmin', value: 'true' },
        { op: 'replace', path: FRANKLI, value: { grantsAdmin: true } },
        { op: 'remove', path: FRANKLI },
        { op: 'remove', path: `${FRANKLI}:grantsAdmin` },
        { op: 'replace', value: { [FRANKLI]: { grantsAdmin: true } } },
        { op: 'add', value: { [`${FRANKLI}:grantsAdmin`]: true } },
        { op: 'replace', value: { grantsAdmin: true } },
        { op: 'replace', value: { displayName: 'Renamed with the flag', grantsAdmin: true } },
      ];
      for (const operation of attempts) {
        // Beside a legitimate operation: the request is refused as a whole (all or nothing).
        const res = await scim.patch(`/Groups/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Renamed' }, operation));
        expectScimError(res, 400, 'mutability');
        expect(res.body.detail).toMatch(/readOnly/);
      }
      const after = expectStatus(await scim.get(`/Groups/${id}`), 200).body;
      expect(after).toEqual(before);
      expect(await adminFlags(id)).toEqual(OFF);
      await expectNotAdmin(member);

      // Positive controls: the same PATCH without the flag works; the admin API grants admin.
      await patchGroup(id, { op: 'replace', path: 'displayName', value: `Renamed ${randomUUID().slice(0, 8)}` });
      expect(expectStatus(await flags(id, { grantsAdmin: true }), 200).body.grantsAdmin).toBe(true);
      expectStatus(await h.send('get', '/api/v1/users', member.session), 200);
      expect(await org.user(member.id)).toMatchObject({ isAdmin: true, adminByGroup: true });
      expect(expectStatus(await scim.get(`/Groups/${id}`), 200).body[FRANKLI]).toEqual({ autoInvite: false, grantsAdmin: true });
    });

    it('by a User write with admin-like attributes (ignored, or 400 for the read-only groups)', async () => {
      const adminGroup = await group();
      expectStatus(await flags(adminGroup, { grantsAdmin: true }), 200);
      const email = uniqueName('sneaky');
      // Attributes no schema declares are refused outright (issue #10), naming them; nothing is created.
      const sneaky = {
        isAdmin: true,
        admin: 'True',
        roles: [{ value: 'admin', primary: true }],
        entitlements: [{ value: 'admin' }],
        'urn:ietf:params:scim:schemas:extension:frankli:2.0:User': { isAdmin: true },
        [FRANKLI]: { grantsAdmin: true },
      };
      const refused = await scim.post('/Users', simpleUser(email, sneaky));
      expectScimError(refused, 400, 'invalidSyntax');
      for (const name of ['isAdmin', 'admin', 'roles', 'entitlements', FRANKLI]) expect(refused.body.detail).toContain(`"${name}`);
      expect(await scim.lookup(email)).toEqual([]);
      // The readOnly groups in a POST is ignored (RFC 7643 §2.2): the user is created, in no group.
      const created = await scim.create(simpleUser(email, { groups: [{ value: adminGroup }] }));
      const member = await activate(created.id, email);
      await expectNotAdmin(member);
      expect(expectStatus(await org.get(`/api/v1/groups/${adminGroup}/members`), 200).body.total).toBe(0);

      for (const operation of [
        { op: 'replace', path: 'isAdmin', value: true },
        { op: 'add', path: 'roles', value: [{ value: 'admin' }] },
      ]) {
        expectScimError(await scim.patch(`/Users/${created.id}`, patchOp(operation)), 400, 'invalidPath');
        await expectNotAdmin(member);
      }
      expectScimError(
        await scim.patch(
          `/Users/${created.id}`,
          patchOp({ op: 'replace', value: { isAdmin: true, 'urn:ietf:params:scim:schemas:extension:frankli:2.0:User:isAdmin': true } }),
        ),
        400,
        'invalidSyntax',
      );
      await expectNotAdmin(member);
      for (const operation of [
        { op: 'add', path: 'groups', value: [{ value: adminGroup }] },
        { op: 'replace', value: { groups: [{ value: adminGroup }] } },
      ]) {
        expectScimError(await scim.patch(`/Users/${created.id}`, patchOp(operation)), 400, 'mutability');
        await expectNotAdmin(member);
      }
      expectStatus(await scim.put(`/Users/${created.id}`, simpleUser(email, { groups: [{ value: adminGroup }] })), 200);
      await expectNotAdmin(member);
      expectScimError(await scim.put(`/Users/${created.id}`, simpleUser(email, { isAdmin: true })), 400, 'invalidSyntax');

      // Positive control: the directory adds them to the group the admin made a grantsAdmin group.
      await patchGroup(adminGroup, { op: 'add', path: 'members', value: [{ value: created.id }] });
      expectStatus(await h.send('get', '/api/v1/users', member.session), 200);
    });
  });

  describe('issue #9: rights from a group count only members its directory can see', () => {
    it('a member the directory DELETEd gets nothing from the group, even were they un-archived; other members keep their rights', async () => {
      const [hidden, kept] = [await signedInMember(), await signedInMember()];
      const id = await group({ members: [{ value: hidden.id }, { value: kept.id }] });
      expectStatus(await flags(id, { grantsAdmin: true }), 200);
      for (const m of [hidden, kept]) expect(await org.user(m.id)).toMatchObject({ isAdmin: true, adminByGroup: true });

      expectStatus(await scim.delete(`/Users/${hidden.id}`), 204);
      // The membership row stays (DESIGN §5: history), but it grants nothing.
      const [{ n }] = await h.dataSource.query('SELECT COUNT(*) AS n FROM group_members WHERE group_id = ? AND user_id = ?', [id, hidden.id]);
      expect(Number(n)).toBe(1);
      expect(await org.user(hidden.id)).toMatchObject({ status: 'archived', isAdmin: false, adminByGroup: false });
      expect((await h.send('get', '/api/v1/users', hidden.session)).status).toBe(401);

      // Archived or not: a hidden person is no member. Lift only the archive (as no API does),
      // sign in again, and the group still grants nothing.
      await h.dataSource.query('UPDATE users SET archived_at = NULL, archive_reason = NULL WHERE id = ?', [hidden.id]);
      const session = await signIn(h, hidden.email);
      expect((await h.send('get', '/api/v1/users', session)).status).toBe(403);
      expect(await org.user(hidden.id)).toMatchObject({ isAdmin: false, adminByGroup: false });

      // Positive control: the visible member is still an admin through the same group.
      expectStatus(await h.send('get', '/api/v1/users', kept.session), 200);
      expect(await org.user(kept.id)).toMatchObject({ isAdmin: true, adminByGroup: true });
    });

    it("deleting a directory deletes its groups at once: memberships and the rights they gave end, its people stay; another directory's group still grants", async () => {
      const other = await org.directory();
      const otherScim = other.scim(true);
      const createIn = async (client: ScimClient) => {
        const email = uniqueName('dir-member');
        const id = (await client.create(simpleUser(email))).id as string;
        return activate(id, email);
      };
      const [doomed, survivor] = [await createIn(otherScim), await createIn(scim)];
      const doomedGroup = expectStatus(
        await otherScim.post('/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: `Doomed ${randomUUID().slice(0, 8)}`,
          members: [{ value: doomed.id }],
        }),
        201,
      ).body.id;
      const survivorGroup = await group({ members: [{ value: survivor.id }] });
      for (const g of [doomedGroup, survivorGroup]) expectStatus(await flags(g, { grantsAdmin: true }), 200);
      const apiToken = async (session: string): Promise<string> => {
        const t = expectStatus(await h.send('post', '/api/v1/api-tokens', session, { name: 'via group' }), 201).body.token;
        h.secrets.add(t);
        return t;
      };
      const [doomedToken, survivorToken] = [await apiToken(doomed.session), await apiToken(survivor.session)];
      expectStatus(await h.send('get', '/api/v1/groups', doomedToken), 200);

      expectStatus(await h.send('delete', `/api/v1/directories/${other.id}`, org.adminToken), 204);

      // The group and its memberships are gone; the admin API no longer lists it.
      expectStatus(await org.get(`/api/v1/groups/${doomedGroup}`), 404);
      expect(expectStatus(await org.get('/api/v1/groups?limit=200'), 200).body.items.map((g: Json) => g.id)).not.toContain(doomedGroup);
      const [{ n }] = await h.dataSource.query('SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?', [doomedGroup]);
      expect(Number(n)).toBe(0);
      // Its member's rights ended: the session is a non-admin's (403), the API token an admin's (401).
      expect((await h.send('get', '/api/v1/users', doomed.session)).status).toBe(403);
      expect((await h.send('get', '/api/v1/groups', doomedToken)).status).toBe(401);
      // The person stays, managed by no directory.
      expect(await org.user(doomed.id)).toMatchObject({ status: 'active', directoryId: null, isAdmin: false, adminByGroup: false });

      // Positive control: the other directory's grantsAdmin group is untouched.
      expectStatus(await org.get(`/api/v1/groups/${survivorGroup}`), 200);
      expectStatus(await h.send('get', '/api/v1/users', survivor.session), 200);
      expectStatus(await h.send('get', '/api/v1/groups', survivorToken), 200);
      // Deleting it again is a 404 that changes nothing.
      expectStatus(await h.send('delete', `/api/v1/directories/${other.id}`, org.adminToken), 404);
    });
  });

  it('never answered 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});
