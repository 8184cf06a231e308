import { randomUUID } from 'node:crypto';
import { DirectoryHandle, OrgHandle, PUBLIC_URL, startTestApp, TestApp } from './support/app';
import {
  CORE_USER,
  enterprise,
  ENTERPRISE,
  expectScimError,
  expectStatus,
  FLAG,
  Json,
  LIST_RESPONSE,
  patchOp,
  ScimClient,
  simpleUser,
  sleep,
  tutorialUser,
  uniqueName,
} from './support/scim-client';
import { testEngines } from './support/databases';

/**
 * Every user request shape of ENTRA.md §2.3–2.6, the people rules of DESIGN.md §1 and the SCIM
 * rules of DESIGN.md §3, checked through the status AND the stored result (SCIM GET and the
 * admin API), on both engines, with and without `?aadOptscim062020` on the path.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FLAG_MODES = [
  ['without the flag', false],
  [`with ?${FLAG}`, true],
] as const;
const SCIM_BASE = `${PUBLIC_URL}/scim/v2`;

/** Entra capitalises op names without the flag and lowercases them with it (ENTRA.md §2.4). */
const opName = (flag: boolean, op: 'Add' | 'Replace' | 'Remove'): string => (flag ? op.toLowerCase() : op);

/** A resource without `meta` (which may legitimately move on a no-op write). */
const withoutMeta = ({ meta: _meta, ...rest }: Json): Json => rest;

describe.each(testEngines())('SCIM /Users on %s', (engine) => {
  let h: TestApp;
  let org: OrgHandle;

  beforeAll(async () => {
    h = await startTestApp(engine);
    org = await h.organization('Contoso');
  });

  afterAll(async () => h?.close());

  describe.each(FLAG_MODES)('ENTRA.md §2.3 user create, %s', (_, flag) => {
    let dir: DirectoryHandle;
    let scim: ScimClient;
    // Entra's sample bodies carry fixed emails, and a work email is unique among the people of an
    // organisation who are not archived: each mode gets its own organisation.
    let org: OrgHandle;

    beforeAll(async () => {
      org = await h.organization(`Contoso §2.3 ${flag ? 'flag' : 'plain'}`);
      dir = await org.directory();
      scim = dir.scim(flag);
    });

    it('the lookup answers 200 with nothing, the tutorial POST answers 201 with the stored resource, and the person is uninvited', async () => {
      const userName = `Test_User_${randomUUID()}`;
      expect(await scim.lookup(userName)).toEqual([]);

      // The tutorial body, verbatim but for the userName (userNames are unique per organisation).
      const body = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        userName,
        active: true,
        emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
        meta: { resourceType: 'User' },
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        roles: [],
      };
      const res = expectStatus(await scim.post('/Users', body), 201);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      const created = res.body;
      expect(created).toMatchObject({
        schemas: expect.arrayContaining(['urn:ietf:params:scim:schemas:core:2.0:User']),
        id: expect.stringMatching(UUID),
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        userName,
        active: true,
        emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        meta: {
          resourceType: 'User',
          created: expect.any(String),
          lastModified: expect.any(String),
          location: `${SCIM_BASE}/Users/${created.id}`,
          version: expect.any(String),
        },
      });
      expect(res.headers.location).toBe(created.meta.location);
      expect(created).not.toHaveProperty('roles');
      expect(JSON.stringify(created)).not.toContain('null');

      // Stored: GET answers the same resource; the lookup matches case-insensitively.
      expect(await scim.user(created.id)).toEqual(created);
      expect(await scim.lookup(userName)).toEqual([created.id]);
      expect(await scim.lookup(userName.toUpperCase())).toEqual([created.id]);
      expect(await scim.lookup(userName.toLowerCase())).toEqual([created.id]);

      expect(await org.user(created.id)).toMatchObject({
        id: created.id,
        userName,
        email: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com',
        firstName: 'givenName',
        lastName: 'familyName',
        status: 'uninvited',
        directoryId: dir.id,
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        site: null,
        department: null,
        role: null,
        manager: null,
        isAdmin: false,
        archivedAt: null,
      });
    });

    it('the older sample (explicit nulls, top-level department/manager) answers 201 and stores what it carries; with its misspelled enterprise URN it is 400 naming it', async () => {
      const userName = uniqueName('jyoung');
      const misspelled = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User';
      const body = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        externalId: 'jyoung',
        userName,
        active: true,
        addresses: null,
        displayName: 'Joy Young',
        emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
        meta: { resourceType: 'User' },
        name: { familyName: 'Young', givenName: 'Joy' },
        phoneNumbers: null,
        preferredLanguage: null,
        title: null,
        department: null,
        manager: null,
      };
      // Issue #10: a schema URN this server does not declare is refused, not dropped.
      const refused = expectScimError(await scim.post('/Users', { ...body, schemas: [...body.schemas, misspelled] }), 400, 'invalidSyntax');
      expect(refused.detail).toContain(misspelled);
      const created = await scim.create(body);
      expect(created).toMatchObject({
        userName,
        externalId: 'jyoung',
        displayName: 'Joy Young',
        active: true,
        emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
        name: { familyName: 'Young', givenName: 'Joy' },
      });
      for (const absent of ['addresses', 'phoneNumbers', 'preferredLanguage', 'title', 'department', 'manager', ENTERPRISE]) {
        expect(created).not.toHaveProperty([absent]);
      }
      expect(await scim.user(created.id)).toEqual(created);
      expect(await org.user(created.id)).toMatchObject({
        displayName: 'Joy Young',
        title: null,
        email: 'jyoung@Contoso.com',
        status: 'uninvited',
        department: null,
        role: null,
        site: null,
        manager: null,
      });
    });
  });

  describe.each(FLAG_MODES)('ENTRA.md §2.4 user PATCH, %s', (_, flag) => {
    let scim: ScimClient;
    // Fixed emails from Entra's samples: one organisation per mode (work emails are unique).
    let org: OrgHandle;

    beforeAll(async () => {
      org = await h.organization(`Contoso §2.4 ${flag ? 'flag' : 'plain'}`);
      scim = (await org.directory()).scim(flag);
    });

    const fresh = (body: Json = tutorialUser(`Test_User_${randomUUID()}`)): Promise<Json> => scim.create(body);

    it('multi-valued and single-valued replace in one request → 204; both stored', async () => {
      const user = await fresh();
      await scim.patchUser(
        user.id,
        { op: opName(flag, 'Replace'), path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: opName(flag, 'Replace'), path: 'name.familyName', value: 'updatedFamilyName' },
      );
      const got = await scim.user(user.id);
      expect(got.emails).toEqual([{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
      expect(got.name).toEqual({ formatted: 'givenName familyName', familyName: 'updatedFamilyName', givenName: 'givenName' });
      expect(got).toMatchObject({ userName: user.userName, externalId: user.externalId, active: true });
      expect(await org.user(user.id)).toMatchObject({ email: 'updatedEmail@microsoft.com', lastName: 'updatedFamilyName', firstName: 'givenName' });
    });

    it('single-valued replace of userName → 204; the new name is found, the old one is not', async () => {
      const user = await fresh();
      const next = `${randomUUID()}@testuser.com`;
      await scim.patchUser(user.id, { op: opName(flag, 'Replace'), path: 'userName', value: next });
      expect((await scim.user(user.id)).userName).toBe(next);
      expect(await scim.lookup(next.toUpperCase())).toEqual([user.id]);
      expect(await scim.lookup(user.userName)).toEqual([]);
      expect((await org.user(user.id)).userName).toBe(next);
    });

    it('"replace multiple attributes", the body Entra sends without the flag → 204; all six stored', async () => {
      const user = await fresh();
      await scim.patchUser(
        user.id,
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
        { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
        { op: 'Replace', path: 'externalId', value: 'Eqpj' },
        { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', value: 'Eqpj' },
      );
      const got = await scim.user(user.id);
      expect(got).toMatchObject({
        displayName: 'Pvlo',
        emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work', primary: true }],
        name: { givenName: 'Gtfd', familyName: 'Pkqf' },
        externalId: 'Eqpj',
        [ENTERPRISE]: { employeeNumber: 'Eqpj' },
      });
      expect(await org.user(user.id)).toMatchObject({
        displayName: 'Pvlo',
        firstName: 'Gtfd',
        lastName: 'Pkqf',
        externalId: 'Eqpj',
        email: 'TestBcwqnm@test.microsoft.com',
      });
    });

    it('"replace multiple attributes", the body Entra sends with the flag (path-less, dotted and URN keys) → 204; all stored', async () => {
      const user = await fresh();
      await scim.patchUser(
        user.id,
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Bjfe',
            'name.givenName': 'Kkom',
            'name.familyName': 'Unua',
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
          },
        },
      );
      const got = await scim.user(user.id);
      expect(got).toMatchObject({
        displayName: 'Bjfe',
        emails: [{ value: 'TestMhvaes@test.microsoft.com', type: 'work', primary: true }],
        name: { givenName: 'Kkom', familyName: 'Unua', formatted: 'givenName familyName' },
        [ENTERPRISE]: { employeeNumber: 'Aklq' },
      });
      // Dotted keys are paths, never stored as literal keys (ENTRA.md §6 pitfall 4).
      expect(got).not.toHaveProperty(['name.givenName']);
      expect(await org.user(user.id)).toMatchObject({ displayName: 'Bjfe', firstName: 'Kkom', lastName: 'Unua' });
    });

    it('path-less add with dotted keys (scimitar#123) → 204; stored', async () => {
      const user = await fresh();
      await scim.patchUser(user.id, {
        op: opName(flag, 'Add'),
        value: { 'name.givenName': 'Ada', 'name.formatted': 'Ada Lovelace', title: 'Analyst', displayName: 'Ada L.' },
      });
      expect(await scim.user(user.id)).toMatchObject({ name: { givenName: 'Ada', formatted: 'Ada Lovelace' }, title: 'Analyst', displayName: 'Ada L.' });
    });

    it('add nickName (KI "add a single-value string attribute") → 204 and it is stored', async () => {
      const user = await fresh();
      await scim.patchUser(user.id, { op: opName(flag, 'Add'), path: 'nickName', value: 'Babs' });
      expect(await scim.user(user.id)).toMatchObject({ nickName: 'Babs' });
    });

    it("app role assignments (roles, which this server does not keep): the tutorial's empty roles is 201, roles with values are 400 naming them", async () => {
      const user = await fresh({ ...tutorialUser(`Test_User_${randomUUID()}`), roles: [] });
      expect(user).not.toHaveProperty('roles');
      const withRoles = await scim.post('/Users', {
        ...tutorialUser(`Test_User_${randomUUID()}`),
        roles: [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }],
      });
      expect(expectScimError(withRoles, 400, 'invalidSyntax').detail).toContain('"roles"');
      const before = await scim.user(user.id);
      const add = await scim.patch(
        `/Users/${user.id}`,
        patchOp({
          op: opName(flag, 'Add'),
          path: 'roles',
          value: [{ value: '{"id":"7db3c7e7-5c1f-4b2a-8f9e-1a2b3c4d5e6f","value":"25","displayName":"Role1234"}' }],
        }),
      );
      expectScimError(add, 400, 'invalidPath');
      expect(withoutMeta(await scim.user(user.id))).toEqual(withoutMeta(before));
    });

    it('address sub-attributes as one Add each → one work address, and its site is created and linked', async () => {
      const user = await fresh();
      const city = `Locality ${randomUUID().slice(0, 8)}`;
      await scim.patchUser(
        user.id,
        { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: 'Street' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: city },
        { op: 'Add', path: 'addresses[type eq "work"].region', value: 'Region' },
        { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: 'PostalCode' },
        { op: 'Add', path: 'addresses[type eq "work"].country', value: 'Country' },
      );
      const got = await scim.user(user.id);
      expect(got.addresses).toHaveLength(1);
      expect(got.addresses[0]).toMatchObject({
        type: 'work',
        streetAddress: 'Street',
        locality: city,
        region: 'Region',
        postalCode: 'PostalCode',
        country: 'Country',
      });
      const admin = await org.user(user.id);
      expect(admin.site).toEqual({ id: expect.stringMatching(UUID), name: city });
      // Add on an existing value acts as replace and keeps a single address.
      await scim.patchUser(user.id, { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: '12345' });
      const again = await scim.user(user.id);
      expect(again.addresses).toHaveLength(1);
      expect(again.addresses[0]).toMatchObject({ type: 'work', postalCode: '12345', locality: city, streetAddress: 'Street' });
      expect((await org.user(user.id)).site).toEqual(admin.site);
    });

    it('Add to emails[type eq "work"].value when no work email exists creates it', async () => {
      const none = await fresh({ schemas: [CORE_USER], userName: uniqueName('no-email') });
      expect(none).not.toHaveProperty('emails');
      await scim.patchUser(none.id, { op: opName(flag, 'Add'), path: 'emails[type eq "work"].value', value: 'first.work@contoso.test' });
      expect((await scim.user(none.id)).emails).toEqual([expect.objectContaining({ type: 'work', value: 'first.work@contoso.test' })]);
      expect((await org.user(none.id)).email).toBe('first.work@contoso.test');

      const other = await fresh({ schemas: [CORE_USER], userName: uniqueName('other-email'), emails: [{ type: 'other', value: 'home@example.test' }] });
      await scim.patchUser(other.id, { op: opName(flag, 'Add'), path: 'emails[type eq "work"].value', value: 'second.work@contoso.test' });
      const emails = (await scim.user(other.id)).emails;
      expect(emails).toHaveLength(2);
      expect(emails).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'other', value: 'home@example.test' }),
          expect.objectContaining({ type: 'work', value: 'second.work@contoso.test' }),
        ]),
      );
      expect((await org.user(other.id)).email).toBe('second.work@contoso.test');
    });

    it('op values, attribute names, sub-attributes and schema URNs are case-insensitive', async () => {
      const user = await fresh();
      const dept = `Case Dept ${randomUUID().slice(0, 8)}`;
      await scim.patchUser(
        user.id,
        { op: 'REPLACE', path: 'DISPLAYNAME', value: 'Upper Case' },
        { op: 'rEpLaCe', path: 'Name.GivenName', value: 'Mixed' },
        { op: 'Replace', path: 'EMAILS[TYPE eq "work"].VALUE', value: 'case@contoso.test' },
        { op: 'ADD', path: 'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:Department', value: dept },
      );
      const got = await scim.user(user.id);
      expect(got).toMatchObject({
        displayName: 'Upper Case',
        name: { givenName: 'Mixed' },
        emails: [{ type: 'work', value: 'case@contoso.test', primary: true }],
        [ENTERPRISE]: { department: dept },
      });
      expect(got).not.toHaveProperty('DISPLAYNAME');
      expect((await org.user(user.id)).department).toEqual({ id: expect.any(String), name: dept });
    });

    it('with ?attributes= in the query, PATCH answers 200 with the (projected) resource', async () => {
      const user = await fresh();
      const res = expectStatus(
        await scim.patch(`/Users/${user.id}?attributes=displayName`, patchOp({ op: opName(flag, 'Replace'), path: 'displayName', value: 'Projected' })),
        200,
      );
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body).toMatchObject({ id: user.id, displayName: 'Projected' });
      expect(res.body).not.toHaveProperty('emails');
      expect((await scim.user(user.id)).displayName).toBe('Projected');
    });
  });

  describe.each(FLAG_MODES)('manager (ENTRA.md §2.4), %s', (_, flag) => {
    let scim: ScimClient;
    let boss: Json;
    let boss2: Json;

    beforeAll(async () => {
      scim = (await org.directory()).scim(flag);
      boss = await scim.create(simpleUser(uniqueName('boss'), { displayName: 'Boss One' }));
      boss2 = await scim.create(simpleUser(uniqueName('boss2'), { displayName: 'Boss Two' }));
    });

    const employee = (): Promise<Json> => scim.create(simpleUser(uniqueName('emp'), { displayName: 'Employee' }));
    const managerPath = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager';

    /** SCIM answers `{value, $ref, displayName}` under the enterprise key; the admin API `{id, displayName}`. */
    async function expectManager(userId: string, manager: Json | null): Promise<void> {
      const got = await scim.user(userId);
      expect(got).not.toHaveProperty('manager');
      if (manager) {
        expect(enterprise(got).manager).toEqual({ value: manager.id, $ref: `${SCIM_BASE}/Users/${manager.id}`, displayName: manager.displayName });
        expect((await org.user(userId)).manager).toEqual({ id: manager.id, displayName: manager.displayName });
      } else {
        expect(enterprise(got).manager).toBeUndefined();
        expect((await org.user(userId)).manager).toBeNull();
      }
    }

    it('the tutorial sample: Add path "manager" with [{"$ref", "value"}] sets it', async () => {
      const emp = await employee();
      await scim.patchUser(emp.id, {
        op: opName(flag, 'Add'),
        path: 'manager',
        value: [{ $ref: `http://example.test/scim/Users/${boss.id}`, value: boss.id }],
      });
      await expectManager(emp.id, boss);
    });

    it('Microsoft\'s validator: set with Add, change with replace, remove with replace ""', async () => {
      const emp = await employee();
      await scim.patchUser(emp.id, { op: opName(flag, 'Add'), path: managerPath, value: boss.id });
      await expectManager(emp.id, boss);
      await scim.patchUser(emp.id, { op: 'replace', path: managerPath, value: boss2.id });
      await expectManager(emp.id, boss2);
      await scim.patchUser(emp.id, { op: 'replace', path: managerPath, value: '' });
      await expectManager(emp.id, null);
    });

    it('the 2024 tenant shape (lowercase add, URN path, bare id), {value} objects, and whitespace clears', async () => {
      const emp = await employee();
      await scim.patchUser(emp.id, { op: 'add', path: managerPath, value: boss.id });
      await expectManager(emp.id, boss);
      await scim.patchUser(emp.id, { op: opName(flag, 'Replace'), path: managerPath, value: { value: boss2.id } });
      await expectManager(emp.id, boss2);
      await scim.patchUser(emp.id, { op: opName(flag, 'Replace'), path: managerPath, value: '   ' });
      await expectManager(emp.id, null);
    });

    it('a path-less replace with the enterprise object sets it; remove by path clears it', async () => {
      const emp = await employee();
      await scim.patchUser(emp.id, { op: opName(flag, 'Replace'), value: { [ENTERPRISE]: { manager: { value: boss.id } } } });
      await expectManager(emp.id, boss);
      await scim.patchUser(emp.id, { op: opName(flag, 'Remove'), path: managerPath });
      await expectManager(emp.id, null);
      await scim.patchUser(emp.id, { op: opName(flag, 'Add'), path: 'manager', value: boss2.id });
      await expectManager(emp.id, boss2);
      await scim.patchUser(emp.id, { op: opName(flag, 'Remove'), path: 'manager' });
      await expectManager(emp.id, null);
    });

    it('remove by manager[value eq "…"] clears it; a filter naming someone else changes nothing', async () => {
      const emp = await employee();
      await scim.patchUser(emp.id, { op: opName(flag, 'Add'), path: managerPath, value: boss.id });
      await scim.patchUser(emp.id, { op: 'remove', path: `manager[value eq "${boss2.id}"]` });
      await expectManager(emp.id, boss);
      await scim.patchUser(emp.id, { op: 'remove', path: `manager[value eq "${boss.id}"]` });
      await expectManager(emp.id, null);
    });

    it('a manager in the POST body is set at creation', async () => {
      const emp = await scim.create(simpleUser(uniqueName('emp'), { [ENTERPRISE]: { manager: { value: boss2.id } } }));
      expect(enterprise(emp).manager).toEqual({ value: boss2.id, $ref: `${SCIM_BASE}/Users/${boss2.id}`, displayName: 'Boss Two' });
      await expectManager(emp.id, boss2);
    });

    it("self-reference, unknown ids and another organisation's people are 400 invalidValue and change nothing", async () => {
      const emp = await employee();
      const foreign = await (await (await h.organization()).directory()).scim().create(simpleUser(uniqueName('foreign')));
      await scim.patchUser(emp.id, { op: opName(flag, 'Add'), path: managerPath, value: boss.id });
      const before = await scim.user(emp.id);
      for (const value of [emp.id, randomUUID(), 'not-a-user', foreign.id]) {
        const res = await scim.patch(`/Users/${emp.id}`, patchOp({ op: opName(flag, 'Replace'), path: managerPath, value }));
        expectScimError(res, 400, 'invalidValue');
        expect(await scim.user(emp.id)).toEqual(before);
      }
      const res = await scim.post('/Users', simpleUser(uniqueName('emp'), { [ENTERPRISE]: { manager: { value: randomUUID() } } }));
      expectScimError(res, 400, 'invalidValue');
    });
  });

  describe.each(FLAG_MODES)('ENTRA.md §2.5 disable / enable, %s', (_, flag) => {
    let scim: ScimClient;

    beforeAll(async () => {
      scim = (await org.directory()).scim(flag);
    });

    it.each([
      ['"False" then "True" (Entra without the flag)', 'False', 'True'],
      ['false then true (with the flag, and the tutorial)', false, true],
      ['"false" then "true" (scimmy#86)', 'false', 'true'],
    ])('%s: archives (GET still 200 with active:false), then restores the prior state', async (_label, off, on) => {
      const user = await scim.create(tutorialUser(`Test_User_${randomUUID()}`));
      await scim.patchUser(user.id, { op: opName(flag, 'Replace'), path: 'active', value: off });

      const disabled = await scim.user(user.id);
      expect(disabled.active).toBe(false);
      expect(withoutMeta({ ...disabled, active: true })).toEqual(withoutMeta(user));
      expect(await scim.lookup(user.userName)).toEqual([user.id]);
      const archived = await org.user(user.id);
      expect(archived).toMatchObject({ status: 'archived', archivedAt: expect.any(String) });
      const inactive = await scim.list(`userName eq "${user.userName}" and active eq false`);
      expect(inactive.Resources.map((r: Json) => r.id)).toEqual([user.id]);

      await scim.patchUser(user.id, { op: opName(flag, 'Replace'), path: 'active', value: on });
      expect((await scim.user(user.id)).active).toBe(true);
      expect(await org.user(user.id)).toMatchObject({ status: 'uninvited', archivedAt: null });
    });

    it('a POST with active "False" creates the person archived; GET answers 200 with active:false; "True" restores', async () => {
      const user = await scim.create({ ...simpleUser(uniqueName('born-inactive')), active: 'False' });
      expect(user.active).toBe(false);
      expect((await scim.user(user.id)).active).toBe(false);
      expect(await org.user(user.id)).toMatchObject({ status: 'archived', archivedAt: expect.any(String) });
      await scim.patchUser(user.id, { op: opName(flag, 'Replace'), path: 'active', value: 'True' });
      expect(await org.user(user.id)).toMatchObject({ status: 'uninvited', archivedAt: null });
    });

    it('disabling twice and enabling twice are harmless', async () => {
      const user = await scim.create(simpleUser(uniqueName('twice')));
      await scim.patchUser(user.id, { op: opName(flag, 'Replace'), path: 'active', value: 'False' });
      const first = (await org.user(user.id)).archivedAt;
      await scim.patchUser(user.id, { op: opName(flag, 'Replace'), path: 'active', value: 'False' });
      expect((await org.user(user.id)).archivedAt).toBe(first);
      await scim.patchUser(user.id, { op: opName(flag, 'Replace'), path: 'active', value: 'True' });
      await scim.patchUser(user.id, { op: opName(flag, 'Replace'), path: 'active', value: 'True' });
      expect(await org.user(user.id)).toMatchObject({ status: 'uninvited', archivedAt: null });
    });
  });

  describe.each(FLAG_MODES)('ENTRA.md §2.6 hard delete, %s', (_, flag) => {
    let scim: ScimClient;

    beforeAll(async () => {
      scim = (await org.directory()).scim(flag);
    });

    it('DELETE → 204; then GET/PATCH/DELETE are 404 and the lookup is empty; the person is archived, not destroyed', async () => {
      const user = await scim.create(tutorialUser(`Test_User_${randomUUID()}`));
      const res = expectStatus(await scim.delete(`/Users/${user.id}`), 204);
      expect(res.text).toBe('');
      expectScimError(await scim.get(`/Users/${user.id}`), 404);
      expectScimError(await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' })), 404);
      expectScimError(await scim.delete(`/Users/${user.id}`), 404);
      expect(await scim.lookup(user.userName)).toEqual([]);
      expect((await scim.list(`id eq "${user.id}"`)).totalResults).toBe(0);
      expect(await org.user(user.id)).toMatchObject({ id: user.id, userName: user.userName, status: 'archived', archivedAt: expect.any(String) });
    });

    it('a later POST of that userName (in another case, same externalId) restores and relinks the same person', async () => {
      const user = await scim.create(tutorialUser(`Test_User_${randomUUID()}`));
      expectStatus(await scim.delete(`/Users/${user.id}`), 204);
      const again = await scim.create({ ...tutorialUser(user.userName.toUpperCase(), user.externalId), displayName: 'Back again' });
      expect(again.id).toBe(user.id);
      expect(again).toMatchObject({ userName: user.userName.toUpperCase(), active: true, displayName: 'Back again' });
      expect(await scim.lookup(user.userName)).toEqual([user.id]);
      expect(await org.user(user.id)).toMatchObject({ status: 'uninvited', archivedAt: null, directoryId: expect.any(String) });
      // Relinked once: a second POST is a real duplicate.
      expectScimError(await scim.post('/Users', tutorialUser(user.userName)), 409, 'uniqueness');
    });

    it('a deactivated person who is then deleted comes back active on a later POST', async () => {
      const user = await scim.create(simpleUser(uniqueName('off-then-gone')));
      await scim.patchUser(user.id, { op: opName(flag, 'Replace'), path: 'active', value: false });
      expectStatus(await scim.delete(`/Users/${user.id}`), 204);
      const again = await scim.create(simpleUser(user.userName));
      expect(again).toMatchObject({ id: user.id, active: true });
      expect(await org.user(user.id)).toMatchObject({ status: 'uninvited', archivedAt: null });
    });
  });

  describe('people rules (DESIGN.md §1)', () => {
    let dirA: DirectoryHandle;
    let scim: ScimClient;

    beforeAll(async () => {
      dirA = await org.directory('People rules A');
      scim = dirA.scim();
    });

    it('§1.7 blank clears: "   " clears a field through PATCH (by path, sub-attribute, path-less and enterprise keys) and through PUT', async () => {
      const userName = uniqueName('blank-clears');
      const full = {
        displayName: 'Ada Lovelace',
        nickName: 'Ada',
        title: 'Engineer',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        [ENTERPRISE]: { employeeNumber: 'E-1', costCenter: 'CC-1' },
      };
      const user = await scim.create(simpleUser(userName, full));
      await scim.patchUser(
        user.id,
        { op: 'replace', path: 'nickName', value: '   ' },
        { op: 'replace', path: 'name.givenName', value: ' \t ' },
        { op: 'replace', value: { title: '   ', [`${ENTERPRISE}:employeeNumber`]: '  ' } },
      );
      const patched = await scim.user(user.id);
      expect(patched).toMatchObject({ displayName: 'Ada Lovelace', name: { familyName: 'Lovelace' }, [ENTERPRISE]: { costCenter: 'CC-1' } });
      expect([patched.nickName, patched.title, patched.name.givenName, patched[ENTERPRISE].employeeNumber]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(await org.user(user.id)).toMatchObject({
        firstName: null,
        lastName: 'Lovelace',
        title: null,
        hr: { nickName: null, employeeNumber: null, costCenter: 'CC-1' },
      });

      // Control: PUT with the values sets them again; PUT with whitespace-only values clears them.
      expectStatus(await scim.put(`/Users/${user.id}`, simpleUser(userName, full)), 200);
      expect(await org.user(user.id)).toMatchObject({ firstName: 'Ada', title: 'Engineer', hr: { nickName: 'Ada', employeeNumber: 'E-1' } });
      const blanks = {
        displayName: 'Ada Lovelace',
        nickName: '   ',
        title: ' ',
        name: { givenName: '  ', familyName: 'Lovelace' },
        [ENTERPRISE]: { employeeNumber: '   ', costCenter: 'CC-1' },
      };
      const put = expectStatus(await scim.put(`/Users/${user.id}`, simpleUser(userName, blanks)), 200).body;
      expect([put.nickName, put.title, put.name.givenName, put[ENTERPRISE].employeeNumber]).toEqual([undefined, undefined, undefined, undefined]);
      expect(await org.user(user.id)).toMatchObject({
        firstName: null,
        lastName: 'Lovelace',
        title: null,
        hr: { nickName: null, employeeNumber: null, costCenter: 'CC-1' },
      });
    });

    it('adopts an in-app account whose email is the userName in another case (same id), and restores its prior status after deactivation', async () => {
      const email = uniqueName('in-app.Person');
      const id = await org.insertInAppUser(email, 'active');
      expect(await org.user(id)).toMatchObject({ status: 'active', directoryId: null });

      // The work email differs, so only the userName can have matched.
      const adopted = await scim.create(tutorialUser(email.toUpperCase(), randomUUID(), `work.${email}`));
      expect(adopted.id).toBe(id);
      expect(await org.user(id)).toMatchObject({ id, directoryId: dirA.id, userName: email.toUpperCase(), status: 'active' });
      expect(await scim.lookup(email)).toEqual([id]);

      await scim.patchUser(id, { op: 'Replace', path: 'active', value: 'False' });
      expect((await org.user(id)).status).toBe('archived');
      expect((await scim.user(id)).active).toBe(false);
      await scim.patchUser(id, { op: 'Replace', path: 'active', value: 'True' });
      expect(await org.user(id)).toMatchObject({ status: 'active', archivedAt: null });
    });

    it('an adopted invited account keeps "invited" through DELETE and a relinking POST', async () => {
      const email = uniqueName('invited');
      const id = await org.insertInAppUser(email, 'invited');
      expect((await scim.create(simpleUser(email))).id).toBe(id);
      expectStatus(await scim.delete(`/Users/${id}`), 204);
      expect((await org.user(id)).status).toBe('archived');
      expect((await scim.create(simpleUser(email))).id).toBe(id);
      expect(await org.user(id)).toMatchObject({ status: 'invited', archivedAt: null, directoryId: dirA.id });
    });

    it('deleting a directory releases its people: a new directory that sends the same userName takes the same person over', async () => {
      const old = await org.directory('Retired tenant');
      const userName = uniqueName('Moving.Person');
      const id = (await old.scim().create(simpleUser(userName, { displayName: 'Moving' }))).id;
      expectStatus(await org.h.send('delete', `/api/v1/directories/${old.id}`, org.adminToken), 204);
      expect(await org.user(id)).toMatchObject({ directoryId: null, userName });

      const replacement = await org.directory('New tenant');
      const again = await replacement.scim().create(simpleUser(userName.toUpperCase(), { displayName: 'Moved' }));
      expect(again.id).toBe(id);
      expect(await org.user(id)).toMatchObject({ directoryId: replacement.id, displayName: 'Moved' });
    });

    it('an account another directory already manages is not adopted: 409 uniqueness', async () => {
      const email = uniqueName('managed');
      const id = await org.insertInAppUser(email);
      expect((await scim.create(simpleUser(email))).id).toBe(id);
      const dirB = await org.directory('People rules B');
      expectScimError(await dirB.scim().post('/Users', simpleUser(email.toLowerCase())), 409, 'uniqueness');
      expect((await org.user(id)).directoryId).toBe(dirA.id);
    });

    it('userName is unique per organisation, case-insensitively (across its directories), and free in another organisation', async () => {
      const userName = uniqueName('Unique.Person');
      const first = await scim.create(simpleUser(userName, { displayName: 'First' }));
      const dup = await scim.post('/Users', simpleUser(userName.toUpperCase(), { displayName: 'Second' }));
      expectScimError(dup, 409, 'uniqueness');
      expect(dup.body.detail.length).toBeGreaterThan(0);
      const sibling = await org.directory('Same org, second directory');
      expectScimError(await sibling.scim().post('/Users', simpleUser(userName.toLowerCase())), 409, 'uniqueness');
      expect((await scim.user(first.id)).displayName).toBe('First');
      expect((await org.users({ q: userName })).items.map((u) => u.id)).toEqual([first.id]);

      const other = await h.organization();
      const elsewhere = await (await other.directory()).scim().create(simpleUser(userName));
      expect(elsewhere.id).not.toBe(first.id);
    });

    it('renaming onto a taken userName (any case) is 409 uniqueness and changes nothing', async () => {
      const a = await scim.create(simpleUser(uniqueName('rename-a')));
      const b = await scim.create(simpleUser(uniqueName('rename-b')));
      const before = await scim.user(b.id);
      expectScimError(await scim.patch(`/Users/${b.id}`, patchOp({ op: 'Replace', path: 'userName', value: a.userName.toUpperCase() })), 409, 'uniqueness');
      expect(await scim.user(b.id)).toEqual(before);
      // Changing only the case of one's own userName is fine.
      await scim.patchUser(b.id, { op: 'Replace', path: 'userName', value: b.userName.toUpperCase() });
      expect((await scim.user(b.id)).userName).toBe(b.userName.toUpperCase());
    });
  });

  describe('filters, paging and projection (DESIGN.md §3)', () => {
    let scim: ScimClient;
    const users: Json[] = [];
    const tag = randomUUID().slice(0, 8);
    const dept = `Filter Dept ${tag}`;

    beforeAll(async () => {
      scim = (await org.directory('Filters')).scim();
      const specs: Array<[string, Json]> = [
        ['Anna Archer', { externalId: `EXT-${tag}-A`, [ENTERPRISE]: { department: dept } }],
        ['Bob Baker', { externalId: `ext-${tag}-b`, [ENTERPRISE]: { department: dept } }],
        ['Anabel Cole', { externalId: `EXT-${tag}-C` }],
        ['Dan Dorsey', { externalId: `EXT-${tag}-D`, [ENTERPRISE]: { department: 'Other' } }],
        ['Eve Evans', { externalId: `EXT-${tag}-E` }],
      ];
      for (const [displayName, extra] of specs) {
        const first = displayName.split(' ')[0].toLowerCase();
        users.push(await scim.create(simpleUser(`${first}.${tag}@filters.example`, { displayName, ...extra })));
        await sleep(15); // distinct, ordered lastModified values
      }
      await scim.patchUser(users[4].id, { op: 'Replace', path: 'active', value: 'False' });
    });

    const ids = (body: Json): string[] => body.Resources.map((r: Json) => r.id);
    const byIndex = (...indices: number[]): string[] => indices.map((i) => users[i].id);

    it('userName eq matches case-insensitively, Entra encoding and %20 encoding alike', async () => {
      expect(await scim.lookup(`ANNA.${tag}@FILTERS.EXAMPLE`)).toEqual(byIndex(0));
      const res = expectStatus(await scim.get(`/Users?filter=userName%20eq%20%22bob.${tag}%40filters.example%22`), 200);
      expect(ids(res.body)).toEqual(byIndex(1));
    });

    it('attribute names in filters are case-insensitive', async () => {
      expect(ids(await scim.list(`USERNAME eq "anna.${tag}@filters.example"`))).toEqual(byIndex(0));
      expect(ids(await scim.list(`Emails[Type eq "work"].Value eq "bob.${tag}@filters.example"`))).toEqual(byIndex(1));
      expect(ids(await scim.list(`URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:DEPARTMENT eq "${dept}" and DisplayName sw "bob"`))).toEqual(
        byIndex(1),
      );
      expect(ids(await scim.list('ACTIVE EQ FALSE'))).toEqual(byIndex(4));
    });

    it('externalId eq is exact', async () => {
      expect(ids(await scim.list(`externalId eq "EXT-${tag}-A"`))).toEqual(byIndex(0));
      expect(ids(await scim.list(`externalId eq "ext-${tag}-a"`))).toEqual([]);
      expect(ids(await scim.list(`externalId eq "ext-${tag}-b"`))).toEqual(byIndex(1));
    });

    it('emails[type eq "work"].value eq, and emails.value co', async () => {
      expect(ids(await scim.list(`emails[type eq "work"].value eq "Dan.${tag}@filters.example"`))).toEqual(byIndex(3));
      expect(ids(await scim.list(`emails[type eq "home"].value eq "dan.${tag}@filters.example"`))).toEqual([]);
      expect(ids(await scim.list(`emails.value co "${tag}@FILTERS"`))).toEqual(byIndex(0, 1, 2, 3, 4));
    });

    it('displayName sw, the enterprise department eq, active eq false', async () => {
      expect(ids(await scim.list('displayName sw "an"'))).toEqual(byIndex(0, 2));
      expect(ids(await scim.list(`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "${dept}"`))).toEqual(byIndex(0, 1));
      expect(ids(await scim.list('active eq false'))).toEqual(byIndex(4));
      expect(ids(await scim.list('active eq true'))).toEqual(byIndex(0, 1, 2, 3));
    });

    it('meta.lastModified gt', async () => {
      const cut = (await scim.user(users[2].id)).meta.lastModified;
      // users[4] was modified again (deactivated) after creation.
      expect(ids(await scim.list(`meta.lastModified gt "${cut}"`))).toEqual(byIndex(3, 4));
      expect(ids(await scim.list(`meta.lastModified gt "2000-01-01T00:00:00Z"`))).toEqual(byIndex(0, 1, 2, 3, 4));
    });

    it('and / or / not with parentheses', async () => {
      expect(ids(await scim.list('(displayName sw "Anna" or displayName sw "Bob") and active eq true'))).toEqual(byIndex(0, 1));
      expect(ids(await scim.list(`not (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "${dept}") and active eq true`))).toEqual(
        byIndex(2, 3),
      );
      expect(ids(await scim.list(`displayName sw "A" and not (externalId eq "EXT-${tag}-C")`))).toEqual(byIndex(0));
    });

    it('an unknown attribute, or a malformed filter, is 400 invalidFilter', async () => {
      for (const filter of [
        'nickNames eq "Babs"',
        'foo eq "x"',
        `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCentre eq "1"`,
        'userName eq',
        'userName xx "a"',
      ]) {
        expectScimError(await scim.filter(filter), 400, 'invalidFilter');
      }
    });

    it('paging: startIndex/count with an exact totalResults and itemsPerPage', async () => {
      const page = async (startIndex: number, count: number): Promise<Json> =>
        expectStatus(await scim.get(`/Users?startIndex=${startIndex}&count=${count}`), 200).body;
      const first = await page(1, 2);
      expect(first).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 5, startIndex: 1, itemsPerPage: 2 });
      expect(ids(first)).toEqual(byIndex(0, 1));
      expect(ids(await page(3, 2))).toEqual(byIndex(2, 3));
      const last = await page(5, 2);
      expect(last).toMatchObject({ totalResults: 5, startIndex: 5, itemsPerPage: 1 });
      expect(ids(last)).toEqual(byIndex(4));
      expect(await page(9, 2)).toMatchObject({ totalResults: 5, startIndex: 9, itemsPerPage: 0, Resources: [] });
      expect(await page(1, 0)).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
      const filtered = await scim.list('displayName sw "an"', { startIndex: '2', count: '1' });
      expect(filtered).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 });
      expect(ids(filtered)).toEqual(byIndex(2));
      expectScimError(await scim.get('/Users?startIndex=abc'), 400);
    });

    it('RFC 9865 cursor paging: id order, nextCursor/previousCursor, count, filter, exact totalResults', async () => {
      const page = async (query: Record<string, string>): Promise<Json> =>
        expectStatus(await scim.get(`/Users?${new URLSearchParams(query).toString()}`), 200).body;
      const inIdOrder = users.map((u: Json) => u.id as string).sort();
      const walked: string[] = [];
      let cursor = '';
      const pages: Json[] = [];
      for (let n = 0; n < 10; n++) {
        const body = await page({ cursor, count: '2' });
        expect(body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 5, itemsPerPage: body.Resources.length });
        expect(body).not.toHaveProperty('startIndex');
        pages.push(body);
        walked.push(...ids(body));
        if (!body.nextCursor) break;
        cursor = body.nextCursor;
      }
      expect(walked).toEqual(inIdOrder);
      expect(pages.map((p) => p.Resources.length)).toEqual([2, 2, 1]);
      expect(pages[0]).not.toHaveProperty('previousCursor');
      expect(pages[2]).not.toHaveProperty('nextCursor');
      // previousCursor leads back to exactly the page before, and its nextCursor forward again.
      const back = await page({ cursor: pages[2].previousCursor, count: '2' });
      expect(ids(back)).toEqual(ids(pages[1]));
      expect(ids(await page({ cursor: back.nextCursor, count: '2' }))).toEqual(ids(pages[2]));
      const first = await page({ cursor: back.previousCursor, count: '2' });
      expect(ids(first)).toEqual(ids(pages[0]));
      expect(first).not.toHaveProperty('previousCursor');
      // With a filter, the cursor pages through the matches only.
      const filtered = await page({ cursor: '', count: '1', filter: 'displayName sw "an"' });
      expect(filtered).toMatchObject({ totalResults: 2, itemsPerPage: 1 });
      const rest = await page({ cursor: filtered.nextCursor, count: '1', filter: 'displayName sw "an"' });
      expect([...ids(filtered), ...ids(rest)]).toEqual([users[0].id, users[2].id].sort());
      expect(rest).not.toHaveProperty('nextCursor');
      expect(await page({ cursor: '', count: '0' })).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    });

    it('a cursor we did not issue is 400 invalidCursor; cursor with startIndex is 400', async () => {
      for (const cursor of ['garbage!', 'bm90LWEtY3Vyc29y', Buffer.from("1.a.x' OR '1'='1").toString('base64url')]) {
        expectScimError(await scim.get(`/Users?${new URLSearchParams({ cursor }).toString()}`), 400, 'invalidCursor');
      }
      expectScimError(await scim.get('/Users?cursor=&startIndex=1'), 400, 'invalidValue');
      expectScimError(await scim.get('/Groups?cursor=&startIndex=1'), 400, 'invalidValue');
      expect(expectStatus(await scim.get('/ServiceProviderConfig'), 200).body.pagination).toEqual({
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: 100,
        maxPageSize: 500,
        cursorTimeout: 3600,
      });
    });

    it('attributes / excludedAttributes, on lists and single GETs; id is always returned', async () => {
      const only = await scim.list(`externalId eq "EXT-${tag}-A"`, { attributes: 'userName' });
      expect(only.Resources[0]).toMatchObject({ id: users[0].id, userName: users[0].userName });
      for (const absent of ['displayName', 'emails', 'externalId', 'name', ENTERPRISE]) expect(only.Resources[0]).not.toHaveProperty([absent]);

      const noId = await scim.user(users[0].id, '?attributes=displayName');
      expect(noId).toMatchObject({ id: users[0].id, displayName: 'Anna Archer' });
      expect(noId).not.toHaveProperty('userName');

      const dept0 = await scim.user(users[0].id, `?attributes=${encodeURIComponent(`${ENTERPRISE}:department`)}`);
      expect(dept0).toMatchObject({ id: users[0].id, [ENTERPRISE]: { department: dept } });
      expect(dept0).not.toHaveProperty('userName');

      const excluded = await scim.user(users[0].id, '?excludedAttributes=emails,id');
      expect(excluded).toMatchObject({ id: users[0].id, userName: users[0].userName, displayName: 'Anna Archer' });
      expect(excluded).not.toHaveProperty('emails');
    });
  });

  describe('every supported filter attribute works (DESIGN.md §3, /Schemas)', () => {
    let scim: ScimClient;
    let full: Json;
    let decoy: Json;
    let boss: Json;
    const tag = randomUUID().slice(0, 8);

    beforeAll(async () => {
      scim = (await org.directory('All filter attributes')).scim();
      boss = await scim.create(simpleUser(uniqueName('filter-boss')));
      decoy = await scim.create(simpleUser(uniqueName('decoy'), { displayName: 'Decoy', emails: [{ type: 'home', value: `decoy.${tag}@home.example` }] }));
      full = await scim.create({
        schemas: [CORE_USER, ENTERPRISE],
        userName: `full.${tag}@contoso.test`,
        externalId: `full-${tag}`,
        name: { givenName: `Given${tag}`, familyName: `Family${tag}`, formatted: `Given${tag} Family${tag}` },
        displayName: `Full ${tag}`,
        title: `Title ${tag}`,
        preferredLanguage: 'de-CH',
        active: true,
        emails: [{ type: 'work', value: `full.${tag}@contoso.test`, primary: true }],
        phoneNumbers: [
          { type: 'work', value: `+41 1 ${tag}` },
          { type: 'mobile', value: `+41 7 ${tag}` },
          { type: 'fax', value: `+41 9 ${tag}` },
        ],
        addresses: [
          {
            type: 'work',
            formatted: `Bahnhofstrasse 1, Zürich ${tag}`,
            streetAddress: 'Bahnhofstrasse 1',
            locality: `Zürich ${tag}`,
            region: 'ZH',
            postalCode: '8001',
            country: 'CH',
          },
        ],
        [ENTERPRISE]: { employeeNumber: `E-${tag}`, department: `Dept ${tag}`, manager: { value: boss.id } },
      });
    });

    // <FULL> and <BOSS> stand for ids known only once the users exist.
    const filters: string[] = [
      'id eq "<FULL>"',
      `externalId eq "full-${tag}"`,
      `userName eq "FULL.${tag}@CONTOSO.TEST"`,
      `userName sw "full.${tag}"`,
      `displayName eq "full ${tag}"`,
      `name.givenName eq "given${tag}"`,
      `name.familyName co "mily${tag}"`,
      `name.formatted ew "family${tag}"`,
      `title eq "Title ${tag}"`,
      `preferredLanguage eq "de-CH" and externalId pr and userName co "${tag}"`,
      `emails[type eq "work" and value eq "full.${tag}@contoso.test"]`,
      `emails.value eq "full.${tag}@contoso.test"`,
      `emails.primary eq true and emails.value co "${tag}@contoso"`,
      `phoneNumbers[type eq "work"].value eq "+41 1 ${tag}"`,
      `phoneNumbers[type eq "mobile"].value eq "+41 7 ${tag}"`,
      `phoneNumbers.value eq "+41 9 ${tag}"`,
      `addresses[type eq "work"].formatted co "Zürich ${tag}"`,
      `addresses.streetAddress eq "Bahnhofstrasse 1" and addresses.locality eq "zürich ${tag}"`,
      `addresses.region eq "ZH" and addresses.postalCode eq "8001" and addresses.country eq "CH" and userName co "${tag}"`,
      `meta.created ge "2000-01-01T00:00:00Z" and userName co "full.${tag}"`,
      `meta.lastModified lt "2999-01-01T00:00:00Z" and userName co "full.${tag}"`,
      `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "E-${tag}"`,
      `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "dept ${tag}"`,
      `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "<BOSS>"`,
      `active eq true and title pr and externalId pr`,
    ];

    it.each(filters)('%s finds exactly the one matching user', async (template) => {
      const filter = template.replace('<FULL>', full.id).replace('<BOSS>', boss.id);
      const body = await scim.list(filter);
      expect({ filter, ids: body.Resources.map((r: Json) => r.id) }).toEqual({ filter, ids: [full.id] });
      expect(body.totalResults).toBe(1);
    });

    it('the decoy is found by its own values, so the filters above really discriminate', async () => {
      expect((await scim.list(`emails[type eq "home"].value eq "decoy.${tag}@home.example"`)).Resources.map((r: Json) => r.id)).toEqual([decoy.id]);
      expect((await scim.list('displayName eq "Decoy"')).Resources.map((r: Json) => r.id)).toEqual([decoy.id]);
    });

    it('case-insensitive comparisons fold non-ASCII letters the same on both engines', async () => {
      const emile = await scim.create(simpleUser(`émile.${tag}@contoso.test`, { displayName: `Émile Zola ${tag}`, title: 'Ingénieur' }));
      const found: Record<string, string[]> = {};
      for (const filter of [
        `userName eq "ÉMILE.${tag}@CONTOSO.TEST"`,
        `userName sw "ÉMILE.${tag}"`,
        `displayName eq "émile zola ${tag}"`,
        `displayName sw "ÉMILE ZOLA"`,
        `displayName co "ÉMILE ZOLA ${tag}"`,
        `title eq "INGÉNIEUR" and userName co "${tag}"`,
      ]) {
        found[filter] = (await scim.list(filter)).Resources.map((r: Json) => r.id);
      }
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((filter) => [filter, [emile.id]])));
    });
  });

  describe('bad input gets a 4xx with the right scimType and changes nothing', () => {
    let dir: DirectoryHandle;
    let scim: ScimClient;
    let victim: Json;
    let other: Json;

    beforeAll(async () => {
      dir = await org.directory('Bad input');
      scim = dir.scim();
      victim = await scim.create(tutorialUser(`Test_User_${randomUUID()}`));
      other = await scim.create(simpleUser(uniqueName('other')));
    });

    /** Runs `attempt`, then proves with GETs that the victim is byte-for-byte unchanged. */
    async function unchanged(attempt: () => Promise<void>): Promise<void> {
      const before = await scim.user(victim.id);
      const adminBefore = await org.user(victim.id);
      await attempt();
      expect(await scim.user(victim.id)).toEqual(before);
      expect(await org.user(victim.id)).toEqual(adminBefore);
    }

    const directoryTotal = async (): Promise<number> => (await org.users({ directoryId: dir.id })).total;

    it('POST without userName (or a blank one) → 400 invalidValue; nothing created', async () => {
      const total = await directoryTotal();
      const { userName: _u, ...noUserName } = tutorialUser('x');
      expectScimError(await scim.post('/Users', noUserName), 400, 'invalidValue');
      expectScimError(await scim.post('/Users', { ...noUserName, userName: '   ' }), 400, 'invalidValue');
      expect(await directoryTotal()).toBe(total);
    });

    it('invalid JSON → 400 invalidSyntax, on POST and PATCH', async () => {
      const total = await directoryTotal();
      expectScimError(await scim.post('/Users', '{"userName": "broken@contoso.test",'), 400, 'invalidSyntax');
      expect(await directoryTotal()).toBe(total);
      await unchanged(async () => {
        expectScimError(await scim.patch(`/Users/${victim.id}`, '{"Operations": [ {"op": "replace"'), 400, 'invalidSyntax');
      });
    });

    it('values longer than the server keeps are 400 invalidValue on POST and PATCH, never a 5xx, and change nothing', async () => {
      const long = (n: number): string => 'x'.repeat(n);
      const cases: Record<string, (v: string) => Json> = {
        displayName: (v) => ({ displayName: v }),
        title: (v) => ({ title: v }),
        externalId: (v) => ({ externalId: v }),
        'name.givenName': (v) => ({ name: { givenName: v } }),
        [`${ENTERPRISE}:department`]: (v) => ({ [ENTERPRISE]: { department: v } }),
        'addresses[type eq "work"].locality': (v) => ({ addresses: [{ type: 'work', locality: v }] }),
        'emails[type eq "work"].value': (v) => ({ emails: [{ type: 'work', value: `${v}@contoso.test` }] }),
      };
      const total = await directoryTotal();
      const before = await scim.user(victim.id);
      const seen: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const [attribute, build] of Object.entries(cases)) {
        const value = long(attribute.startsWith('emails') ? 400 : 300);
        const post = await scim.post('/Users', simpleUser(uniqueName('too-long'), build(value)));
        const patch = await scim.patch(`/Users/${victim.id}`, patchOp({ op: 'Replace', value: build(value) }));
        seen[attribute] = `POST ${post.status} ${post.body?.scimType ?? ''} / PATCH ${patch.status} ${patch.body?.scimType ?? ''}`;
        expected[attribute] = 'POST 400 invalidValue / PATCH 400 invalidValue';
      }
      const userName = await scim.post('/Users', simpleUser(`${long(400)}@contoso.test`));
      seen.userName = `POST ${userName.status} ${userName.body?.scimType ?? ''}`;
      expected.userName = 'POST 400 invalidValue';
      expect(seen).toEqual(expected);
      expect(await directoryTotal()).toBe(total);
      expect(await scim.user(victim.id)).toEqual(before);
    });

    it('PATCH with an unknown op → 400', async () => {
      await unchanged(async () => {
        const res = await scim.patch(`/Users/${victim.id}`, patchOp({ op: 'Merge', path: 'displayName', value: 'x' }));
        expectScimError(res, 400);
        expect(['invalidSyntax', 'invalidValue']).toContain(res.body.scimType);
      });
    });

    it.each([
      ['an invalid value (parse time)', { op: 'Replace', path: 'active', value: 'maybe' }, 400, 'invalidValue'],
      ['a filter that selects nothing (apply time)', { op: 'Replace', path: 'emails[value co "nobody"].value', value: 'x@y.test' }, 400, 'noTarget'],
      ['removing the required userName', { op: 'Remove', path: 'userName' }, 400, 'invalidValue'],
      ['a readOnly attribute', { op: 'Replace', path: 'id', value: 'mine' }, 400, 'mutability'],
      ['an unknown manager (domain time)', { op: 'Replace', path: `${ENTERPRISE}:manager`, value: randomUUID() }, 400, 'invalidValue'],
    ])('PATCH whose second operation is %s → 4xx; the first operation is not applied either', async (_label, second, status, scimType) => {
      await unchanged(async () => {
        const res = await scim.patch(`/Users/${victim.id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Should not stick' }, second));
        expectScimError(res, status, scimType);
      });
    });

    it('PATCH that would create a department and then hits a taken userName → 409; neither the change nor the department persists', async () => {
      const department = `Atomic ${randomUUID()}`;
      await unchanged(async () => {
        const res = await scim.patch(
          `/Users/${victim.id}`,
          patchOp(
            { op: 'Replace', path: `${ENTERPRISE}:department`, value: department },
            { op: 'Replace', path: 'userName', value: other.userName.toUpperCase() },
          ),
        );
        expectScimError(res, 409, 'uniqueness');
      });
      expect(await org.entityRows('departments', department)).toEqual([]);
    });

    it('PATCH with a __proto__ / constructor path or key → 400 invalidPath', async () => {
      await unchanged(async () => {
        for (const operation of [
          { op: 'add', path: '__proto__', value: { isAdmin: true } },
          { op: 'replace', path: '__proto__.polluted', value: 'yes' },
          { op: 'add', path: 'constructor.prototype.polluted', value: 'yes' },
        ]) {
          expectScimError(await scim.patch(`/Users/${victim.id}`, patchOp(operation)), 400, 'invalidPath');
        }
        // A path-less value with a __proto__ key (JSON.parse keeps it as an own key).
        const raw = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"__proto__":{"displayName":"Polluted"}}}]}`;
        expectScimError(await scim.patch(`/Users/${victim.id}`, raw), 400, 'invalidPath');
      });
      expect(({} as Json).polluted).toBeUndefined();
      expect(({} as Json).isAdmin).toBeUndefined();
    });

    it('manager = self and manager = unknown id → 400 invalidValue', async () => {
      await unchanged(async () => {
        for (const value of [victim.id, randomUUID()]) {
          expectScimError(await scim.patch(`/Users/${victim.id}`, patchOp({ op: 'Add', path: `${ENTERPRISE}:manager`, value })), 400, 'invalidValue');
        }
      });
    });

    it('GET, PATCH, PUT and DELETE of an unknown id → 404 SCIM errors', async () => {
      for (const id of [randomUUID(), 'not-a-uuid']) {
        expectScimError(await scim.get(`/Users/${id}`), 404);
        expectScimError(await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'x' })), 404);
        expectScimError(await scim.put(`/Users/${id}`, simpleUser(uniqueName('put'))), 404);
        expectScimError(await scim.delete(`/Users/${id}`), 404);
      }
    });

    it("a user of directory A is 404 for another directory's token (same organisation or another one) and stays unchanged", async () => {
      const sameOrg = (await org.directory('Bad input, sibling')).scim();
      const otherOrg = (await (await h.organization()).directory()).scim();
      await unchanged(async () => {
        for (const intruder of [sameOrg, otherOrg]) {
          expectScimError(await intruder.get(`/Users/${victim.id}`), 404);
          expectScimError(await intruder.patch(`/Users/${victim.id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'stolen' })), 404);
          expectScimError(await intruder.put(`/Users/${victim.id}`, simpleUser(victim.userName, { displayName: 'stolen' })), 404);
          expectScimError(await intruder.delete(`/Users/${victim.id}`), 404);
          expect(await intruder.lookup(victim.userName)).toEqual([]);
          expect((await intruder.list(`id eq "${victim.id}"`)).totalResults).toBe(0);
        }
      });
      expect(await scim.lookup(victim.userName)).toEqual([victim.id]);
    });

    it('a duplicate POST → 409 with scimType "uniqueness" and a detail; the original is untouched', async () => {
      await unchanged(async () => {
        const res = await scim.post('/Users', { ...tutorialUser(victim.userName.toLowerCase()), displayName: 'Impostor' });
        expectScimError(res, 409, 'uniqueness');
        expect(res.body.detail).toEqual(expect.stringMatching(/\S/));
      });
    });
  });

  describe('concurrency', () => {
    it.each([
      ['the tutorial body', (userName: string): Json => tutorialUser(userName)],
      [
        'a body naming a new department, title and site',
        (userName: string): Json => {
          const tag = userName.slice(10, 18);
          return {
            ...tutorialUser(userName),
            title: `Racer ${tag}`,
            addresses: [{ type: 'work', locality: `Race Town ${tag}` }],
            [ENTERPRISE]: { department: `Race Dept ${tag}` },
          };
        },
      ],
    ])('50 concurrent identical POSTs (%s) make exactly one user: one 201 and 49 × 409 uniqueness, never a 5xx', async (_label, build) => {
      const scim = (await org.directory()).scim();
      const userName = `Test_User_${randomUUID()}`;
      const body = build(userName);
      const results = await Promise.all(Array.from({ length: 50 }, () => scim.post('/Users', body)));
      const statuses = results.map((r) => r.status);
      expect({
        '5xx': statuses.filter((s) => s >= 500).length,
        '201': statuses.filter((s) => s === 201).length,
        '409': statuses.filter((s) => s === 409).length,
      }).toEqual({
        '5xx': 0,
        '201': 1,
        '409': 49,
      });
      for (const res of results.filter((r) => r.status === 409)) expectScimError(res, 409, 'uniqueness');
      const winner = results.find((r) => r.status === 201)!.body;
      expect(await scim.lookup(userName)).toEqual([winner.id]);
      expect((await org.users({ q: userName })).items.map((u) => u.id)).toEqual([winner.id]);
    });

    it('10 concurrent POSTs relinking one deleted person: one 201 with the same id, 9 × 409 uniqueness', async () => {
      const scim = (await org.directory()).scim();
      const user = await scim.create(simpleUser(uniqueName('relink-race')));
      expectStatus(await scim.delete(`/Users/${user.id}`), 204);
      const results = await Promise.all(Array.from({ length: 10 }, () => scim.post('/Users', simpleUser(user.userName))));
      expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      expect(results.find((r) => r.status === 201)!.body.id).toBe(user.id);
      expect(await scim.lookup(user.userName)).toEqual([user.id]);
      expect(await org.user(user.id)).toMatchObject({ archivedAt: null, status: 'uninvited' });
    });

    it('10 concurrent POSTs adopting one in-app account: one 201 with its id, 9 × 409 uniqueness, one account', async () => {
      const dir = await org.directory();
      const email = uniqueName('adopt-race');
      const id = await org.insertInAppUser(email, 'active');
      const results = await Promise.all(Array.from({ length: 10 }, () => dir.scim().post('/Users', simpleUser(email.toUpperCase()))));
      expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      expect(results.find((r) => r.status === 201)!.body.id).toBe(id);
      expect((await org.users({ q: email })).items.map((u) => u.id)).toEqual([id]);
      expect(await org.user(id)).toMatchObject({ directoryId: dir.id, status: 'active' });
    });

    it('concurrent PATCHes of different attributes of one person all apply (no lost update)', async () => {
      const scim = (await org.directory()).scim();
      const user = await scim.create(simpleUser(uniqueName('lost-update')));
      const operations: Json[] = [
        { op: 'Replace', path: 'displayName', value: 'Concurrent Name' },
        { op: 'Replace', path: 'title', value: 'Concurrent Title' },
        { op: 'Replace', path: 'name.givenName', value: 'Given' },
        { op: 'Replace', path: 'name.familyName', value: 'Family' },
        { op: 'Replace', path: 'externalId', value: 'ext-concurrent' },
        { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: '42' },
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
        { op: 'Add', path: 'addresses[type eq "work"].country', value: 'NZ' },
      ];
      const results = await Promise.all(operations.map((operation) => scim.patch(`/Users/${user.id}`, patchOp(operation))));
      for (const res of results) expectStatus(res, 204);
      expect(await scim.user(user.id)).toMatchObject({
        displayName: 'Concurrent Name',
        title: 'Concurrent Title',
        name: { givenName: 'Given', familyName: 'Family' },
        externalId: 'ext-concurrent',
        [ENTERPRISE]: { employeeNumber: '42' },
        phoneNumbers: [expect.objectContaining({ type: 'mobile', value: '+1 555 0100' })],
        addresses: [expect.objectContaining({ type: 'work', country: 'NZ' })],
      });
    });

    it('10 concurrent POSTs of different users naming one brand-new department (in different cases) make one department, linked to all', async () => {
      const scim = (await org.directory('Concurrent departments')).scim();
      const name = `Quantum Ops ${randomUUID().slice(0, 8)}`;
      const spellings = [name, name.toUpperCase(), name.toLowerCase()];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          scim.post('/Users', simpleUser(uniqueName(`dept-race-${i}`), { [ENTERPRISE]: { department: spellings[i % spellings.length] } })),
        ),
      );
      for (const res of results) expectStatus(res, 201);
      const departments = await org.entitiesNamed('departments', name);
      expect(departments).toHaveLength(1);
      const linked = await org.users({ departmentId: departments[0].id });
      expect(linked.items.map((u) => u.id).sort()).toEqual(results.map((r) => r.body.id).sort());
      for (const res of results) expect((await org.user(res.body.id)).department).toEqual({ id: departments[0].id, name: departments[0].name });
    });
  });

  // Runs last: every request above went through the recorder.
  it('no request in this suite answered 5xx, and nothing was logged as an unhandled error', () => {
    expect(h.seen.length).toBeGreaterThan(200);
    expect(h.serverErrors()).toEqual([]);
    expect(h.logs.text()).not.toContain('Unhandled error');
  });
});
