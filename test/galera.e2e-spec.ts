import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { ALL_MIGRATIONS, appliedMigrations, bootTogether, migrationsRunBy } from './support/boot-race';
import { createTestDatabase, TestDatabase } from './support/databases';
import { assertBuilt, ROOT, runCli, RunningApi, startApi } from './support/processes';

/**
 * Issue 14: API replicas on a 3-node MariaDB Galera cluster (scripts/galera.sh), through HAProxy
 * (one writer node at a time, the usual deployment) and, to show the unique keys and set-based
 * writes decide rather than node-local row locks, with the replicas writing to two nodes directly.
 * Opt-in: runs only when E2E_ENGINES names galera (jest.config.js; `.ci/run` does).
 */
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCRIPT = join(ROOT, 'scripts/galera.sh');
const NODE_PORTS = [4306, 4307, 4308];

function galera(...args: string[]): void {
  const r = spawnSync(SCRIPT, args, { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`scripts/galera.sh ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** The test database's URL on one node (port) or on HAProxy. */
function urlOn(db: TestDatabase, port: number): string {
  const url = new URL(db.url);
  url.port = String(port);
  return url.toString();
}

async function sql<T>(url: string, query: string, params: unknown[] = []): Promise<T[]> {
  const c = await createConnection({ uri: url });
  try {
    const [rows] = await c.query(query, params);
    return rows as T[];
  } finally {
    await c.end();
  }
}

interface Answer {
  status: number;
  body: any;
  retryAfter: string | null;
}

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': path.startsWith('/scim') ? 'application/scim+json' : 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, retryAfter: res.headers.get('retry-after') };
}

const user = (userName: string): Record<string, unknown> => ({ schemas: [CORE_USER], userName, active: true, name: { givenName: 'G', familyName: userName } });

/** An organisation with a directory on this database: the admin token and a SCIM token. */
async function organisation(db: TestDatabase, api: RunningApi): Promise<{ adminToken: string; scimToken: string; directoryId: string }> {
  const setup = runCli(['setup', '--org', 'Galera Co', '--admin-email', `hr-${Date.now()}@galera.test`, '--json'], { DATABASE_URL: db.url });
  expect(setup.status).toBe(0);
  const { adminToken } = JSON.parse(setup.stdout) as { adminToken: string };
  const created = await call(api.baseUrl, adminToken, 'POST', '/api/v1/directories', { name: 'Entra' });
  expect(created.status).toBe(201);
  return { adminToken, scimToken: created.body.token, directoryId: created.body.id };
}

describe('on a 3-node Galera cluster', () => {
  beforeAll(() => {
    assertBuilt();
    galera('up');
  }, 600_000);

  describe('schema', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('galera');
      // Migrations through the normal start-up path.
      const api = await startApi({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
      await api.stop();
    });
    afterAll(() => db?.drop());

    const tablesWithoutPrimaryKey = (): Promise<Array<{ t: string }>> =>
      sql(
        db.url,
        `SELECT t.TABLE_NAME AS t FROM information_schema.TABLES t
          WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
            AND NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c
                             WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME AND c.CONSTRAINT_TYPE = 'PRIMARY KEY')`,
      );

    it('every table has a primary key (Galera replicates row events by key)', async () => {
      expect((await sql<{ n: number }>(db.url, "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"))[0].n).toBeGreaterThan(10);
      expect(await tablesWithoutPrimaryKey()).toEqual([]);
    });

    it('the check sees a table without one (positive control)', async () => {
      await sql(db.url, 'CREATE TABLE no_pk_probe (v INT)');
      try {
        expect(await tablesWithoutPrimaryKey()).toEqual([{ t: 'no_pk_probe' }]);
      } finally {
        await sql(db.url, 'DROP TABLE no_pk_probe');
      }
    });
  });

  describe('replicas booting at the same moment, one per node', () => {
    let db: TestDatabase;
    let apis: RunningApi[] = [];
    beforeAll(async () => {
      db = await createTestDatabase('galera', false);
    });
    afterAll(async () => {
      await Promise.all(apis.map((a) => a.stop()));
      await db?.drop();
    });

    it('run every migration exactly once: one replica runs them all, the other two wait and run none', async () => {
      apis = await bootTogether(NODE_PORTS.map((port) => urlOn(db, port)));
      expect(await appliedMigrations(db)).toEqual(ALL_MIGRATIONS);
      expect(migrationsRunBy(apis).sort((a, b) => a - b)).toEqual([0, 0, ALL_MIGRATIONS.length]);
      for (const api of apis) expect((await fetch(`${api.baseUrl}/health`)).status).toBe(200);
    });
  });

  describe.each([
    ['two replicas through HAProxy', [4300, 4300]],
    ['two replicas writing to two different nodes directly', [4306, 4307]],
  ])('%s', (_label, ports) => {
    let db: TestDatabase;
    let replicas: RunningApi[] = [];
    let scimToken: string;
    let adminToken: string;
    let directoryId: string;
    /** Replica i % 2 for request i: the load alternates between the two. */
    const on = (i: number): string => replicas[i % 2].baseUrl;

    beforeAll(async () => {
      db = await createTestDatabase('galera');
      replicas = await Promise.all(ports.map((port) => startApi({ DATABASE_URL: urlOn(db, port), LOG_LEVEL: 'warn' })));
      ({ adminToken, scimToken, directoryId } = await organisation(db, replicas[0]));
    });

    afterAll(async () => {
      await Promise.all(replicas.map((r) => r.stop()));
      await db?.drop();
    });

    it('40 concurrent identical POSTs across both replicas make exactly one user: one 201, 39 × 409 uniqueness, never a 5xx', async () => {
      const userName = `race-${Date.now()}@galera.test`;
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => call(on(i), scimToken, 'POST', '/scim/v2/Users', user(userName))));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, ...Array(39).fill(409)]);
      for (const a of answers.filter((x) => x.status === 409)) expect(a.body.scimType).toBe('uniqueness');
      const found = await call(on(1), scimToken, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      expect(found.body.totalResults).toBe(1);
    });

    it('different users created concurrently on both replicas all exist (positive control)', async () => {
      const names = Array.from({ length: 20 }, (_, i) => `many-${i}-${Date.now()}@galera.test`);
      const answers = await Promise.all(names.map((n, i) => call(on(i), scimToken, 'POST', '/scim/v2/Users', user(n))));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    });

    it('20 concurrent member Adds on one group across both replicas: each adds its member, all 20 stay', async () => {
      const members = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => (await call(on(i), scimToken, 'POST', '/scim/v2/Users', user(`member-${i}-${Date.now()}@galera.test`))).body.id as string),
      );
      const group = await call(on(0), scimToken, 'POST', '/scim/v2/Groups', { schemas: [CORE_GROUP], displayName: `Team ${Date.now()}` });
      expect(group.status).toBe(201);
      const answers = await Promise.all(
        members.map((id, i) =>
          call(on(i), scimToken, 'PATCH', `/scim/v2/Groups/${group.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] }),
        ),
      );
      expect(answers.filter((a) => a.status >= 300).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
      const read = await call(on(1), scimToken, 'GET', `/scim/v2/Groups/${group.body.id}`);
      expect((read.body.members as Array<{ value: string }>).map((m) => m.value).sort()).toEqual([...members].sort());
    });

    it('a write on one replica is read at once on the other (wsrep_sync_wait)', async () => {
      for (let i = 0; i < 10; i++) {
        const created = await call(on(i), scimToken, 'POST', '/scim/v2/Users', user(`ryw-${i}-${Date.now()}@galera.test`));
        expect(created.status).toBe(201);
        expect((await call(on(i + 1), scimToken, 'GET', `/scim/v2/Users/${created.body.id}`)).status).toBe(200);
      }
    });

    it('a token revoked through one replica is refused by the other on the very next request; another token still works', async () => {
      const minted = await call(on(0), adminToken, 'POST', `/api/v1/directories/${directoryId}/tokens`, { name: `rotate-${Date.now()}` });
      expect(minted.status).toBe(201);
      expect((await call(on(1), minted.body.token, 'GET', '/scim/v2/Users?count=1')).status).toBe(200);
      expect((await call(on(0), adminToken, 'DELETE', `/api/v1/directories/${directoryId}/tokens/${minted.body.id}`)).status).toBe(204);
      expect((await call(on(1), minted.body.token, 'GET', '/scim/v2/Users?count=1')).status).toBe(401);
      expect((await call(on(1), scimToken, 'GET', '/scim/v2/Users?count=1')).status).toBe(200);
    });
  });
});
