import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DirectoryHandle, OrgHandle, PUBLIC_URL, startTestApp, TestApp } from './support/app';
import { expectScimError, expectStatus, Json, LIST_RESPONSE, patchOp, ScimClient, simpleUser, uniqueName } from './support/scim-client';
import { testEngines } from './support/databases';
import { statementRecorder } from './support/statements';

/**
 * Every group request shape of ENTRA.md §2.7 and the membership rules of issue #4, checked
 * through the status AND the stored result (SCIM GET, the admin API, the rows), on both engines.
 */

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LEGACY_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const FRANKLI = 'urn:ietf:params:scim:schemas:extension:frankli:2.0:Group';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SCIM_BASE = `${PUBLIC_URL}/scim/v2`;

const uniqueGroup = (prefix = 'Group'): string => `${prefix} ${randomUUID().slice(0, 8)}`;

describe.each(testEngines())('SCIM /Groups on %s', (engine) => {
  let h: TestApp;
  let org: OrgHandle;
  let dir: DirectoryHandle;
  let scim: ScimClient;

  beforeAll(async () => {
    h = await startTestApp(engine);
    org = await h.organization('Contoso');
    dir = await org.directory();
    scim = dir.scim(true);
  });

  afterAll(async () => h?.close());

  const newUser = async (client = scim, displayName?: string): Promise<string> =>
    (await client.create(simpleUser(uniqueName('member'), displayName ? { displayName } : {}))).id;
  const newUsers = (n: number): Promise<string[]> => Promise.all(Array.from({ length: n }, () => newUser()));

  const createGroup = async (displayName = uniqueGroup(), extra: Json = {}, client = scim): Promise<Json> => {
    const res = expectStatus(await client.post('/Groups', { schemas: [CORE_GROUP], displayName, ...extra }), 201);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    return res.body;
  };
  const getGroup = async (id: string, query = ''): Promise<Json> => expectStatus(await scim.get(`/Groups/${id}${query}`), 200).body;
  const memberIds = async (id: string): Promise<string[]> => (await getGroup(id)).members.map((m: Json) => m.value).sort();
  const patchGroup = async (id: string, ...operations: Json[]): Promise<void> => {
    const res = expectStatus(await scim.patch(`/Groups/${id}`, patchOp(...operations)), 204);
    expect(res.text).toBe('');
  };
  const rowCount = async (groupId: string): Promise<number> => {
    const [{ n }] = await h.dataSource.query('SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?', [groupId]);
    return Number(n);
  };
  const lookup = async (displayName: string, client = scim): Promise<Json> => {
    const qs = new URLSearchParams({ excludedAttributes: 'members', filter: `displayName eq "${displayName}"` }).toString();
    const res = expectStatus(await client.get(`/Groups?${qs}`), 200);
    expect(res.body.schemas).toEqual([LIST_RESPONSE]);
    return res.body;
  };

  describe('ENTRA.md §2.7, every request shape in order', () => {
    it('lookup, create with the legacy URN, get, rename, add, remove by list and by filter, remove all, replace, delete', async () => {
      const displayName = uniqueGroup('displayName');
      expect(await lookup(displayName)).toMatchObject({ totalResults: 0, Resources: [] });

      const body = {
        schemas: [CORE_GROUP, LEGACY_GROUP],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName,
        meta: { resourceType: 'Group' },
      };
      const res = expectStatus(await scim.post('/Groups', body), 201);
      const created = res.body;
      expect(created).toEqual({
        schemas: [CORE_GROUP, FRANKLI],
        id: expect.stringMatching(UUID),
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName,
        members: [],
        [FRANKLI]: { autoInvite: false, grantsAdmin: false },
        meta: {
          resourceType: 'Group',
          created: expect.any(String),
          lastModified: expect.any(String),
          location: `${SCIM_BASE}/Groups/${created.id}`,
          version: expect.any(String),
        },
      });
      expect(res.headers.location).toBe(created.meta.location);
      const id: string = created.id;

      const found = await lookup(displayName);
      expect(found.totalResults).toBe(1);
      expect(found.Resources[0].id).toBe(id);
      expect(found.Resources[0]).not.toHaveProperty('members');

      const withoutMembers = await getGroup(id, '?excludedAttributes=members');
      expect(withoutMembers).toMatchObject({ id, displayName });
      expect(withoutMembers).not.toHaveProperty('members');

      const renamed = `${displayName}updatedDisplayName`;
      await patchGroup(id, { op: 'Replace', path: 'displayName', value: renamed });
      expect((await getGroup(id)).displayName).toBe(renamed);

      const [u1, u2, u3, u4] = await Promise.all([newUser(scim, 'One'), newUser(), newUser(), newUser()]);
      await patchGroup(id, {
        op: 'Add',
        path: 'members',
        value: [
          { $ref: null, value: u1 },
          { $ref: null, value: u2 },
        ],
      });
      const withMembers = await getGroup(id);
      expect(withMembers.members).toHaveLength(2);
      expect(withMembers.members).toContainEqual({ value: u1, $ref: `${SCIM_BASE}/Users/${u1}`, display: 'One' });
      expect(await memberIds(id)).toEqual([u1, u2].sort());

      // Bare string values, lower-case op.
      await patchGroup(id, { op: 'add', path: 'members', value: [u3, u4] });
      expect(await memberIds(id)).toEqual([u1, u2, u3, u4].sort());

      // The documented removal removes only the listed members (ENTRA.md §6 pitfall 3).
      await patchGroup(id, { op: 'Remove', path: 'members', value: [{ value: u1 }] });
      expect(await memberIds(id)).toEqual([u2, u3, u4].sort());
      await patchGroup(id, { op: 'Remove', path: 'members', value: [{ $ref: null, value: u4 }] });
      expect(await memberIds(id)).toEqual([u2, u3].sort());

      await patchGroup(id, { op: 'remove', path: `members[value eq "${u2}"]` });
      expect(await memberIds(id)).toEqual([u3]);

      await patchGroup(id, { op: 'remove', path: 'members' });
      expect(await memberIds(id)).toEqual([]);
      expect(await rowCount(id)).toBe(0);

      await patchGroup(id, { op: 'add', path: 'members', value: [{ value: u1 }] });
      await patchGroup(id, { op: 'replace', path: 'members', value: [{ value: u2 }, { value: u3 }] });
      expect(await memberIds(id)).toEqual([u2, u3].sort());

      expectStatus(await scim.delete(`/Groups/${id}`), 204);
      expectScimError(await scim.get(`/Groups/${id}`), 404);
      expectScimError(await scim.delete(`/Groups/${id}`), 404);
      expectScimError(await scim.patch(`/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: u1 }] })), 404);
      expect(await rowCount(id)).toBe(0);
      expect((await lookup(renamed)).totalResults).toBe(0);
    });
  });

  describe('membership rules', () => {
    it('accepts op names in any case', async () => {
      const { id } = await createGroup();
      const [a, b] = await newUsers(2);
      await patchGroup(id, { op: 'ADD', path: 'members', value: [{ value: a }, { value: b }] });
      await patchGroup(id, { op: 'rEmOvE', path: 'members', value: [{ value: a }] });
      await patchGroup(id, { op: 'RePlAcE', path: 'displayName', value: 'Mixed case ops' + randomUUID() });
      expect(await memberIds(id)).toEqual([b]);
    });

    it('adding a member twice is idempotent and removing a non-member is a no-op', async () => {
      const { id } = await createGroup();
      const [a, b, c] = await newUsers(3);
      await patchGroup(id, { op: 'add', path: 'members', value: [{ value: a }, { value: a }] });
      await patchGroup(id, { op: 'add', path: 'members', value: [{ value: a }, { value: b }] });
      expect(await memberIds(id)).toEqual([a, b].sort());
      expect(await rowCount(id)).toBe(2);

      await patchGroup(id, { op: 'remove', path: 'members', value: [{ value: c }] });
      await patchGroup(id, { op: 'remove', path: `members[value eq "${randomUUID()}"]` });
      expect(await memberIds(id)).toEqual([a, b].sort());
    });

    it('applies every operation of a request in order, atomically: an unknown member is 400 and nothing changes', async () => {
      const name = uniqueGroup();
      const { id } = await createGroup(name);
      const [a, b] = await newUsers(2);
      await patchGroup(id, { op: 'add', path: 'members', value: [{ value: a }] });

      const res = await scim.patch(
        `/Groups/${id}`,
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Should not stick' },
          { op: 'remove', path: 'members' },
          { op: 'add', path: 'members', value: [{ value: b }, { value: 'not-a-user' }] },
        ),
      );
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toContain('not-a-user');
      const after = await getGroup(id);
      expect(after.displayName).toBe(name);
      expect(after.members.map((m: Json) => m.value)).toEqual([a]);

      // A user of another directory of the same organisation is not a member this directory can name.
      const other = await org.directory();
      const stranger = await newUser(other.scim());
      expectScimError(await scim.patch(`/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: stranger }] })), 400, 'invalidValue');
      expect(await memberIds(id)).toEqual([a]);

      // A POST naming an unknown member creates nothing.
      const rejected = uniqueGroup();
      expectScimError(await scim.post('/Groups', { schemas: [CORE_GROUP], displayName: rejected, members: [{ value: 'nobody' }] }), 400, 'invalidValue');
      expect((await lookup(rejected)).totalResults).toBe(0);
    });

    it('a user the directory DELETEd is no longer listed, counted or addable', async () => {
      const { id } = await createGroup();
      const [a, b] = await newUsers(2);
      await patchGroup(id, { op: 'add', path: 'members', value: [{ value: a }, { value: b }] });
      expectStatus(await scim.delete(`/Users/${a}`), 204);
      expect(await memberIds(id)).toEqual([b]);
      const filtered = expectStatus(await scim.get(`/Groups?${new URLSearchParams({ filter: `members.value eq "${a}"` }).toString()}`), 200).body;
      expect(filtered.totalResults).toBe(0);
      expect(expectStatus(await org.get(`/api/v1/groups/${id}`), 200).body.memberCount).toBe(1);
      expectScimError(await scim.patch(`/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a }] })), 400, 'invalidValue');
    });

    it('serialises 20 concurrent PATCHes on one group: each adds its member, all 20 stay', async () => {
      const { id } = await createGroup();
      const users = await newUsers(20);
      const results = await Promise.all(users.map((u) => scim.patch(`/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: u }] }))));
      expect(results.map((r) => r.status)).toEqual(users.map(() => 204));
      expect(await memberIds(id)).toEqual([...users].sort());
      expect(await rowCount(id)).toBe(20);
      const version = (await getGroup(id)).meta.version;
      expect(version).toBe('W/"21"');
    });
  });

  describe('create, replace and uniqueness', () => {
    it('POST with members answers them; PUT replaces displayName, externalId and members', async () => {
      const [a, b, c] = await Promise.all([newUser(scim, 'Alice'), newUser(), newUser()]);
      const created = await createGroup(uniqueGroup(), { externalId: 'ext-1', members: [{ value: a, display: 'ignored' }, { value: b }] });
      expect(created.members.map((m: Json) => m.value).sort()).toEqual([a, b].sort());
      expect(created.members).toContainEqual({ value: a, $ref: `${SCIM_BASE}/Users/${a}`, display: 'Alice' });

      const renamed = uniqueGroup('Replaced');
      const res = expectStatus(
        await scim.put(`/Groups/${created.id}`, { schemas: [CORE_GROUP], id: created.id, displayName: renamed, members: [{ value: b }, { value: c }] }),
        200,
      );
      expect(res.body).toMatchObject({ id: created.id, displayName: renamed });
      expect(res.body).not.toHaveProperty('externalId');
      expect(res.body.members.map((m: Json) => m.value).sort()).toEqual([b, c].sort());
      expect(await memberIds(created.id)).toEqual([b, c].sort());

      expectStatus(await scim.put(`/Groups/${created.id}`, { schemas: [CORE_GROUP], displayName: renamed }), 200);
      expect(await memberIds(created.id)).toEqual([]);
      expectScimError(await scim.put(`/Groups/${randomUUID()}`, { schemas: [CORE_GROUP], displayName: uniqueGroup() }), 404);
      expectScimError(await scim.post('/Groups', { schemas: [CORE_GROUP], members: [] }), 400);
    });

    it('displayName is unique per directory, case-insensitively: 409 uniqueness on POST, PATCH and PUT', async () => {
      const name = uniqueGroup('Engineering');
      await createGroup(name);
      expectScimError(await scim.post('/Groups', { schemas: [CORE_GROUP], displayName: name.toUpperCase() }), 409, 'uniqueness');
      const other = await createGroup();
      expectScimError(await scim.patch(`/Groups/${other.id}`, patchOp({ op: 'replace', path: 'displayName', value: name.toLowerCase() })), 409, 'uniqueness');
      expectScimError(await scim.put(`/Groups/${other.id}`, { schemas: [CORE_GROUP], displayName: name }), 409, 'uniqueness');
      // Another directory has its own names.
      await createGroup(name, {}, (await org.directory()).scim());
    });
  });

  describe('queries', () => {
    let client: ScimClient;
    let ids: string[];
    let member: string;

    beforeAll(async () => {
      client = (await org.directory()).scim();
      member = await newUser(client);
      ids = [];
      for (let i = 0; i < 5; i++) {
        const res = expectStatus(
          await client.post('/Groups', {
            schemas: [CORE_GROUP],
            displayName: `Team ${i}`,
            externalId: `ext-${i}`,
            members: i === 2 ? [{ value: member }] : [],
          }),
          201,
        );
        ids.push(res.body.id);
      }
    });

    const list = async (query: Record<string, string>): Promise<Json> =>
      expectStatus(await client.get(`/Groups?${new URLSearchParams(query).toString().toString()}`), 200).body;

    it('filters on displayName (case-insensitively), externalId, id and members.value', async () => {
      expect((await list({ filter: 'displayName eq "team 3"' })).Resources.map((r: Json) => r.id)).toEqual([ids[3]]);
      expect((await list({ filter: 'externalId eq "ext-1"' })).Resources.map((r: Json) => r.id)).toEqual([ids[1]]);
      expect((await list({ filter: 'externalId eq "EXT-1"' })).totalResults).toBe(0);
      expect((await list({ filter: `id eq "${ids[4]}"` })).Resources.map((r: Json) => r.id)).toEqual([ids[4]]);
      expect((await list({ filter: `members.value eq "${member}"` })).Resources.map((r: Json) => r.id)).toEqual([ids[2]]);
      expect((await list({ filter: `members[value eq "${member}"]` })).Resources.map((r: Json) => r.id)).toEqual([ids[2]]);
      expect((await list({ filter: 'displayName sw "Team" and not (externalId eq "ext-0")' })).totalResults).toBe(4);
      expectScimError(await client.get(`/Groups?${new URLSearchParams({ filter: 'owner eq "x"' }).toString()}`), 400, 'invalidFilter');
    });

    it('pages with an exact totalResults and honours excludedAttributes=members in lists', async () => {
      const page = await list({ startIndex: '2', count: '2' });
      expect(page).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
      expect(page.Resources.map((r: Json) => r.id)).toEqual([ids[1], ids[2]]);
      expect(page.Resources[1].members.map((m: Json) => m.value)).toEqual([member]);
      const slim = await list({ excludedAttributes: 'members' });
      expect(slim.Resources).toHaveLength(5);
      for (const r of slim.Resources) expect(r).not.toHaveProperty('members');
    });

    it('RFC 9865 cursor paging in id order, with members or without', async () => {
      const walked: string[] = [];
      let cursor = '';
      for (let n = 0; n < 10; n++) {
        const body = await list({ cursor, count: '2', filter: 'displayName sw "Team"' });
        expect(body).toMatchObject({ totalResults: 5, itemsPerPage: body.Resources.length });
        expect(body).not.toHaveProperty('startIndex');
        walked.push(...body.Resources.map((r: Json) => r.id));
        if (!body.nextCursor) break;
        cursor = body.nextCursor;
      }
      expect(walked).toEqual([...ids].sort());
      const withMember = await list({ cursor: '', filter: `id eq "${ids[2]}"` });
      expect(withMember.Resources[0].members.map((m: Json) => m.value)).toEqual([member]);
      const slim = await list({ cursor: '', filter: `id eq "${ids[2]}"`, excludedAttributes: 'members' });
      expect(slim.Resources[0]).not.toHaveProperty('members');
      expectScimError(await client.get('/Groups?cursor=nope'), 400, 'invalidCursor');
    });

    it('excludedAttributes=members never reads membership rows (lookup, list and get)', async () => {
      const group = await createGroup(uniqueGroup('No member reads'));
      await patchGroup(group.id, { op: 'add', path: 'members', value: [{ value: await newUser() }] });
      // Every statement the app sends (query builders included), not only DataSource.query.
      const recorder = statementRecorder(h.app.get(DataSource));
      const filter = encodeURIComponent(`displayName eq "${group.displayName}"`);
      let seen = (
        await recorder.during(async () => {
          const lookup = expectStatus(await scim.get(`/Groups?excludedAttributes=members&filter=${filter}`), 200).body;
          expect(lookup.Resources.map((r: Json) => r.id)).toEqual([group.id]);
          expect(lookup.Resources[0].members).toBeUndefined();
          const listed = expectStatus(await scim.get(`/Groups?excludedAttributes=members&cursor=&filter=${filter}`), 200).body;
          expect(listed.Resources[0].members).toBeUndefined();
          expect((await getGroup(group.id, '?excludedAttributes=members')).members).toBeUndefined();
        })
      ).map((st) => st.sql);
      expect(seen.some((sql) => /FROM\s+[`"]?groups[`"]?/i.test(sql))).toBe(true); // the recorder does see the group reads
      expect(seen.filter((sql) => /group_members/i.test(sql))).toEqual([]);
      seen = (await recorder.during(async () => expect((await getGroup(group.id)).members).toHaveLength(1))).map((st) => st.sql);
      expect(seen.some((sql) => /group_members/i.test(sql))).toBe(true); // and would see a member read
    });

    it('the User resource lists its groups, read-only', async () => {
      const user = expectStatus(await client.get(`/Users/${member}`), 200).body;
      expect(user.groups).toEqual([{ value: ids[2], $ref: `${SCIM_BASE}/Groups/${ids[2]}`, display: 'Team 2' }]);
      const listed = expectStatus(await client.get(`/Users?${new URLSearchParams({ filter: `id eq "${member}"` }).toString()}`), 200).body;
      expect(listed.Resources[0].groups).toEqual(user.groups);
    });
  });

  it('a group of directory A does not exist for directory B', async () => {
    const { id, displayName } = await createGroup();
    const b = (await org.directory()).scim();
    const other = await (await h.organization()).directory();
    for (const client of [b, other.scim()]) {
      expectScimError(await client.get(`/Groups/${id}`), 404);
      expectScimError(await client.put(`/Groups/${id}`, { schemas: [CORE_GROUP], displayName: 'x' }), 404);
      expectScimError(await client.patch(`/Groups/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' })), 404);
      expectScimError(await client.delete(`/Groups/${id}`), 404);
      expect((await lookup(displayName, client)).totalResults).toBe(0);
    }
    expect((await getGroup(id)).displayName).toBe(displayName);
  });

  it('discovery lists User first, then Group with the frankli extension (read-only)', async () => {
    const types = expectStatus(await scim.get('/ResourceTypes'), 200).body;
    expect(types.Resources.map((r: Json) => r.name)).toEqual(['User', 'Group']);
    expect(types.Resources[1].schemaExtensions).toEqual([expect.objectContaining({ schema: FRANKLI })]);
    const schemas = expectStatus(await scim.get('/Schemas'), 200).body;
    expect(schemas.Resources.map((s: Json) => s.id)).toEqual(expect.arrayContaining([CORE_GROUP, FRANKLI]));
    // Issue #9: the entitlements are the organisation's; /Schemas says SCIM cannot write them.
    const frankli = schemas.Resources.find((s: Json) => s.id === FRANKLI);
    expect(frankli.attributes.map((a: Json) => [a.name, a.mutability])).toEqual([
      ['autoInvite', 'readOnly'],
      ['grantsAdmin', 'readOnly'],
    ]);
  });

  describe('entitlement flags and the admin API', () => {
    it('shows autoInvite/grantsAdmin read-only over SCIM (POST/PUT ignore them, PATCH is 400 mutability); the admin API sets them', async () => {
      const created = await createGroup(uniqueGroup(), { schemas: [CORE_GROUP, FRANKLI], [FRANKLI]: { autoInvite: true } });
      expect(created[FRANKLI]).toEqual({ autoInvite: false, grantsAdmin: false });
      expectScimError(await scim.patch(`/Groups/${created.id}`, patchOp({ op: 'replace', path: `${FRANKLI}:grantsAdmin`, value: 'True' })), 400, 'mutability');
      expectScimError(await scim.patch(`/Groups/${created.id}`, patchOp({ op: 'replace', path: `${FRANKLI}:autoInvite`, value: false })), 400, 'mutability');
      expect((await getGroup(created.id))[FRANKLI]).toEqual({ autoInvite: false, grantsAdmin: false });

      const admin = expectStatus(await h.send('patch', `/api/v1/groups/${created.id}`, org.adminToken, { autoInvite: true, grantsAdmin: false }), 200).body;
      expect(admin).toMatchObject({ id: created.id, autoInvite: true, grantsAdmin: false });
      expect((await getGroup(created.id))[FRANKLI]).toEqual({ autoInvite: true, grantsAdmin: false });
      // A PUT, with the extension or without, leaves the admin's flags alone.
      const put = expectStatus(
        await scim.put(`/Groups/${created.id}`, {
          schemas: [CORE_GROUP, FRANKLI],
          displayName: created.displayName,
          [FRANKLI]: { autoInvite: false, grantsAdmin: true },
        }),
        200,
      );
      expect(put.body[FRANKLI]).toEqual({ autoInvite: true, grantsAdmin: false });
      expectStatus(await h.send('patch', `/api/v1/groups/${created.id}`, org.adminToken, { autoInvite: 'yes' }), 400);
      expectStatus(await h.send('patch', `/api/v1/groups/${created.id}`, org.adminToken, { displayName: 'x' }), 400);
    });

    it('lists groups with member counts, one group, and its members, scoped by organisation', async () => {
      const fresh = await h.organization();
      const d = await fresh.directory();
      const client = d.scim();
      const [a, b] = await Promise.all([newUser(client, 'Ann'), newUser(client, 'Bob')]);
      const g1 = await createGroup('Admins', { externalId: 'x1', members: [{ value: a }, { value: b }] }, client);
      const g2 = await createGroup('Empty', {}, client);

      const list = expectStatus(await fresh.get('/api/v1/groups'), 200).body;
      expect(list).toMatchObject({ total: 2, page: 1, limit: 50 });
      expect(list.items).toEqual([
        {
          id: g1.id,
          displayName: 'Admins',
          externalId: 'x1',
          directoryId: d.id,
          autoInvite: false,
          grantsAdmin: false,
          memberCount: 2,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
        expect.objectContaining({ id: g2.id, displayName: 'Empty', externalId: null, memberCount: 0 }),
      ]);
      expect(expectStatus(await fresh.get(`/api/v1/groups?directoryId=${randomUUID()}`), 200).body.total).toBe(0);
      expect(expectStatus(await fresh.get(`/api/v1/groups/${g1.id}`), 200).body).toEqual(list.items[0]);

      const members = expectStatus(await fresh.get(`/api/v1/groups/${g1.id}/members?limit=1&page=2`), 200).body;
      expect(members).toMatchObject({ total: 2, page: 2, limit: 1 });
      expect(members.items).toHaveLength(1);
      const all = expectStatus(await fresh.get(`/api/v1/groups/${g1.id}/members`), 200).body.items;
      expect(all.map((m: Json) => m.displayName).sort()).toEqual(['Ann', 'Bob']);
      expect(all[0]).toEqual({ id: expect.any(String), displayName: expect.any(String), email: expect.any(String), status: 'uninvited' });

      // Another organisation's admin sees nothing of it.
      for (const path of [`/api/v1/groups/${g1.id}`, `/api/v1/groups/${g1.id}/members`]) expectStatus(await org.get(path), 404);
      expectStatus(await h.send('patch', `/api/v1/groups/${g1.id}`, org.adminToken, { autoInvite: true }), 404);
      expect(expectStatus(await org.get('/api/v1/groups?limit=200'), 200).body.items.map((g: Json) => g.id)).not.toContain(g1.id);
      expectStatus(await h.send('get', '/api/v1/groups', 'not-a-token'), 401);
    });
  });

  it('never answered 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});
