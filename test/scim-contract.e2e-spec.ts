import { randomUUID } from 'node:crypto';
import { testEngines } from './support/databases';
import { OrgHandle, startTestApp, TestApp } from './support/app';
import { CORE_USER, ENTERPRISE, expectScimError, expectStatus, Json, patchOp, ScimClient, simpleUser, tutorialUser, uniqueName } from './support/scim-client';

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LEGACY_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

const withoutMeta = ({ meta: _meta, ...rest }: Json): Json => rest;

/**
 * Issue #10 §2 and §3: the SCIM contract is the /Schemas document, enforced. Every rule has its
 * refusal and, beside it, the allowed case (positive control); a refused request changes nothing.
 */
describe.each(testEngines())('SCIM contract (%s)', (engine) => {
  let h: TestApp;
  let org: OrgHandle;
  let scim: ScimClient;

  beforeAll(async () => {
    h = await startTestApp(engine);
    org = await h.organization();
    scim = (await org.directory()).scim();
  });
  afterAll(() => h.close());

  /** POST /Users that must be refused: the status/scimType, the detail naming `names`, and no user created. */
  async function refusedCreate(body: Json, scimType: string, ...names: string[]): Promise<void> {
    const error = expectScimError(await scim.post('/Users', body), 400, scimType);
    for (const name of names) expect(error.detail).toContain(name);
    if (typeof body.userName === 'string') expect(await scim.lookup(body.userName)).toEqual([]);
  }

  async function refusedPatch(id: string, operations: Json[], status: number, scimType: string, ...names: string[]): Promise<void> {
    const before = await scim.user(id);
    const error = expectScimError(await scim.patch(`/Users/${id}`, patchOp(...operations)), status, scimType);
    for (const name of names) expect(error.detail).toContain(name);
    expect(await scim.user(id)).toEqual(before);
  }

  const patched = async (id: string, ...operations: Json[]): Promise<Json> => {
    expectStatus(await scim.patch(`/Users/${id}`, patchOp(...operations)), 204);
    return scim.user(id);
  };

  describe('types are checked, not coerced', () => {
    it('a number as userName is 400 invalidValue; the same value as a string is stored', async () => {
      const n = Math.floor(Math.random() * 1e9);
      await refusedCreate({ schemas: [CORE_USER], userName: n }, 'invalidValue', 'userName');
      expect((await scim.create({ schemas: [CORE_USER], userName: String(n) })).userName).toBe(String(n));
    });

    it('a number where a string belongs (title) is 400 in POST and PATCH; a string is stored', async () => {
      await refusedCreate(simpleUser(uniqueName('typed'), { title: 42 }), 'invalidValue', 'title');
      const user = await scim.create(simpleUser(uniqueName('typed'), { title: '42' }));
      expect(user.title).toBe('42');
      await refusedPatch(user.id, [{ op: 'replace', path: 'title', value: 7 }], 400, 'invalidValue', 'title');
      expect((await patched(user.id, { op: 'replace', path: 'title', value: '7' })).title).toBe('7');
    });

    it('booleans: Entra\'s "True"/"False" strings are accepted (the one documented exception); other strings are 400', async () => {
      await refusedCreate(simpleUser(uniqueName('bool'), { active: 'nope' }), 'invalidValue', 'active');
      await refusedCreate(simpleUser(uniqueName('bool'), { active: 1 }), 'invalidValue', 'active');
      const user = await scim.create(simpleUser(uniqueName('bool'), { active: 'False' }));
      expect(user.active).toBe(false);
      expect((await patched(user.id, { op: 'Replace', path: 'active', value: 'True' })).active).toBe(true);
    });
  });

  describe('single- vs multi-valued', () => {
    it('a string or one object where a list belongs is 400 invalidValue; a list is stored', async () => {
      const userName = uniqueName('multi');
      await refusedCreate({ ...simpleUser(userName), emails: userName }, 'invalidValue', 'emails');
      await refusedCreate({ ...simpleUser(userName), emails: { type: 'work', value: userName } }, 'invalidValue', 'emails');
      const user = await scim.create({ ...simpleUser(userName), emails: [{ type: 'work', value: userName }] });
      expect(user.emails).toEqual([expect.objectContaining({ type: 'work', value: userName })]);
      await refusedPatch(user.id, [{ op: 'add', path: 'phoneNumbers', value: { type: 'mobile', value: '+1 555' } }], 400, 'invalidValue', 'phoneNumbers');
      expect((await patched(user.id, { op: 'add', path: 'phoneNumbers', value: [{ type: 'mobile', value: '+1 555' }] })).phoneNumbers).toEqual([
        { type: 'mobile', value: '+1 555' },
      ]);
    });

    it('a list where one value belongs is 400 invalidValue; one value is stored', async () => {
      await refusedCreate(simpleUser(uniqueName('single'), { displayName: ['A', 'B'] }), 'invalidValue', 'displayName');
      expect((await scim.create(simpleUser(uniqueName('single'), { displayName: 'A' }))).displayName).toBe('A');
    });
  });

  describe('sub-attributes and canonical values', () => {
    it('an unknown sub-attribute is 400 invalidSyntax naming it; the declared ones are stored', async () => {
      const userName = uniqueName('sub');
      await refusedCreate(simpleUser(userName, { name: { givenName: 'Ada', nickname: 'A' } }), 'invalidSyntax', 'name.nickname');
      await refusedCreate({ ...simpleUser(userName), emails: [{ type: 'work', value: userName, label: 'x' }] }, 'invalidSyntax', 'emails.label');
      const user = await scim.create(simpleUser(userName, { name: { givenName: 'Ada', middleName: 'King' } }));
      expect(user.name).toEqual({ givenName: 'Ada', middleName: 'King' });
    });

    it('a type outside canonicalValues is 400 invalidValue; a canonical type (any case) is stored in its canonical spelling', async () => {
      await refusedCreate(simpleUser(uniqueName('canon'), { phoneNumbers: [{ type: 'pager', value: '1' }] }), 'invalidValue', 'phoneNumbers.type');
      const user = await scim.create(simpleUser(uniqueName('canon'), { phoneNumbers: [{ type: 'Mobile', value: '1' }] }));
      expect(user.phoneNumbers).toEqual([{ type: 'mobile', value: '1' }]);
      await refusedPatch(user.id, [{ op: 'add', path: 'addresses[type eq "home"].locality', value: 'X' }], 400, 'invalidValue', 'addresses.type');
      expect((await patched(user.id, { op: 'add', path: 'addresses[type eq "other"].formatted', value: 'Building 4' })).addresses).toEqual([
        { type: 'other', formatted: 'Building 4' },
      ]);
    });

    it('two primary values in one body are 400 invalidValue; one primary is stored', async () => {
      const userName = uniqueName('primary');
      const emails = [
        { type: 'work', value: userName, primary: true },
        { type: 'other', value: `other.${userName}`, primary: true },
      ];
      await refusedCreate({ ...simpleUser(userName), emails }, 'invalidValue', 'primary');
      const user = await scim.create({ ...simpleUser(userName), emails: [emails[0], { ...emails[1], primary: false }] });
      expect(user.emails.filter((e: Json) => e.primary === true)).toEqual([expect.objectContaining({ value: userName })]);
      await refusedPatch(user.id, [{ op: 'replace', path: 'emails', value: emails }], 400, 'invalidValue', 'primary');
    });
  });

  describe("schemas names the endpoint's core schema and only declared extensions", () => {
    it('a body naming the Group schema at /Users is 400 invalidSyntax, never a User', async () => {
      const userName = uniqueName('group-body');
      await refusedCreate({ schemas: [CORE_GROUP], userName, displayName: 'G' }, 'invalidSyntax', CORE_GROUP);
      await refusedCreate({ schemas: [ENTERPRISE], userName }, 'invalidSyntax', CORE_USER);
      await refusedCreate({ schemas: [CORE_USER, CORE_GROUP], userName }, 'invalidSyntax', CORE_GROUP);
      await refusedCreate({ userName }, 'invalidSyntax', 'schemas');
      expect((await scim.create({ schemas: [CORE_USER, ENTERPRISE], userName })).userName).toBe(userName);
    });

    it("an undeclared schema URN is 400 naming it; Entra's legacy group URN is accepted and ignored", async () => {
      const custom = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
      await refusedCreate({ schemas: [CORE_USER, custom], userName: uniqueName('urn') }, 'invalidSyntax', custom);
      const name = `Legacy ${randomUUID().slice(0, 8)}`;
      expectScimError(await scim.post('/Groups', { schemas: [CORE_USER], displayName: name }), 400, 'invalidSyntax');
      const group = expectStatus(
        await scim.post('/Groups', { schemas: [CORE_GROUP, LEGACY_GROUP], displayName: name, meta: { resourceType: 'Group' } }),
        201,
      ).body;
      expect(group.displayName).toBe(name);
      expect(group.schemas).toContain(CORE_GROUP);
      expect(group.schemas).not.toContain(LEGACY_GROUP);
    });
  });

  describe('unknown attributes are 400 invalidSyntax naming them, so a mapping mistake never loses data silently', () => {
    it('in a POST body (core, URN-qualified and inside the extension), all named at once; declared ones are stored', async () => {
      const custom = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CustomAttribute';
      await refusedCreate(simpleUser(uniqueName('unknown'), { favouriteColour: 'x', shoeSize: '9' }), 'invalidSyntax', '"favouriteColour"', '"shoeSize"');
      await refusedCreate(simpleUser(uniqueName('unknown'), { [custom]: 'x' }), 'invalidSyntax', custom);
      await refusedCreate(simpleUser(uniqueName('unknown'), { [ENTERPRISE]: { costCentre: 'x' } }), 'invalidSyntax', 'costCentre');
      const user = await scim.create(simpleUser(uniqueName('known'), { nickName: 'x', [ENTERPRISE]: { costCenter: 'CC-1' } }));
      expect(user).toMatchObject({ nickName: 'x', [ENTERPRISE]: { costCenter: 'CC-1' } });
    });

    it("Entra's tutorial create with roles: [] is 201 (an empty value loses nothing); roles with values are 400", async () => {
      const user = await scim.create(tutorialUser(`Test_User_${randomUUID()}`));
      expect(user).not.toHaveProperty('roles');
      await refusedCreate({ ...tutorialUser(`Test_User_${randomUUID()}`), roles: [{ value: 'Admin' }] }, 'invalidSyntax', 'roles');
    });

    it('in a path-less PATCH value: 400 invalidSyntax and nothing changes; declared keys (dotted, URN-qualified) apply', async () => {
      const user = await scim.create(simpleUser(uniqueName('pathless')));
      await refusedPatch(user.id, [{ op: 'replace', value: { displayName: 'New', favouriteColour: 'blue' } }], 400, 'invalidSyntax', 'favouriteColour');
      const after = await patched(user.id, { op: 'replace', value: { displayName: 'New', 'name.givenName': 'G', [`${ENTERPRISE}:division`]: 'R&D' } });
      expect(after).toMatchObject({ displayName: 'New', name: { givenName: 'G' }, [ENTERPRISE]: { division: 'R&D' } });
    });
  });

  describe('PATCH paths must resolve', () => {
    it('a path to an attribute that does not exist is 400 invalidPath, and the other operations are not applied either', async () => {
      const user = await scim.create(simpleUser(uniqueName('path')));
      for (const path of ['favouriteColour', 'name.nickname', `${ENTERPRISE}:costCentre`, 'emails[type eq "work"].label', 'members']) {
        await refusedPatch(
          user.id,
          [
            { op: 'replace', path: 'title', value: 'T' },
            { op: 'Add', path, value: 'x' },
          ],
          400,
          'invalidPath',
          path.split('[')[0],
        );
      }
      expect(await patched(user.id, { op: 'replace', path: 'title', value: 'T' }, { op: 'Add', path: 'nickName', value: 'x' })).toMatchObject({
        title: 'T',
        nickName: 'x',
      });
    });

    it('replace through a value filter that matches nothing is 400 noTarget; add through it creates the value', async () => {
      const user = await scim.create({ schemas: [CORE_USER], userName: uniqueName('target') });
      await refusedPatch(user.id, [{ op: 'Replace', path: 'phoneNumbers[type eq "fax"].value', value: '+1' }], 400, 'noTarget');
      expect((await patched(user.id, { op: 'Add', path: 'phoneNumbers[type eq "fax"].value', value: '+1' })).phoneNumbers).toEqual([
        { type: 'fax', value: '+1' },
      ]);
      expect((await patched(user.id, { op: 'Replace', path: 'phoneNumbers[type eq "fax"].value', value: '+2' })).phoneNumbers).toEqual([
        { type: 'fax', value: '+2' },
      ]);
    });

    it('noTarget is checked before mutability: a readOnly value filter that matches nothing is noTarget; without a filter it is mutability', async () => {
      const user = await scim.create(simpleUser(uniqueName('ro-target')));
      await refusedPatch(user.id, [{ op: 'replace', path: 'groups[value eq "no-such-group"].display', value: 'x' }], 400, 'noTarget');
      await refusedPatch(user.id, [{ op: 'replace', path: 'groups', value: [] }], 400, 'mutability');
    });
  });

  describe('readOnly attributes in a path-less replace', () => {
    it("Okta's group rename repeating the unchanged id is 204 and renames; a different id is 400 mutability", async () => {
      const name = `Okta ${randomUUID().slice(0, 8)}`;
      const group = expectStatus(await scim.post('/Groups', { schemas: [CORE_GROUP], displayName: name }), 201).body;
      const refused = await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'replace', value: { id: randomUUID(), displayName: `${name} X` } }));
      expectScimError(refused, 400, 'mutability');
      expect(expectStatus(await scim.get(`/Groups/${group.id}`), 200).body.displayName).toBe(name);
      expectStatus(await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'replace', value: { id: group.id, displayName: `${name} renamed` } })), 204);
      expect(expectStatus(await scim.get(`/Groups/${group.id}`), 200).body.displayName).toBe(`${name} renamed`);
    });

    it('the same holds for a user: an unchanged id is ignored, a changed one is 400 mutability', async () => {
      const user = await scim.create(simpleUser(uniqueName('okta-user')));
      await refusedPatch(user.id, [{ op: 'replace', value: { id: randomUUID(), title: 'X' } }], 400, 'mutability', 'id');
      expect((await patched(user.id, { op: 'replace', value: { id: user.id, title: 'X' } })).title).toBe('X');
    });
  });

  describe('object keys that differ only in case', () => {
    it('are 400 invalidSyntax in a body and in a PATCH value; one spelling in any case is accepted', async () => {
      const userName = uniqueName('case');
      await refusedCreate({ schemas: [CORE_USER], userName, USERNAME: `x${userName}` }, 'invalidSyntax', 'USERNAME');
      await refusedCreate({ ...simpleUser(userName), name: { givenName: 'A', GivenName: 'B' } }, 'invalidSyntax', 'GivenName');
      const user = await scim.create({ schemas: [CORE_USER], USERNAME: userName, Name: { GIVENNAME: 'A' } });
      expect(user).toMatchObject({ userName, name: { givenName: 'A' } });
      await refusedPatch(user.id, [{ op: 'replace', value: { title: 'a', TITLE: 'b' } }], 400, 'invalidSyntax', 'TITLE');
    });
  });

  describe("Entra's default mapping (ENTRA.md §4.1) is stored", () => {
    it('a create with every attribute of the default mapping round-trips exactly, and the admin API shows the HR fields', async () => {
      const boss = await scim.create(simpleUser(uniqueName('boss'), { displayName: 'The Boss' }));
      const tag = randomUUID().slice(0, 8);
      const userName = `all.${tag}@contoso.test`;
      const body: Json = {
        schemas: [CORE_USER, ENTERPRISE],
        externalId: `all${tag}`,
        userName,
        active: true,
        displayName: `All ${tag}`,
        nickName: `nick${tag}`,
        title: 'Engineer',
        userType: 'Member',
        preferredLanguage: 'en-GB',
        locale: 'en-GB',
        timezone: 'Europe/London',
        name: {
          formatted: 'Dr. Ada King Lovelace PhD',
          familyName: 'Lovelace',
          givenName: 'Ada',
          middleName: 'King',
          honorificPrefix: 'Dr.',
          honorificSuffix: 'PhD',
        },
        emails: [
          { type: 'work', value: userName, primary: true },
          { type: 'other', value: `proxy.${tag}@contoso.test`, primary: false },
        ],
        phoneNumbers: [
          { type: 'work', value: '+44 20 7946 0000', primary: true },
          { type: 'mobile', value: '+44 7700 900000' },
          { type: 'fax', value: '+44 20 7946 0001' },
        ],
        addresses: [
          {
            type: 'work',
            primary: true,
            formatted: `1 Main St, London ${tag}`,
            streetAddress: '1 Main St',
            locality: 'London',
            region: 'Greater London',
            postalCode: 'EC1A 1BB',
            country: 'GB',
          },
          { type: 'other', formatted: 'Building 4, room 210' },
        ],
        [ENTERPRISE]: {
          employeeNumber: `E-${tag}`,
          costCenter: `CC-${tag}`,
          organization: 'Contoso Ltd',
          division: 'Research',
          department: 'Analytics',
          manager: { value: boss.id },
        },
      };
      const created = await scim.create(body);
      const expected = {
        ...body,
        id: created.id,
        [ENTERPRISE]: { ...body[ENTERPRISE], manager: { value: boss.id, $ref: expect.stringContaining(boss.id), displayName: 'The Boss' } },
      };
      expect(withoutMeta(created)).toEqual(expected);
      expect(withoutMeta(await scim.user(created.id))).toEqual(expected);

      const admin = await org.user(created.id);
      expect(admin.hr).toEqual({
        employeeNumber: `E-${tag}`,
        costCenter: `CC-${tag}`,
        organization: 'Contoso Ltd',
        division: 'Research',
        userType: 'Member',
        nickName: `nick${tag}`,
        middleName: 'King',
        honorificPrefix: 'Dr.',
        honorificSuffix: 'PhD',
        preferredLanguage: 'en-GB',
        locale: 'en-GB',
        timezone: 'Europe/London',
        workPhone: '+44 20 7946 0000',
        mobilePhone: '+44 7700 900000',
        fax: '+44 20 7946 0001',
        office: 'Building 4, room 210',
      });

      // Filterable in SCIM and where an HR admin searches; a different value finds nobody.
      expect((await scim.list(`${ENTERPRISE}:costCenter eq "cc-${tag}"`)).Resources.map((r: Json) => r.id)).toEqual([created.id]);
      expect((await scim.list(`addresses[type eq "other"].formatted co "room 210" and userName eq "${userName}"`)).Resources).toHaveLength(1);
      expect((await scim.list(`nickName eq "other${tag}"`)).totalResults).toBe(0);
      expect((await org.users({ costCenter: `cc-${tag}` })).items.map((u) => u.id)).toEqual([created.id]);
      expect((await org.users({ q: `E-${tag}` })).items.map((u) => u.id)).toEqual([created.id]);
      expect((await org.users({ employeeNumber: `E-${tag}` })).items.map((u) => u.id)).toEqual([created.id]);
      expect((await org.users({ costCenter: `other-${tag}` })).total).toBe(0);

      // Directory-owned: the admin API refuses a change, accepts the unchanged value.
      const send = (patch: Json) => h.send('patch', `/api/v1/users/${created.id}`, org.adminToken, patch);
      const refused = await send({ costCenter: 'Elsewhere' });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'FIELD_MANAGED_BY_DIRECTORY' });
      expectStatus(await send({ costCenter: `CC-${tag}` }), 200);

      // A person added in the app has no directory: an admin sets their HR fields.
      const inApp = expectStatus(
        await h.send('post', '/api/v1/users', org.adminToken, { email: `inapp.${tag}@contoso.test`, costCenter: 'CC-9', office: 'Desk 7' }),
        201,
      ).body;
      expect(inApp.hr).toMatchObject({ costCenter: 'CC-9', office: 'Desk 7', division: null });
      const edited = expectStatus(await h.send('patch', `/api/v1/users/${inApp.id}`, org.adminToken, { division: 'Ops', office: ' ' }), 200).body;
      expect(edited.hr).toMatchObject({ costCenter: 'CC-9', division: 'Ops', office: null });

      // Clearing through PATCH, as Entra does ("" clears).
      const cleared = await patched(
        created.id,
        { op: 'Replace', path: `${ENTERPRISE}:costCenter`, value: '' },
        { op: 'remove', path: 'addresses[type eq "other"]' },
      );
      expect(cleared[ENTERPRISE]).not.toHaveProperty('costCenter');
      expect(cleared.addresses).toEqual([body.addresses[0]]);
    });
  });
});
