import { UsersSyncService } from './users-sync.service';
import { UsersAdminService } from './users-admin.service';
import { User } from './user.entity';
import { createDirectory, createOrganization, directoryFields, insertPerson } from '../testing/factories.util';
import { ServiceTestApp, startServiceTestApp } from '../testing/service-test-app.util';
import type { SetupResult } from '../setup/organizations.service';
import type { DirectoryScope } from '../org-structure/org-structure-sync.service';

/** The person-field rules of people administration, on the real app and a real (SQLite) database. */
describe('UsersAdminService: the fields of a person', () => {
  let t: ServiceTestApp;
  let people: UsersAdminService;
  let org: SetupResult;
  let actor: { userId: string; organizationId: string };
  let scope: DirectoryScope;
  const row = (id: string): Promise<User> => t.dataSource.manager.findOneByOrFail(User, { id });

  beforeAll(async () => {
    t = await startServiceTestApp();
    people = t.app.get(UsersAdminService);
    org = await createOrganization(t.app);
    actor = { userId: org.adminUserId, organizationId: org.organizationId };
    scope = await createDirectory(t.app, org.organizationId);
  });
  afterAll(() => t.close());

  describe('blank clears', () => {
    it('an empty or whitespace-only value clears the field; a value is stored trimmed', async () => {
      const id = await people.create(actor, { email: 'blank.clears@example.test', firstName: 'Ada', title: 'Engineer', costCenter: 'CC-1' });
      await people.update(actor, id, { firstName: '   ', title: '', costCenter: '  CC-2  ' });
      expect(await row(id)).toMatchObject({ givenName: null, title: null, costCenter: 'CC-2' });
    });

    it('null clears; a field left out stays as it is', async () => {
      const id = await people.create(actor, { email: 'null.clears@example.test', firstName: 'Grace', lastName: 'Hopper' });
      await people.update(actor, id, { lastName: null });
      expect(await row(id)).toMatchObject({ givenName: 'Grace', familyName: null });
    });

    it('a new person without a display name gets their name, else their email', async () => {
      const named = await people.create(actor, { email: 'named@example.test', firstName: 'Alan', lastName: 'Turing', displayName: '  ' });
      const unnamed = await people.create(actor, { email: 'unnamed@example.test' });
      expect((await row(named)).displayName).toBe('Alan Turing');
      expect((await row(unnamed)).displayName).toBe('unnamed@example.test');
    });
  });

  describe('directory-owned and app-owned fields', () => {
    it('refuses a change to a field the directory owns, naming it, and writes nothing', async () => {
      const managed = await t.app.get(UsersSyncService).create(scope, directoryFields('synced@example.test', { givenName: 'Synced', title: 'Analyst' }));
      const id = managed.user.id;
      await expect(people.update(actor, id, { firstName: 'Changed', isAdmin: true })).rejects.toMatchObject({
        code: 'FIELD_MANAGED_BY_DIRECTORY',
        extra: { details: { fields: ['firstName'] } },
      });
      expect(await row(id)).toMatchObject({ givenName: 'Synced', isAdmin: false });
    });

    it('accepts the directory-owned values as they are (a form sends every field back) and changes what the app owns', async () => {
      const managed = await t.app.get(UsersSyncService).create(scope, directoryFields('form@example.test', { givenName: 'Form', title: 'Analyst' }));
      const id = managed.user.id;
      await people.update(actor, id, { firstName: 'Form', title: ' Analyst ', isAdmin: true });
      expect(await row(id)).toMatchObject({ givenName: 'Form', title: 'Analyst', isAdmin: true });
    });

    it('lets the app change every field of a person no directory manages', async () => {
      const id = await people.create(actor, { email: 'in.app@example.test', firstName: 'Old' });
      await people.update(actor, id, { firstName: 'New', title: 'Lead', division: 'North' });
      expect(await row(id)).toMatchObject({ givenName: 'New', title: 'Lead', division: 'North', directoryId: null });
    });
  });

  describe('email', () => {
    it('cannot be cleared', async () => {
      const id = await people.create(actor, { email: 'keep.me@example.test' });
      await expect(people.update(actor, id, { email: null as unknown as string })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((await row(id)).email).toBe('keep.me@example.test');
    });

    it('is unique among the people who are not archived, whatever its case', async () => {
      await insertPerson(t.dataSource.manager, org.organizationId, 'taken@example.test');
      await expect(people.create(actor, { email: 'TAKEN@example.test' })).rejects.toMatchObject({ code: 'EMAIL_ALREADY_IN_USE' });
      const other = await people.create(actor, { email: 'other@example.test' });
      await expect(people.update(actor, other, { email: 'Taken@Example.test' })).rejects.toMatchObject({ code: 'EMAIL_ALREADY_IN_USE' });
      expect((await row(other)).email).toBe('other@example.test');
    });

    it('is free again once its holder is archived', async () => {
      const holder = await people.create(actor, { email: 'moved.on@example.test' });
      await people.archive(actor, holder);
      const successor = await people.create(actor, { email: 'moved.on@example.test' });
      expect((await row(successor)).email).toBe('moved.on@example.test');
      // The archived holder cannot come back while the address is someone else's.
      await expect(people.restore(actor, holder)).rejects.toMatchObject({ code: 'EMAIL_ALREADY_IN_USE' });
    });

    it('a change of case is the same address: no conflict with oneself', async () => {
      const id = await people.create(actor, { email: 'case@example.test' });
      await people.update(actor, id, { email: 'Case@Example.test' });
      expect((await row(id)).email).toBe('case@example.test');
    });
  });
});
