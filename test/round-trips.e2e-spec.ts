import { testEngines } from './support/databases';
import { startTestApp, TestApp } from './support/app';
import { ENTERPRISE, expectStatus, patchOp, ScimClient, uniqueName } from './support/scim-client';
import { statementRecorder } from './support/statements';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * Issue #13: the database round trips of each request of Entra's cycle, asserted exactly, so a
 * change that adds one fails here (and one that removes one updates this table and the README's).
 * The background writes (token "last used" once a minute, the outbox poll, the provisioning
 * log's batches) are kept out of the window: the token is used once before counting, and the
 * outbox poll and the log's flush are set to an hour.
 */
describe.each(testEngines())('database round trips per SCIM request (%s)', (engine) => {
  let h: TestApp;
  let scim: ScimClient;
  // Every statement the app sends (BEGIN and COMMIT included).
  let recorder: ReturnType<typeof statementRecorder>;

  beforeAll(async () => {
    // The provisioning log's batch writer flushes on a timer too: hold it for the test (its
    // writes are off the request path by design, so they are not part of a request's cost).
    h = await startTestApp(engine, (c) => ({
      ...c,
      mail: { ...c.mail, pollIntervalMs: 3_600_000 },
      provisioningLog: { ...c.provisioningLog, flushIntervalMs: 3_600_000, batchSize: 1_000_000 },
    }));
    scim = (await (await h.organization()).directory()).scim();
    await scim.get('/Users?count=1');
    recorder = statementRecorder(h.dataSource);
  });
  afterAll(() => h.close());

  const entraUser = (userName: string) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName,
    active: true,
    displayName: 'Ada Lovelace',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    title: 'Engineer',
    emails: [{ primary: true, type: 'work', value: userName }],
    addresses: [{ type: 'work', formatted: 'London', locality: 'London', country: 'GB' }],
    [ENTERPRISE]: { department: 'Engineering', employeeNumber: '42' },
  });

  it('matches the table', async () => {
    const counts: Record<string, number> = {};
    const measure = async (name: string, work: () => Promise<unknown>) => {
      const log = await recorder.during(work);
      // Round trips: the query() calls; on MySQL one may carry a batch of statements.
      counts[name] = new Set(log.map((st) => st.roundTrip)).size;
      if (process.env.SHOW_SQL)
        process.stdout.write(`-- ${name}\n${log.map((st) => `${String(st.roundTrip).padStart(4)} ${st.sql.replace(/\s+/g, ' ').slice(0, 80)}`).join('\n')}\n`);
    };
    // Warm the org-structure mappings once, as every create but the first of a cycle finds them.
    await scim.create(entraUser(uniqueName('warm')));
    const userName = uniqueName('rt');
    let userId = '';
    await measure('lookup, no match', async () => expect(await scim.lookup(userName)).toEqual([]));
    await measure('create', async () => (userId = (await scim.create(entraUser(userName))).id));
    const manager = await scim.create(entraUser(uniqueName('boss')));
    await measure('PATCH manager', () => scim.patchUser(userId, { op: 'Add', path: `${ENTERPRISE}:manager`, value: manager.id }));
    await measure('PATCH title', () => scim.patchUser(userId, { op: 'Replace', path: 'title', value: 'Senior Engineer' }));
    await measure('GET by id', () => scim.user(userId));
    await measure('lookup, one match', async () => expect(await scim.lookup(userName)).toEqual([userId]));
    await measure('cursor page, one match', async () =>
      expect(
        expectStatus(await scim.get(`/Users?${new URLSearchParams({ cursor: '', filter: `userName eq "${userName}"` }).toString()}`), 200).body.Resources,
      ).toHaveLength(1),
    );
    const groupName = uniqueName('grp');
    let groupId = '';
    await measure('group lookup', async () =>
      expectStatus(
        await scim.get(`/Groups?${new URLSearchParams({ filter: `displayName eq "${groupName}"`, excludedAttributes: 'members' }).toString()}`),
        200,
      ),
    );
    await measure('group create', async () => (groupId = expectStatus(await scim.post('/Groups', { schemas: [GROUP], displayName: groupName }), 201).body.id));
    await measure('group lookup, one match', async () =>
      expect(
        expectStatus(
          await scim.get(`/Groups?${new URLSearchParams({ filter: `displayName eq "${groupName}"`, excludedAttributes: 'members' }).toString()}`),
          200,
        ).body.totalResults,
      ).toBe(1),
    );
    await measure('member Add', async () =>
      expectStatus(await scim.patch(`/Groups/${groupId}`, patchOp({ op: 'Add', path: 'members', value: [{ value: userId }, { value: manager.id }] })), 204),
    );
    await measure('member Remove', async () =>
      expectStatus(await scim.patch(`/Groups/${groupId}`, patchOp({ op: 'Remove', path: `members[value eq "${manager.id}"]` })), 204),
    );
    await measure('PATCH active False', () => scim.patchUser(userId, { op: 'Replace', path: 'active', value: 'False' }));
    await measure('DELETE', async () => expectStatus(await scim.delete(`/Users/${manager.id}`), 204));
    process.stdout.write(`${engine} round trips: ${JSON.stringify(counts)}\n`);
    // Each count includes the token lookup (1). On MySQL a transaction's START TRANSACTION goes
    // with its first statement and its COMMIT with its last writes, and the reads a request needs
    // together go in one batch (Transactions, batch()); SQLite runs in-process, statement by
    // statement (BEGIN and COMMIT included), where a round trip is a function call. The README's
    // "Round trips" table lists the same figures.
    const expected: Record<string, [mysql: number, sqlite: number]> = {
      'lookup, no match': [2, 2],
      create: [3, 7],
      'PATCH manager': [4, 8],
      'PATCH title': [7, 11], // a title never seen: the role is created and its mapping recorded
      'GET by id': [2, 5],
      'lookup, one match': [3, 5],
      'cursor page, one match': [3, 5],
      'group lookup': [2, 2],
      'group create': [2, 4],
      'group lookup, one match': [2, 2],
      'member Add': [3, 8],
      'member Remove': [3, 6],
      // The archive ends sessions, API tokens, invitations and their mail; the mass-deprovisioning
      // guard adds its row (locked), the count of people that opens its window, and its update.
      'PATCH active False': [10, 14],
      DELETE: [9, 11], // the same window: the guard's row and its update
    };
    expect(counts).toEqual(Object.fromEntries(Object.entries(expected).map(([name, [mysql, sqlite]]) => [name, engine === 'mysql' ? mysql : sqlite])));
  });
});
