import { testEngines } from './support/databases';
import { DirectoryHandle, OrgHandle, startTestApp, TestApp } from './support/app';
import { ENTERPRISE, expectStatus, Json, ScimClient, simpleUser, uniqueName } from './support/scim-client';

/**
 * Issue #5 §1: org structure managed in-app, checked against a real SCIM sync: provision, act
 * in-app, provision again, count entities.
 */
describe.each(testEngines())('org structure managed in-app on %s', (engine) => {
  let h: TestApp;
  let org: OrgHandle;
  let dir: DirectoryHandle;
  let scim: ScimClient;

  beforeAll(async () => {
    h = await startTestApp(engine);
    org = await h.organization('In-app org');
    dir = await org.directory();
    scim = dir.scim();
  });

  afterAll(async () => h?.close());

  const send = (method: 'post' | 'patch' | 'delete', path: string, body?: Json) => h.send(method, path, org.adminToken, body);
  const withDepartment = (department: string, extra: Json = {}) => scim.create(simpleUser(uniqueName('dept'), { [ENTERPRISE]: { department }, ...extra }));
  const departmentOf = async (userId: string) => (await org.user(userId)).department;

  it('a rename keeps the mapping: the old directory value lands on the renamed department, no duplicate appears', async () => {
    const first = await withDepartment('Platform');
    const { id } = (await departmentOf(first.id)) as { id: string };
    const renamed = expectStatus(await send('patch', `/api/v1/departments/${id}`, { name: 'Platform Engineering' }), 200);
    expect(renamed.body).toMatchObject({ id, name: 'Platform Engineering', userCount: 1 });

    const second = await withDepartment('platform'); // the directory still says "Platform"
    expect(await departmentOf(second.id)).toEqual({ id, name: 'Platform Engineering' });
    await scim.patchUser(first.id, { op: 'replace', path: 'displayName', value: 'Synced again' });
    expect(await departmentOf(first.id)).toEqual({ id, name: 'Platform Engineering' });
    expect(await org.entitiesNamed('departments', 'Platform')).toEqual([]);
    expect((await org.entitiesNamed('departments', 'Platform Engineering')).map((d) => d.userCount)).toEqual([2]);
  });

  it('delete with reassignTo merges: people and the directory value move to the other department', async () => {
    const a = await withDepartment('Sales EMEA');
    const b = await withDepartment('Sales');
    const from = (await departmentOf(a.id)) as { id: string };
    const to = (await departmentOf(b.id)) as { id: string };
    expectStatus(await send('delete', `/api/v1/departments/${from.id}?reassignTo=${to.id}`), 204);

    expect(await departmentOf(a.id)).toEqual({ id: to.id, name: 'Sales' });
    const later = await withDepartment('Sales EMEA');
    expect(await departmentOf(later.id)).toEqual({ id: to.id, name: 'Sales' });
    expect(await org.entitiesNamed('departments', 'Sales EMEA')).toEqual([]);
    expectStatus(await org.get(`/api/v1/departments/${from.id}`), 404);
  });

  it('a plain delete unlinks its people and forgets the mapping: the next mention creates it afresh', async () => {
    const person = await withDepartment('Legal');
    const old = (await departmentOf(person.id)) as { id: string };
    expectStatus(await send('delete', `/api/v1/departments/${old.id}`), 204);
    expect(await departmentOf(person.id)).toBeNull();
    expect(await org.entitiesNamed('departments', 'Legal')).toEqual([]);

    // Provision again: the same person synced again, and a newcomer.
    await scim.patchUser(person.id, { op: 'replace', path: 'title', value: 'Counsel' });
    const fresh = (await departmentOf(person.id)) as { id: string; name: string };
    expect(fresh.name).toBe('Legal');
    expect(fresh.id).not.toBe(old.id);
    const newcomer = await withDepartment('LEGAL');
    expect(await departmentOf(newcomer.id)).toEqual(fresh);
    expect(await org.entitiesNamed('departments', 'Legal')).toHaveLength(1);
  });

  it('works the same for roles (title) and sites (work address), with the site address editable', async () => {
    const person = await scim.create(simpleUser(uniqueName('site'), { title: 'Designer', addresses: [{ type: 'work', locality: 'Porto', country: 'PT' }] }));
    const user = await org.user(person.id);
    const role = expectStatus(await send('patch', `/api/v1/roles/${user.role.id}`, { name: 'Product Designer' }), 200).body;
    expect(role).toMatchObject({ name: 'Product Designer', userCount: 1 });
    const site = expectStatus(
      await send('patch', `/api/v1/sites/${user.site.id}`, { name: 'Porto office', address: { streetAddress: 'Rua 1', postalCode: '4000' } }),
      200,
    ).body;
    expect(site).toMatchObject({ name: 'Porto office', address: { streetAddress: 'Rua 1', locality: 'Porto', postalCode: '4000', country: 'PT' } });

    const colleague = await scim.create(simpleUser(uniqueName('site'), { title: 'designer', addresses: [{ type: 'work', locality: 'porto' }] }));
    expect(await org.user(colleague.id)).toMatchObject({
      role: { id: user.role.id, name: 'Product Designer' },
      site: { id: user.site.id, name: 'Porto office' },
    });
  });

  it('creates entities in-app; names stay unique case-insensitively (409 ORG_NAME_TAKEN), bad input changes nothing', async () => {
    const created = expectStatus(await send('post', '/api/v1/roles', { name: 'Staff Engineer' }), 201).body;
    expect(created).toMatchObject({ name: 'Staff Engineer', userCount: 0 });
    const dup = expectStatus(await send('post', '/api/v1/roles', { name: 'staff engineer' }), 409);
    expect(dup.body).toMatchObject({ statusCode: 409, code: 'ORG_NAME_TAKEN' });
    const other = expectStatus(await send('post', '/api/v1/roles', { name: 'Principal Engineer' }), 201).body;
    expect(expectStatus(await send('patch', `/api/v1/roles/${other.id}`, { name: 'STAFF ENGINEER' }), 409).body.code).toBe('ORG_NAME_TAKEN');
    expect((await org.get(`/api/v1/roles/${other.id}`)).body.name).toBe('Principal Engineer');

    expect(expectStatus(await send('post', '/api/v1/roles', { name: '  ' }), 400).body.code).toBe('VALIDATION_FAILED');
    expect(expectStatus(await send('delete', `/api/v1/roles/${other.id}?reassignTo=${other.id}`), 400).body.code).toBe('INVALID_REASSIGN');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(expectStatus(await send('delete', `/api/v1/roles/${other.id}?reassignTo=${unknown}`), 404).body.code).toBe('ROLE_NOT_FOUND');
    expect(expectStatus(await send('delete', `/api/v1/roles/${other.id}?reassignTo=nope`), 400).body.code).toBe('VALIDATION_FAILED');
    expectStatus(await org.get(`/api/v1/roles/${other.id}`), 200); // still there after every refusal
  });

  it("another organisation's admin gets 404 and changes nothing", async () => {
    const person = await withDepartment('Finance');
    const dept = (await departmentOf(person.id)) as { id: string };
    const other = await h.organization('Someone else');
    for (const [method, path, body] of [
      ['patch', `/api/v1/departments/${dept.id}`, { name: 'Stolen' }],
      ['delete', `/api/v1/departments/${dept.id}`, undefined],
    ] as const) {
      expect(expectStatus(await h.send(method, path, other.adminToken, body), 404).body.code).toBe('DEPARTMENT_NOT_FOUND');
    }
    expect(await departmentOf(person.id)).toEqual({ id: dept.id, name: 'Finance' });
  });

  it('no answer was a 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});
