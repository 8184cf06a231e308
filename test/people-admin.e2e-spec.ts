import { testEngines } from './support/databases';
import { DirectoryHandle, OrgHandle, startTestApp, TestApp } from './support/app';
import { ENTERPRISE, expectStatus, Json, ScimClient, simpleUser, uniqueName } from './support/scim-client';

/**
 * Issue #5 §2: people administration in the app, and role grades (§1). A person a directory
 * manages keeps their directory-owned fields read-only here (409 FIELD_MANAGED_BY_DIRECTORY),
 * while the app-owned ones (grade, isAdmin) are editable and survive the next sync.
 */
describe.each(testEngines())('people administration on %s', (engine) => {
  let h: TestApp;
  let org: OrgHandle;
  let dir: DirectoryHandle;
  let scim: ScimClient;

  beforeAll(async () => {
    h = await startTestApp(engine);
    org = await h.organization('People admin org');
    dir = await org.directory();
    scim = dir.scim();
  });

  afterAll(async () => h?.close());

  const send = (method: 'post' | 'patch' | 'delete', path: string, body?: Json) => h.send(method, path, org.adminToken, body);
  const createPerson = async (body: Json): Promise<Json> => expectStatus(await send('post', '/api/v1/users', body), 201).body;
  const expectCode = (res: { status: number; body: Json }, status: number, code: string) => {
    expectStatus(res as never, status);
    expect(res.body).toMatchObject({ statusCode: status, code });
  };

  it('creates a person in-app: uninvited, no directory, linked to org structure, with a grade of their role', async () => {
    const site = expectStatus(await send('post', '/api/v1/sites', { name: 'Lisbon' }), 201).body;
    const department = expectStatus(await send('post', '/api/v1/departments', { name: 'Finance' }), 201).body;
    const role = expectStatus(await send('post', '/api/v1/roles', { name: 'Analyst', grades: [' A1 ', 'A2', 'a2', 'A3'] }), 201).body;
    expect(role.grades).toEqual(['A1', 'A2', 'A3']);

    const person = await createPerson({
      email: 'Grace.Hopper@example.test',
      firstName: 'Grace',
      lastName: 'Hopper',
      title: 'Senior Analyst',
      siteId: site.id,
      departmentId: department.id,
      roleId: role.id,
      managerId: org.adminUserId,
      grade: 'A2',
    });
    expect(person).toMatchObject({
      email: 'Grace.Hopper@example.test',
      userName: null,
      firstName: 'Grace',
      lastName: 'Hopper',
      displayName: 'Grace Hopper',
      status: 'uninvited',
      directoryId: null,
      site: { id: site.id, name: 'Lisbon' },
      department: { id: department.id, name: 'Finance' },
      role: { id: role.id, name: 'Analyst' },
      manager: { id: org.adminUserId },
      grade: 'A2',
      isAdmin: false,
      archivedAt: null,
    });
    expect(await org.user(person.id)).toEqual(person);
  });

  it('refuses a second person with the same email (any case), a grade the role lacks and links to other organisations', async () => {
    await createPerson({ email: 'unique.person@example.test' });
    const dup = await send('post', '/api/v1/users', { email: 'UNIQUE.person@example.test' });
    expectCode(dup, 409, 'EMAIL_ALREADY_IN_USE');
    expect(dup.body.details.userId).toEqual(expect.any(String));

    const role = expectStatus(await send('post', '/api/v1/roles', { name: 'Engineer', grades: ['E1', 'E2'] }), 201).body;
    expectCode(await send('post', '/api/v1/users', { email: 'g1@example.test', roleId: role.id, grade: 'E9' }), 400, 'INVALID_GRADE');
    expectCode(await send('post', '/api/v1/users', { email: 'g2@example.test', grade: 'E1' }), 400, 'INVALID_GRADE');

    const other = await h.organization();
    const foreignSite = expectStatus(await h.send('post', '/api/v1/sites', other.adminToken, { name: 'Elsewhere' }), 201).body;
    const res = await send('post', '/api/v1/users', { email: 'g3@example.test', siteId: foreignSite.id });
    expectCode(res, 400, 'INVALID_REFERENCE');
    expect(res.body.details).toEqual({ fields: ['siteId'] });
    expectCode(await send('post', '/api/v1/users', { email: 'not-an-email' }), 400, 'VALIDATION_FAILED');
    // Nothing was written by the refused requests.
    expect((await org.users({ q: 'g' })).items.filter((u) => /^g\d@/.test(u.email))).toEqual([]);
  });

  it('edits an in-app person: names, email, links; blank clears; the email stays unique', async () => {
    const person = await createPerson({ email: 'edit.me@example.test', firstName: 'Edit', title: 'Intern' });
    await createPerson({ email: 'taken@example.test' });
    const edited = expectStatus(
      await send('patch', `/api/v1/users/${person.id}`, { firstName: 'Edited', title: '   ', email: 'edited@example.test' }),
      200,
    ).body;
    expect(edited).toMatchObject({ firstName: 'Edited', title: null, email: 'edited@example.test' });
    expectCode(await send('patch', `/api/v1/users/${person.id}`, { email: 'Taken@example.test' }), 409, 'EMAIL_ALREADY_IN_USE');
    expectCode(await send('patch', `/api/v1/users/${person.id}`, { managerId: person.id }), 400, 'INVALID_MANAGER');
    expect((await org.user(person.id)).email).toBe('edited@example.test');
  });

  it('DESIGN §1.7 blank clears: "   " stores nothing on create and clears names and HR fields on edit; other text is stored trimmed', async () => {
    const person = await createPerson({ email: 'blank.clears@example.test', firstName: '   ', lastName: ' Lovelace ', costCenter: '  ', nickName: 'Ada' });
    expect(await org.user(person.id)).toMatchObject({ firstName: null, lastName: 'Lovelace', hr: { costCenter: null, nickName: 'Ada' } });
    const edited = expectStatus(await send('patch', `/api/v1/users/${person.id}`, { lastName: '\t ', nickName: '   ', division: ' Research ' }), 200).body;
    expect(edited).toMatchObject({ firstName: null, lastName: null, hr: { nickName: null, division: 'Research' } });
    expect(await org.user(person.id)).toMatchObject({ lastName: null, hr: { nickName: null, division: 'Research' } });
  });

  it('a directory-managed person: directory-owned fields are refused, app-owned ones change and survive the next sync', async () => {
    const scimUser = await scim.create(
      simpleUser(uniqueName('managed'), { title: 'Staff Engineer', name: { givenName: 'Ada' }, [ENTERPRISE]: { department: 'R&D' } }),
    );
    const before = await org.user(scimUser.id);
    const role = before.role as { id: string };
    expectStatus(await send('patch', `/api/v1/roles/${role.id}`, { grades: ['S1', 'S2'] }), 200);

    const refused = await send('patch', `/api/v1/users/${scimUser.id}`, { firstName: 'Augusta', title: 'Principal', grade: 'S1' });
    expectCode(refused, 409, 'FIELD_MANAGED_BY_DIRECTORY');
    expect(refused.body.details).toEqual({ fields: ['firstName', 'title'] });
    expect(await org.user(scimUser.id)).toEqual(before); // nothing changed, not even the grade

    for (const body of [{ departmentId: null }, { email: 'other@example.test' }, { managerId: org.adminUserId }]) {
      expectCode(await send('patch', `/api/v1/users/${scimUser.id}`, body), 409, 'FIELD_MANAGED_BY_DIRECTORY');
    }
    expectCode(await send('post', `/api/v1/users/${scimUser.id}/archive`), 409, 'FIELD_MANAGED_BY_DIRECTORY');

    // Sending the record back unchanged is fine; the app-owned fields change.
    const echoed = { firstName: before.firstName, title: before.title, departmentId: before.department.id, grade: 'S2', isAdmin: true };
    const edited = expectStatus(await send('patch', `/api/v1/users/${scimUser.id}`, echoed), 200).body;
    expect(edited).toMatchObject({ grade: 'S2', isAdmin: true, firstName: 'Ada', title: 'Staff Engineer' });

    // The directory syncs again: its fields change, the app's stay.
    await scim.patchUser(scimUser.id, { op: 'replace', path: 'name.givenName', value: 'Augusta' });
    expect(await org.user(scimUser.id)).toMatchObject({ firstName: 'Augusta', grade: 'S2', isAdmin: true });
    // A new title moves them to a role without that grade: the grade goes with the old role.
    await scim.patchUser(scimUser.id, { op: 'replace', path: 'title', value: 'Architect' });
    expect(await org.user(scimUser.id)).toMatchObject({ title: 'Architect', role: { name: 'Architect' }, grade: null, isAdmin: true });
  });

  it('replacing role grades drops grades no longer listed; merging roles keeps only grades the target has', async () => {
    const a = expectStatus(await send('post', '/api/v1/roles', { name: 'Designer', grades: ['D1', 'D2', 'D3'] }), 201).body;
    const b = expectStatus(await send('post', '/api/v1/roles', { name: 'UX Designer', grades: ['D1'] }), 201).body;
    const p1 = await createPerson({ email: 'd1@example.test', roleId: a.id, grade: 'D1' });
    const p2 = await createPerson({ email: 'd2@example.test', roleId: a.id, grade: 'D2' });
    const p3 = await createPerson({ email: 'd3@example.test', roleId: a.id, grade: 'D3' });

    expect(expectStatus(await send('patch', `/api/v1/roles/${a.id}`, { grades: ['D1', 'D2'] }), 200).body.grades).toEqual(['D1', 'D2']);
    expect((await org.user(p3.id)).grade).toBeNull();
    expect((await org.user(p2.id)).grade).toBe('D2');

    expectStatus(await send('delete', `/api/v1/roles/${a.id}?reassignTo=${b.id}`), 204);
    expect(await org.user(p1.id)).toMatchObject({ role: { id: b.id }, grade: 'D1' });
    expect(await org.user(p2.id)).toMatchObject({ role: { id: b.id }, grade: null });
    expect(expectStatus(await org.get(`/api/v1/roles/${b.id}`), 200).body).toMatchObject({ grades: ['D1'], userCount: 3 });
  });

  it('archives and restores an in-app person (idempotent), keeps their status, and never archives the caller', async () => {
    const person = await createPerson({ email: 'archive.me@example.test' });
    const archived = expectStatus(await send('post', `/api/v1/users/${person.id}/archive`), 200).body;
    expect(archived.status).toBe('archived');
    expect(archived.archivedAt).toEqual(expect.any(String));
    expectStatus(await send('post', `/api/v1/users/${person.id}/archive`), 200);
    expect((await org.users({ status: 'archived' })).items.map((u) => u.id)).toContain(person.id);

    const restored = expectStatus(await send('post', `/api/v1/users/${person.id}/restore`), 200).body;
    expect(restored).toMatchObject({ status: 'uninvited', archivedAt: null });

    expectCode(await send('post', `/api/v1/users/${org.adminUserId}/archive`), 409, 'CANNOT_CHANGE_OWN_ACCESS');
    expectCode(await send('patch', `/api/v1/users/${org.adminUserId}`, { isAdmin: false }), 409, 'CANNOT_CHANGE_OWN_ACCESS');
    expect((await org.user(org.adminUserId)).isAdmin).toBe(true);
  });

  it('a directory later sending the same email adopts the in-app person instead of duplicating them', async () => {
    const person = await createPerson({ email: 'adopt.me@example.test', firstName: 'Adopt' });
    const scimUser = await scim.create(simpleUser('adopt.me@example.test', { name: { givenName: 'Adopted' } }));
    expect(scimUser.id).toBe(person.id);
    expect(await org.user(person.id)).toMatchObject({ directoryId: dir.id, firstName: 'Adopted', userName: 'adopt.me@example.test' });
    expectCode(await send('patch', `/api/v1/users/${person.id}`, { firstName: 'Back' }), 409, 'FIELD_MANAGED_BY_DIRECTORY');
  });

  it('answers 404 for people of other organisations and never 5xx', async () => {
    const other = await h.organization();
    const theirs = expectStatus(await h.send('post', '/api/v1/users', other.adminToken, { email: 'theirs@example.test' }), 201).body;
    expectCode(await send('patch', `/api/v1/users/${theirs.id}`, { firstName: 'Mine' }), 404, 'USER_NOT_FOUND');
    expectCode(await send('post', `/api/v1/users/${theirs.id}/archive`), 404, 'USER_NOT_FOUND');
    expectCode(await send('post', `/api/v1/users/not-a-uuid/restore`), 404, 'USER_NOT_FOUND');
    expect(h.serverErrors()).toEqual([]);
  });

  it('lists page by keyset with `cursor` (id order, nextCursor, no total); numbered pages keep working', async () => {
    const own = await h.organization('Keyset org');
    const ownScim = (await own.directory()).scim();
    const created: string[] = [own.adminUserId];
    for (let i = 0; i < 5; i++) created.push((await ownScim.create(simpleUser(uniqueName('keyset')))).id);
    const group = expectStatus(
      await ownScim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: uniqueName('keyset group'),
        members: created.slice(1).map((value) => ({ value })),
      }),
      201,
    ).body;

    const walk = async (path: string): Promise<{ ids: string[]; pages: Json[] }> => {
      const ids: string[] = [];
      const pages: Json[] = [];
      let cursor = '';
      for (let n = 0; n < 20; n++) {
        const page = expectStatus(await own.get(`${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams({ cursor, limit: '2' }).toString()}`), 200).body;
        pages.push(page);
        expect(page).not.toHaveProperty('total');
        expect(page).not.toHaveProperty('page');
        ids.push(...page.items.map((x: Json) => x.id));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      return { ids, pages };
    };
    const people = await walk('/api/v1/users');
    expect(people.ids).toEqual([...created].sort());
    expect(people.pages.map((p) => p.items.length)).toEqual([2, 2, 2]);
    const { directoryId } = await own.user(created[1]);
    expect((await walk(`/api/v1/users?directoryId=${directoryId}`)).ids).toEqual(created.slice(1).sort());
    expect((await walk(`/api/v1/groups/${group.id}/members`)).ids).toEqual(created.slice(1).sort());
    expect((await walk('/api/v1/groups')).ids).toEqual([group.id]);
    const departments: string[] = [];
    for (const name of ['Keyset A', 'Keyset B', 'Keyset C'])
      departments.push(expectStatus(await h.send('post', '/api/v1/departments', own.adminToken, { name }), 201).body.id);
    expect((await walk('/api/v1/departments')).ids).toEqual(departments.sort());
    expect((await walk('/api/v1/directories')).ids).toEqual([directoryId]);
    expect((await walk(`/api/v1/directories/${directoryId}/tokens`)).ids).toHaveLength(1);
    expect((await walk(`/api/v1/directories/${directoryId}/oauth-clients`)).ids).toEqual([]);

    const numbered = expectStatus(await own.get('/api/v1/users?page=2&limit=4'), 200).body;
    expect(numbered).toMatchObject({ total: 6, page: 2, limit: 4 });
    expect(numbered.items).toHaveLength(2);
    for (const cursor of ['garbage!', Buffer.from('2.x').toString('base64url'), Buffer.from("1.x' OR 1=1").toString('base64url')]) {
      const res = await own.get(`/api/v1/users?${new URLSearchParams({ cursor }).toString()}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
});
