import { randomUUID } from 'node:crypto';
import { UsersLifecycle } from '../apps/api/src/users/users-lifecycle.service';
import { testEngines } from './support/databases';
import { nthMailTo, mailTo, PASSWORD, signIn, tokenOf } from './support/people';
import { OrgHandle, TestApp } from './support/app';
import { expectScimError, expectStatus, Json, patchOp, ScimClient, simpleUser, uniqueName } from './support/scim-client';
import { MailOrg, startMailOrg } from './support/mail-app';
import type { SmtpListener } from './support/smtp';

/**
 * Issue #9 §1, §2, §10: archiving (SCIM DELETE, `active` false, the admin archive) ends the
 * person's sessions, API tokens and open invitations in the same transaction, and restoring
 * never brings them back; a recycled userName with another externalId is a new person. Every
 * rule sits beside its positive control.
 */
describe.each(testEngines())('deprovisioning on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;
  let org: OrgHandle;
  let scim: ScimClient;

  let mail: MailOrg;

  beforeAll(async () => {
    mail = await startMailOrg(engine, 'Deprovisioning org');
    ({ smtp, h, org, scim } = mail);
  });

  afterAll(async () => mail?.close());

  const admin = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: Json) => h.send(method, path, org.adminToken, body);
  const me = async (token: string): Promise<number> => (await h.send('get', '/api/v1/me', token)).status;
  const adminApi = async (token: string): Promise<number> => (await h.send('get', '/api/v1/users?limit=1', token)).status;

  /** Invites a person, accepts with PASSWORD, and returns the accept token used. */
  async function join(id: string, email: string): Promise<void> {
    const before = mailTo(smtp, email).length;
    expectStatus(await admin('post', `/api/v1/users/${id}/invitation`), 201);
    const mail = await nthMailTo(smtp, email, before + 1);
    expectStatus(await h.send('post', '/api/v1/invitations/accept', '', { token: tokenOf(mail), password: PASSWORD }), 200);
  }

  /** A directory person who joined, is an admin, signed in, and minted an API token. */
  async function provisionedAdmin(
    prefix: string,
    externalId: string | null = randomUUID(),
  ): Promise<{ id: string; email: string; userName: string; session: string; apiToken: string }> {
    const userName = uniqueName(prefix);
    const body = simpleUser(userName, externalId ? { externalId } : {});
    const { id } = await scim.create(body);
    await join(id, userName);
    expectStatus(await admin('patch', `/api/v1/users/${id}`, { isAdmin: true }), 200);
    const session = await signIn(h, userName);
    const apiToken = expectStatus(await h.send('post', '/api/v1/api-tokens', session, { name: 'laptop' }), 201).body.token;
    h.secrets.add(apiToken);
    expect([await me(session), await adminApi(apiToken)]).toEqual([200, 200]);
    return { id, email: userName, userName, session, apiToken };
  }

  /** A person with an open invitation (not accepted): returns its token. */
  async function invitedPerson(prefix: string): Promise<{ id: string; userName: string; token: string }> {
    const userName = uniqueName(prefix);
    const { id } = await scim.create(simpleUser(userName));
    const before = mailTo(smtp, userName).length;
    expectStatus(await admin('post', `/api/v1/users/${id}/invitation`), 201);
    return { id, userName, token: tokenOf(await nthMailTo(smtp, userName, before + 1)) };
  }

  const accept = (token: string) => h.send('post', '/api/v1/invitations/accept', '', { token, password: PASSWORD });

  it('every holder of access registered its hook on the people lifecycle', () => {
    expect(h.app.get(UsersLifecycle).registered.sort()).toEqual(['api-tokens', 'invitations', 'sessions']);
  });

  describe('archive ends access in the same transaction; restore gives back the account, never a session or token', () => {
    it('SCIM DELETE: the session and API token answer 401 at once; a bystander keeps theirs; the relinking POST does not revive them, the password does', async () => {
      const gone = await provisionedAdmin('deleted');
      const bystander = await provisionedAdmin('bystander');

      expectStatus(await scim.delete(`/Users/${gone.id}`), 204);
      expect([await me(gone.session), await adminApi(gone.apiToken)]).toEqual([401, 401]);
      expect([await me(bystander.session), await adminApi(bystander.apiToken)]).toEqual([200, 200]);
      expect((await admin('post', '/api/v1/auth/login', { email: gone.email, password: PASSWORD })).status).toBe(401);

      // Same externalId: the same person comes back, with their password, but nothing from before.
      const again = await scim.create(simpleUser(gone.userName));
      expect(again.id).toBe(gone.id);
      expect((await org.user(gone.id)).status).toBe('active');
      expect([await me(gone.session), await adminApi(gone.apiToken)]).toEqual([401, 401]);
      const fresh = await signIn(h, gone.email);
      expect(await me(fresh)).toBe(200);
    });

    it('SCIM active false: the session ends the moment Entra disables the person and stays ended after active true; signing in again works', async () => {
      const person = await provisionedAdmin('disabled');
      await scim.patchUser(person.id, { op: 'Replace', path: 'active', value: 'False' });
      expect([await me(person.session), await adminApi(person.apiToken)]).toEqual([401, 401]);

      await scim.patchUser(person.id, { op: 'Replace', path: 'active', value: 'True' });
      expect(await org.user(person.id)).toMatchObject({ status: 'active', archivedAt: null });
      expect([await me(person.session), await adminApi(person.apiToken)]).toEqual([401, 401]);
      expect(await me(await signIn(h, person.email))).toBe(200);
    });

    it('a PATCH that changes other attributes does not end access (control)', async () => {
      const person = await provisionedAdmin('renamed');
      await scim.patchUser(person.id, { op: 'Replace', path: 'displayName', value: 'Renamed' });
      expect([await me(person.session), await adminApi(person.apiToken)]).toEqual([200, 200]);
    });

    it('PUT with active false archives and ends access too; PUT with active true does not revive it', async () => {
      const person = await provisionedAdmin('put-off');
      const current = await scim.user(person.id);
      expectStatus(await scim.put(`/Users/${person.id}`, { ...current, active: false }), 200);
      expect([await me(person.session), await adminApi(person.apiToken)]).toEqual([401, 401]);
      expectStatus(await scim.put(`/Users/${person.id}`, { ...current, active: true }), 200);
      expect((await org.user(person.id)).status).toBe('active');
      expect([await me(person.session), await adminApi(person.apiToken)]).toEqual([401, 401]);
    });

    it('admin archive of an in-app person ends their session and tokens; restore gives back the account and password only', async () => {
      const email = uniqueName('in-app-archived');
      const { id } = expectStatus(await admin('post', '/api/v1/users', { email, isAdmin: true }), 201).body;
      await join(id, email);
      const session = await signIn(h, email);
      const apiToken = expectStatus(await h.send('post', '/api/v1/api-tokens', session, { name: 'cli' }), 201).body.token;
      h.secrets.add(apiToken);
      const other = await provisionedAdmin('in-app-bystander');

      expectStatus(await admin('post', `/api/v1/users/${id}/archive`), 200);
      expect([await me(session), await adminApi(apiToken)]).toEqual([401, 401]);
      expect([await me(other.session), await adminApi(other.apiToken)]).toEqual([200, 200]);

      expectStatus(await admin('post', `/api/v1/users/${id}/restore`), 200);
      expect([await me(session), await adminApi(apiToken)]).toEqual([401, 401]);
      const tokens = expectStatus(await h.send('get', '/api/v1/api-tokens', await signIn(h, email)), 200).body.items;
      expect(tokens).toEqual([expect.objectContaining({ name: 'cli', revokedAt: expect.any(String) })]);
    });

    it('archiving cancels the open invitation (its link stays dead after restore); a new invitation after restore works', async () => {
      const person = await invitedPerson('invited-then-disabled');
      const control = await invitedPerson('invited-control');
      await scim.patchUser(person.id, { op: 'Replace', path: 'active', value: false });
      await scim.patchUser(person.id, { op: 'Replace', path: 'active', value: true });
      expect((await accept(person.token)).body.code).toBe('INVITATION_INVALID');
      expectStatus(await accept(control.token), 200);

      const before = mailTo(smtp, person.userName).length;
      expectStatus(await admin('post', `/api/v1/users/${person.id}/invitation`), 201);
      expectStatus(await accept(tokenOf(await nthMailTo(smtp, person.userName, before + 1))), 200);
    });
  });

  describe('a recycled userName is a new person', () => {
    it('a POST of a deleted userName with another externalId makes a new, uninvited person with no password and no groups; the archived one keeps its history', async () => {
      const old = await provisionedAdmin('recycled', 'object-id-old');
      const groupRes = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: `Admins ${randomUUID().slice(0, 8)}`,
        members: [{ value: old.id }],
      });
      const group = expectStatus(groupRes, 201).body;
      expectStatus(await scim.delete(`/Users/${old.id}`), 204);

      const newcomer = await scim.create(simpleUser(old.userName, { externalId: 'object-id-new', displayName: 'Someone else' }));
      expect(newcomer.id).not.toBe(old.id);
      expect(await org.user(newcomer.id)).toMatchObject({ status: 'uninvited', isAdmin: false, externalId: 'object-id-new', email: old.email });
      expect((await admin('post', '/api/v1/auth/login', { email: old.email, password: PASSWORD })).status).toBe(401);
      expect((await scim.user(newcomer.id, '?attributes=groups')).groups ?? []).toEqual([]);
      expect(expectStatus(await scim.get(`/Groups/${group.id}`), 200).body.members ?? []).toEqual([]);
      expect(await scim.lookup(old.userName)).toEqual([newcomer.id]);
      // The old person is still there, archived, with their userName as history and their old access dead.
      expect(await org.user(old.id)).toMatchObject({ status: 'archived', userName: old.userName, externalId: 'object-id-old' });
      expect([await me(old.session), await adminApi(old.apiToken)]).toEqual([401, 401]);
      // Relinked once: a second POST of the userName is a real duplicate.
      expectScimError(await scim.post('/Users', simpleUser(old.userName, { externalId: 'object-id-old' })), 409, 'uniqueness');
    });

    it.each([
      ['the same externalId', 'oid-same', 'oid-same'],
      ['no externalId in the POST', 'oid-kept', null],
      ['no externalId on the archived person', null, 'oid-late'],
    ])('with %s, the POST relinks the archived person (control)', async (_, first, second) => {
      const userName = uniqueName('relinked');
      const { id } = await scim.create(simpleUser(userName, first ? { externalId: first } : {}));
      expectStatus(await scim.delete(`/Users/${id}`), 204);
      const again = await scim.create(simpleUser(userName, second ? { externalId: second } : {}));
      expect(again.id).toBe(id);
      expect(await org.user(id)).toMatchObject({ archivedAt: null, externalId: second });
    });

    it('a disabled (not deleted) person whose userName comes back with another externalId also stays apart', async () => {
      const userName = uniqueName('disabled-recycled');
      const { id } = await scim.create(simpleUser(userName, { externalId: 'oid-a' }));
      await scim.patchUser(id, { op: 'replace', path: 'active', value: false });
      const newcomer = await scim.create(simpleUser(userName, { externalId: 'oid-b' }));
      expect(newcomer.id).not.toBe(id);
      expect(await org.user(id)).toMatchObject({ status: 'archived', externalId: 'oid-a' });
      // A live person with another externalId is not replaced: 409.
      const live = uniqueName('live');
      await scim.create(simpleUser(live, { externalId: 'oid-live' }));
      expectScimError(await scim.post('/Users', simpleUser(live, { externalId: 'oid-other' })), 409, 'uniqueness');
    });

    it('an archived in-app account is not adopted by its email; a live one still is (control)', async () => {
      const archivedEmail = uniqueName('archived-in-app');
      const archived = expectStatus(await admin('post', '/api/v1/users', { email: archivedEmail }), 201).body;
      expectStatus(await admin('post', `/api/v1/users/${archived.id}/archive`), 200);
      const newcomer = await scim.create(simpleUser(archivedEmail));
      expect(newcomer.id).not.toBe(archived.id);
      expect((await org.user(archived.id)).directoryId).toBeNull();

      const liveEmail = uniqueName('live-in-app');
      const live = expectStatus(await admin('post', '/api/v1/users', { email: liveEmail }), 201).body;
      expect((await scim.create(simpleUser(liveEmail))).id).toBe(live.id);
    });
  });

  it('a failing hook rolls the archive back: the person stays active with their session (same transaction)', async () => {
    const person = await provisionedAdmin('rollback');
    const lifecycle = h.app.get(UsersLifecycle);
    const failing = {
      accessName: 'failing-for-test',
      endAccess: async (): Promise<void> => {
        throw new Error('hook failed');
      },
    };
    const unregister = lifecycle.register(failing);
    try {
      expect((await scim.patch(`/Users/${person.id}`, patchOp({ op: 'replace', path: 'active', value: false }))).status).toBe(500);
    } finally {
      unregister();
    }
    expect(await org.user(person.id)).toMatchObject({ status: 'active', archivedAt: null });
    expect(await me(person.session)).toBe(200);
  });
});
