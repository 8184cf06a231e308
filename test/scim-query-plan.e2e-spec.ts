import { testEngines } from './support/databases';
import { OrgHandle, startTestApp, TestApp } from './support/app';
import { expectStatus, Json, ScimClient, simpleUser, uniqueName } from './support/scim-client';
import { Statement, statementRecorder } from './support/statements';

/** describe.each over the engines selected that are `engine` (skipped when E2E_ENGINES leaves it out). */
const onEngine = (engine: 'mysql' | 'sqlite') => (testEngines().includes(engine) ? describe.each([engine]) : describe.skip.each([engine]));
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** `count` calls of `work`, eight at a time (the fixtures of the other tenants). */
async function inParallel(count: number, work: () => Promise<unknown>): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (left-- > 0) await work();
    }),
  );
}

interface PlanRow {
  table: string | null;
  type: string | null;
  key: string | null;
  Extra: string | null;
}

/**
 * Issue #13 §4, "never load a tenant into memory to filter it": every SELECT that a list request
 * of the SCIM and admin APIs runs (the token lookup, the page, the rows, their emails, managers,
 * groups, counts) reads through an index, never a full table scan. The statements are recorded
 * as the app sends them (test/support/statements.ts) and EXPLAINed with their own parameters, so
 * a changed query is checked as it now is. MariaDB only: SQLite's planner is not the production one.
 */
onEngine('mysql')('query plans of every list request on %s', (engine) => {
  let h: TestApp;
  let org: OrgHandle;
  let scim: ScimClient;
  let directoryId: string;
  let heldDirectoryId: string;
  let siteId: string;
  let departmentId: string;
  let roleId: string;
  let recorder: ReturnType<typeof statementRecorder>;
  const users: Json[] = [];
  const groups: Json[] = [];

  beforeAll(async () => {
    h = await startTestApp(engine);
    // Another organisation and another directory with people of their own, so "the organisation"
    // and "the directory" are selective, as they are in production.
    const other = await h.organization('Plans, others');
    const otherScim = (await other.directory()).scim();
    org = await h.organization('Plans');
    const dir = await org.directory();
    directoryId = dir.id;
    scim = dir.scim();
    const sibling = (await org.directory()).scim();
    for (let i = 0; i < 40; i++) users.push(await scim.create(simpleUser(`plan${i}@contoso.com`, { displayName: `Plan ${i}`, title: `Title ${i % 4}` })));
    // Tables of a few dozen rows are read whole whatever the indexes (the planner is right to):
    // the other tenants make them large enough that a plan shows what the index does.
    await inParallel(400, async () => otherScim.create(simpleUser(uniqueName('other'))));
    await inParallel(100, async () => sibling.create(simpleUser(uniqueName('sibling'))));
    for (let i = 0; i < 12; i++) {
      const members = users.slice(i, i + 3).map((u) => ({ value: u.id }));
      groups.push(expectStatus(await scim.post('/Groups', { schemas: [GROUP], displayName: `Plan group ${i}`, members }), 201).body);
    }
    await inParallel(200, async () => otherScim.post('/Groups', { schemas: [GROUP], displayName: uniqueName('other group') }));
    for (let i = 0; i < 6; i++) await h.send('post', '/api/v1/departments', org.adminToken, { name: `Plan department ${i}` });
    // A third directory whose guard holds deprovisions (with no minimum, 20 % of its 20 people
    // archive at once and the rest are held), so the held-deprovision list has rows; and an OAuth
    // client on the main directory.
    const guarded = await org.directory(uniqueName('guarded'), { graceMinutes: 0, minimum: 1 });
    heldDirectoryId = guarded.id;
    const guardedScim = guarded.scim();
    const guardedPeople: Json[] = [];
    for (let i = 0; i < 20; i++) guardedPeople.push(await guardedScim.create(simpleUser(uniqueName('guarded'))));
    for (const p of guardedPeople.slice(0, 10)) {
      expect([200, 204]).toContain(
        (await guardedScim.patch(`/Users/${p.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] })).status,
      );
    }
    expectStatus(await h.send('post', `/api/v1/directories/${directoryId}/oauth-clients`, org.adminToken, { name: 'Plan client' }), 201);
    siteId = await org.insertEntity('sites', 'Plan site');
    [{ id: departmentId }] = await org.entities('departments');
    [{ id: roleId }] = await org.entities('roles');
    await h.dataSource.query(
      'ANALYZE TABLE users, user_emails, `groups`, group_members, directories, directory_tokens, api_tokens, sessions, departments, sites, roles, provisioning_events, oauth_clients',
    );
    recorder = statementRecorder(h.dataSource);
  });

  afterAll(async () => h?.close());

  /** EXPLAIN of every SELECT a request ran, as `<table> <type> <key>` lines, with the rows that scan. */
  async function plansOf(work: () => Promise<unknown>): Promise<{ statements: Statement[]; plans: Array<{ sql: string; rows: PlanRow[] }> }> {
    const statements = (await recorder.during(work)).filter((s) => /^\s*SELECT\b/i.test(s.sql));
    const plans = [];
    for (const s of statements) plans.push({ sql: s.sql.replace(/\s+/g, ' '), rows: await h.dataSource.query<PlanRow[]>(`EXPLAIN ${s.sql}`, s.params) });
    return { statements, plans };
  }

  /** Rows that read a table without an index, or every row of one (type ALL, or a full index scan without a bound). */
  const scans = (plans: Array<{ sql: string; rows: PlanRow[] }>) =>
    plans.flatMap(({ sql, rows }) =>
      rows
        .filter((r) => r.table !== null && !/^<(derived|subquery|union)/.test(r.table))
        // const/system: at most one row, read once (e.g. an empty LEFT JOINed table).
        .filter((r) => r.type !== 'const' && r.type !== 'system')
        .filter((r) => r.type === 'ALL' || r.key === null || (r.type === 'index' && !/LIMIT/i.test(sql)))
        .map((r) => `${r.table} ${r.type} ${r.key ?? '-'} :: ${sql.slice(0, 160)}`),
    );

  const get = async (token: string, path: string): Promise<Json> => expectStatus(await h.send('get', path, token), 200).body;
  const scimGet = async (path: string): Promise<Json> => expectStatus(await scim.get(path), 200).body;

  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it.each<[string, (ctx: { cursor: (path: string) => Promise<string> }) => Promise<unknown>]>([
    ['SCIM userName eq (Entra lookup)', () => scimGet(`/Users?${q({ filter: 'userName eq "PLAN7@contoso.com"' })}`)],
    ['SCIM work-email lookup', () => scimGet(`/Users?${q({ filter: 'emails[type eq "work"].value eq "plan7@contoso.com"' })}`)],
    ['SCIM externalId eq', () => scimGet(`/Users?${q({ filter: 'externalId eq "nobody"' })}`)],
    ['SCIM users, startIndex page 2', () => scimGet('/Users?startIndex=11&count=10')],
    ['SCIM users, first cursor page', () => scimGet('/Users?cursor=&count=10')],
    ['SCIM users, next cursor page', async ({ cursor }) => scimGet(`/Users?${q({ cursor: await cursor('/Users?cursor=&count=10'), count: '10' })}`)],
    [
      'SCIM users, previous cursor page',
      async ({ cursor }) => {
        const next = await cursor('/Users?cursor=&count=10');
        const second = expectStatus(await scim.get(`/Users?${q({ cursor: next, count: '10' })}`), 200).body;
        return scimGet(`/Users?${q({ cursor: second.previousCursor, count: '10' })}`);
      },
    ],
    ['SCIM users, cursor page with a filter', () => scimGet(`/Users?${q({ cursor: '', count: '5', filter: 'displayName sw "Plan 1"' })}`)],
    ['SCIM groups displayName eq (Entra lookup)', () => scimGet(`/Groups?${q({ filter: 'displayName eq "Plan group 3"', excludedAttributes: 'members' })}`)],
    ['SCIM groups with members, startIndex', () => scimGet('/Groups?startIndex=3&count=5')],
    ['SCIM groups, cursor pages', async ({ cursor }) => scimGet(`/Groups?${q({ cursor: await cursor('/Groups?cursor=&count=5'), count: '5' })}`)],
    ['SCIM groups by member', () => scimGet(`/Groups?${q({ filter: `members.value eq "${users[4].id}"`, excludedAttributes: 'members' })}`)],
    ['SCIM groups externalId eq', () => scimGet(`/Groups?${q({ filter: 'externalId eq "nobody"', excludedAttributes: 'members' })}`)],
    ['SCIM users by a non-key attribute, startIndex', () => scimGet(`/Users?${q({ filter: 'title eq "Title 2"', startIndex: '2', count: '5' })}`)],
    ['SCIM users by a non-key attribute, cursor', () => scimGet(`/Users?${q({ cursor: '', filter: 'title eq "Title 2"', count: '5' })}`)],
  ])('%s reads by index', async (_, request) => {
    const cursor = async (path: string): Promise<string> => expectStatus(await scim.get(path), 200).body.nextCursor as string;
    const { statements, plans } = await plansOf(() => request({ cursor }));
    expect(statements.length).toBeGreaterThan(1); // the token lookup and at least the page
    expect(scans(plans)).toEqual([]);
  });

  it.each<[string, () => Promise<unknown>]>([
    ['people, numbered page', () => get(org.adminToken, '/api/v1/users?page=2&limit=10')],
    ['people, first keyset page', () => get(org.adminToken, '/api/v1/users?cursor=&limit=10')],
    [
      'people, keyset page 2',
      async () => get(org.adminToken, `/api/v1/users?${q({ cursor: (await get(org.adminToken, '/api/v1/users?cursor=&limit=10')).nextCursor, limit: '10' })}`),
    ],
    ['people of one directory, keyset', () => get(org.adminToken, `/api/v1/users?${q({ cursor: '', limit: '10', directoryId })}`)],
    ['people by status, numbered', () => get(org.adminToken, '/api/v1/users?status=uninvited&limit=10')],
    [
      'people by site, department, role and archived, numbered and keyset',
      async () => {
        const filters: Array<Record<string, string>> = [{ siteId }, { departmentId }, { roleId }, { status: 'archived' }];
        for (const filter of filters) {
          await get(org.adminToken, `/api/v1/users?${q({ ...filter, limit: '10' })}`);
          await get(org.adminToken, `/api/v1/users?${q({ ...filter, cursor: '', limit: '10' })}`);
        }
      },
    ],
    [
      'groups, numbered and keyset',
      async () => {
        await get(org.adminToken, '/api/v1/groups?limit=5');
        await get(org.adminToken, `/api/v1/groups?${q({ cursor: (await get(org.adminToken, '/api/v1/groups?cursor=&limit=5')).nextCursor, limit: '5' })}`);
      },
    ],
    [
      'group members, numbered and keyset',
      async () => {
        await get(org.adminToken, `/api/v1/groups/${groups[2].id}/members?limit=2`);
        await get(
          org.adminToken,
          `/api/v1/groups/${groups[2].id}/members?${q({ cursor: (await get(org.adminToken, `/api/v1/groups/${groups[2].id}/members?cursor=&limit=2`)).nextCursor, limit: '2' })}`,
        );
      },
    ],
    [
      'groups of one directory, numbered and keyset',
      async () => {
        await get(org.adminToken, `/api/v1/groups?${q({ directoryId, limit: '5' })}`);
        await get(org.adminToken, `/api/v1/groups?${q({ directoryId, cursor: '', limit: '5' })}`);
      },
    ],
    [
      'directories and their tokens, numbered and keyset',
      async () => {
        await get(org.adminToken, '/api/v1/directories?cursor=&limit=1');
        await get(
          org.adminToken,
          `/api/v1/directories?${q({ cursor: (await get(org.adminToken, '/api/v1/directories?cursor=&limit=1')).nextCursor, limit: '1' })}`,
        );
        await get(org.adminToken, '/api/v1/directories?limit=2');
        await get(org.adminToken, `/api/v1/directories/${directoryId}/tokens?cursor=&limit=5`);
        await get(org.adminToken, `/api/v1/directories/${directoryId}/tokens?limit=5`);
      },
    ],
    [
      'OAuth clients, numbered and keyset',
      async () => {
        await get(org.adminToken, `/api/v1/directories/${directoryId}/oauth-clients?limit=5`);
        await get(org.adminToken, `/api/v1/directories/${directoryId}/oauth-clients?cursor=&limit=5`);
      },
    ],
    [
      'held deprovisions, numbered and keyset',
      async () => {
        const held = await get(org.adminToken, `/api/v1/directories/${heldDirectoryId}/held-deprovisions?limit=2`);
        expect(held.total).toBeGreaterThan(2); // the guard really holds some, so the plan reads rows
        const first = await get(org.adminToken, `/api/v1/directories/${heldDirectoryId}/held-deprovisions?cursor=&limit=2`);
        await get(org.adminToken, `/api/v1/directories/${heldDirectoryId}/held-deprovisions?${q({ cursor: first.nextCursor, limit: '2' })}`);
      },
    ],
    ['admin API tokens', () => get(org.adminToken, '/api/v1/api-tokens')],
    [
      'sites, departments and roles, numbered and keyset',
      async () => {
        for (const kind of ['sites', 'departments', 'roles']) {
          await get(org.adminToken, `/api/v1/${kind}?limit=3`);
          const first = await get(org.adminToken, `/api/v1/${kind}?cursor=&limit=3`);
          if (first.nextCursor) await get(org.adminToken, `/api/v1/${kind}?${q({ cursor: first.nextCursor, limit: '3' })}`);
        }
      },
    ],
    [
      "the provisioning log and a person's history",
      async () => {
        const page = await get(org.adminToken, `/api/v1/directories/${directoryId}/events?limit=10`);
        await get(org.adminToken, `/api/v1/directories/${directoryId}/events?${q({ limit: '10', cursor: page.nextCursor })}`);
        await get(org.adminToken, `/api/v1/users/${users[3].id}/events?limit=10`);
      },
    ],
    [
      'the provisioning log filtered, and as CSV',
      async () => {
        const since = new Date(Date.now() - 3_600_000).toISOString();
        const until = new Date(Date.now() + 60_000).toISOString();
        const filters: Array<Record<string, string>> = [
          { outcome: 'failure' },
          { operation: 'create' },
          { resourceId: users[5].id },
          { userName: 'plan5@contoso.com' },
          { since, until },
          { outcome: 'success', operation: 'create', since },
        ];
        for (const filter of filters) {
          await get(org.adminToken, `/api/v1/directories/${directoryId}/events?${q({ ...filter, limit: '10' })}`);
        }
        expectStatus(await h.send('get', `/api/v1/directories/${directoryId}/events?format=csv&limit=10`, org.adminToken), 200);
      },
    ],
    ["a directory's health", () => get(org.adminToken, `/api/v1/directories/${directoryId}/health`)],
  ])('admin API: %s reads by index', async (_, request) => {
    const { statements, plans } = await plansOf(request);
    if (process.env.SHOW_PLANS) process.stdout.write(`${JSON.stringify(plans, null, 1)}\n`);
    expect(statements.length).toBeGreaterThan(1);
    expect(scans(plans)).toEqual([]);
  });

  // The admin API's text search (`q`: a prefix of LOWER(name columns)) and its HR filters
  // (`employeeNumber`, LOWER(`costCenter`), LOWER(`division`)) have no index: their pages and
  // COUNT(*) read every person of the organisation (EXPLAIN: users ALL). Indexes for them (stored
  // lower-case keys) are a schema change of their own; until then they are left out above.
  it.todo('admin API: people by text (q), employeeNumber, costCenter or division read by index');

  it('names the indexes of the lookups Entra sends for every user and group', async () => {
    const keysOf = async (path: string): Promise<string[]> => {
      const { plans } = await plansOf(() => scimGet(path));
      return plans.flatMap((p) => p.rows.map((r) => `${r.table}:${r.key}`));
    };
    expect(await keysOf(`/Users?${q({ filter: 'userName eq "PLAN7@contoso.com"' })}`)).toContain('u:UQ_users_org_user_name_key');
    expect(await keysOf(`/Users?${q({ filter: 'emails[type eq "work"].value eq "plan7@contoso.com"' })}`)).toContain('ue:IDX_user_emails_org_value_key');
    // InnoDB ends IDX_users_directory in the primary key, so it gives the id order as well.
    expect(await keysOf('/Users?cursor=&count=10')).toEqual(expect.arrayContaining([expect.stringMatching(/^u:IDX_users_directory/)]));
  });
});

/**
 * Issue #13 §3: a member Add on SQLite cost ~8 ms alone and ~75 ms at concurrency 8 with 2,000
 * people (bench/member-add-timing.mjs), against ~2 ms now. Its check that the members are people
 * the directory sees (`u.directory_id = ? AND u.scim_visible = 1 AND u.id IN (…)`) went through
 * IDX_users_directory_scim (directory_id, scim_visible, created_at): SQLite, without statistics,
 * prefers the two equalities to the primary key and filtered every person of the directory, inside
 * the one-writer-at-a-time transaction. IDX_users_directory_scim_id ends in id, so the ids bind.
 * Asserted on the recorded statements' plans, not on a time.
 */
onEngine('sqlite')('member PATCH plans on %s', (engine) => {
  let h: TestApp;
  let scim: ScimClient;
  const ids: string[] = [];

  beforeAll(async () => {
    h = await startTestApp(engine);
    scim = (await (await h.organization()).directory()).scim();
    for (let i = 0; i < 30; i++) ids.push((await scim.create(simpleUser(uniqueName('member')))).id);
  });
  afterAll(async () => h?.close());

  it('a member Add and a member Remove read only the rows they name, by index', async () => {
    const group = expectStatus(await scim.post('/Groups', { schemas: [GROUP], displayName: uniqueName('members') }), 201).body;
    const recorder = statementRecorder(h.dataSource);
    const statements = await recorder.during(async () => {
      const add = {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Add', path: 'members', value: ids.slice(0, 25).map((value) => ({ value })) }],
      };
      expectStatus(await scim.patch(`/Groups/${group.id}`, add), 204);
      const remove = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Remove', path: `members[value eq "${ids[3]}"]` }] };
      expectStatus(await scim.patch(`/Groups/${group.id}`, remove), 204);
    });
    const plans: string[] = [];
    for (const s of statements.filter((x) => /^\s*(SELECT|UPDATE|DELETE)\b/i.test(x.sql))) {
      const rows = await h.dataSource.query<Array<{ detail: string }>>(`EXPLAIN QUERY PLAN ${s.sql}`, s.params);
      plans.push(...rows.map((r) => r.detail));
    }
    expect(plans.length).toBeGreaterThan(4);
    // No table read whole, and every read of users binds the id.
    expect(plans.filter((d) => /^SCAN (?!\d+-ROW VALUES)/.test(d))).toEqual([]);
    expect(plans.filter((d) => /^SEARCH (u|mu|users)\b/.test(d) && !/\bid=\?/.test(d))).toEqual([]);
  });
});
