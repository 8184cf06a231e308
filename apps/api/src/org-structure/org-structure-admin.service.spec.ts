import { createDirectory, createOrganization, directoryFields } from '../testing/factories.util';
import { ServiceTestApp, startServiceTestApp } from '../testing/service-test-app.util';
import { UsersSyncService } from '../users/users-sync.service';
import { User } from '../users/user.entity';
import type { DirectoryUserFields } from '../users/user-fields.util';
import { Department } from './department.entity';
import { OrgStructureAdminService } from './org-structure-admin.service';
import type { DirectoryScope } from './org-structure-sync.service';
import { Role } from './role.entity';
import { Site } from './site.entity';

/**
 * How a directory's values reach sites, departments and roles (through UsersSyncService, as a
 * SCIM write does), on the real app and a real (SQLite) database.
 */
describe('OrgStructureAdminService: relinking people to sites, departments and roles', () => {
  let t: ServiceTestApp;
  let people: UsersSyncService;
  let scope: DirectoryScope;
  let n = 0;
  const m = () => t.dataSource.manager;
  const row = (id: string): Promise<User> => m().findOneByOrFail(User, { id });
  const sync = async (text: Parameters<typeof directoryFields>[1], into: DirectoryScope = scope): Promise<User> =>
    row((await people.create(into, directoryFields(`person${++n}@contoso.test`, text))).user.id);
  const resync = async (id: string, text: Parameters<typeof directoryFields>[1]): Promise<User> => {
    const current = await row(id);
    const fields: DirectoryUserFields = directoryFields(current.userName!, text);
    await people.replace(scope, id, fields);
    return row(id);
  };
  const count = (target: typeof Site | typeof Department | typeof Role, name: string, organizationId = scope.organizationId) =>
    m()
      .getRepository(target)
      .createQueryBuilder('e')
      .where('e.organization_id = :organizationId AND LOWER(e.name) = :name', { organizationId, name: name.toLowerCase() })
      .getCount();

  beforeAll(async () => {
    t = await startServiceTestApp();
    people = t.app.get(UsersSyncService);
    const org = await createOrganization(t.app);
    scope = await createDirectory(t.app, org.organizationId);
  });
  afterAll(() => t.close());

  it('creates the site, department and role on their first mention and links the person', async () => {
    const p = await sync({ department: 'Research', title: 'Chemist', addressFormatted: 'Basel Campus', addressLocality: 'Basel', addressCountry: 'CH' });
    const [site, department, role] = await Promise.all([
      m().findOneByOrFail(Site, { id: p.siteId! }),
      m().findOneByOrFail(Department, { id: p.departmentId! }),
      m().findOneByOrFail(Role, { id: p.roleId! }),
    ]);
    expect(site).toMatchObject({ name: 'Basel Campus', locality: 'Basel', country: 'CH' });
    expect(department.name).toBe('Research');
    expect(role.name).toBe('Chemist');
  });

  it('reuses the entity for the same value in another case or with spaces: one row, shared', async () => {
    const a = await sync({ department: 'Logistics' });
    const b = await sync({ department: '  LOGISTICS ' });
    expect(b.departmentId).toBe(a.departmentId);
    expect(await count(Department, 'logistics')).toBe(1);
  });

  it('names a site by its locality when the address has no formatted text', async () => {
    const p = await sync({ addressLocality: 'Lyon' });
    expect((await m().findOneByOrFail(Site, { id: p.siteId! })).name).toBe('Lyon');
  });

  it('never overwrites what the app owns: a later, different address does not change the site', async () => {
    const first = await sync({ addressFormatted: 'Harbour Office', addressStreet: '1 Quay', addressLocality: 'Hull' });
    const second = await sync({ addressFormatted: 'Harbour Office', addressStreet: '99 Elsewhere', addressLocality: 'Leeds' });
    expect(second.siteId).toBe(first.siteId);
    expect(await m().findOneByOrFail(Site, { id: first.siteId! })).toMatchObject({ streetAddress: '1 Quay', locality: 'Hull' });
  });

  it("after an in-app rename, the directory's old value still lands on the renamed entity and does not rename it back", async () => {
    const p = await sync({ department: 'Ops' });
    await t.app.get(OrgStructureAdminService).update(scope.organizationId, 'department', p.departmentId!, { name: 'Operations' });
    const q = await sync({ department: 'Ops' });
    expect(q.departmentId).toBe(p.departmentId);
    expect((await m().findOneByOrFail(Department, { id: p.departmentId! })).name).toBe('Operations');
    expect(await count(Department, 'ops')).toBe(0);
  });

  it('a changed value relinks the person; a blank one clears the link; the old entity stays', async () => {
    const p = await sync({ department: 'Finance', title: 'Clerk' });
    const moved = await resync(p.id, { department: 'Audit', title: 'Clerk' });
    expect(moved.departmentId).not.toBe(p.departmentId);
    expect((await m().findOneByOrFail(Department, { id: moved.departmentId! })).name).toBe('Audit');
    expect(moved.roleId).toBe(p.roleId);
    const cleared = await resync(p.id, { department: null, title: 'Clerk' });
    expect(cleared.departmentId).toBeNull();
    expect(await count(Department, 'finance')).toBe(1);
  });

  it('keeps organisations apart: the same name in another organisation is its own entity', async () => {
    const mine = await sync({ department: 'Legal' });
    const other = await createOrganization(t.app);
    const theirs = await sync({ department: 'Legal' }, await createDirectory(t.app, other.organizationId));
    expect(theirs.departmentId).not.toBe(mine.departmentId);
    expect(await count(Department, 'legal', other.organizationId)).toBe(1);
  });
});
