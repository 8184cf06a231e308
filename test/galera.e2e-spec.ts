import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { ALL_MIGRATIONS, appliedMigrations, bootTogether, migrationsRunBy } from './support/boot-race';
import { createTestDatabase, TestDatabase } from './support/databases';
import { mailTo, nthMailTo, PASSWORD, tokenOf } from './support/people';
import { assertBuilt, ROOT, runCli, RunningApi, startApi } from './support/processes';
import { SmtpListener, startSmtpListener } from './support/smtp';

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

/** The script, without blocking the event loop (the load keeps running meanwhile). */
function galeraAsync(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(SCRIPT, args, { timeout: 300_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`scripts/galera.sh ${args.join(' ')}: ${err.message}\n${stdout}\n${stderr}`)) : resolve(),
    ),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': path.startsWith('/scim') ? 'application/scim+json' : 'application/json',
    },
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
      expect((await sql<{ n: number }>(db.url, 'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()'))[0].n).toBeGreaterThan(
        10,
      );
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
        Array.from(
          { length: 20 },
          async (_, i) => (await call(on(i), scimToken, 'POST', '/scim/v2/Users', user(`member-${i}-${Date.now()}@galera.test`))).body.id as string,
        ),
      );
      const group = await call(on(0), scimToken, 'POST', '/scim/v2/Groups', { schemas: [CORE_GROUP], displayName: `Team ${Date.now()}` });
      expect(group.status).toBe(201);
      const answers = await Promise.all(
        members.map((id, i) =>
          call(on(i), scimToken, 'PATCH', `/scim/v2/Groups/${group.body.id}`, {
            schemas: [PATCH_OP],
            Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
          }),
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

  describe('losing the writer node under load, and getting it back', () => {
    let db: TestDatabase;
    let replicas: RunningApi[] = [];
    let smtp: SmtpListener;

    beforeAll(async () => {
      db = await createTestDatabase('galera');
      // A real SMTP listener: the replicas' outbox dispatchers deliver the invitations to it.
      smtp = await startSmtpListener();
      replicas = await Promise.all([0, 1].map(() => startApi({ DATABASE_URL: urlOn(db, 4300), LOG_LEVEL: 'warn', SMTP_URL: smtp.url })));
    });

    afterAll(async () => {
      await Promise.all(replicas.map((r) => r.stop()));
      await smtp?.close();
      await galeraAsync('up');
      await db?.drop();
    });

    it('no acknowledged write lost or doubled, no email lost or sent twice; failures are 503 with Retry-After, never 401 or a hang; 2xx resumes; node 1 rejoins and serves', async () => {
      const { adminToken, scimToken } = await organisation(db, replicas[0]);
      const base = (i: number): string => replicas[i % 2].baseUrl;
      const group = await call(base(0), scimToken, 'POST', '/scim/v2/Groups', { schemas: [CORE_GROUP], displayName: 'Failover' });
      expect(group.status).toBe(201);
      const pool = await Promise.all(
        Array.from({ length: 80 }, async (_, i) => (await call(base(i), scimToken, 'POST', '/scim/v2/Users', user(`pool-${i}@galera.test`))).body.id as string),
      );
      // People who sign in with a password during the outage: invited, accepted, active.
      const members = Array.from({ length: 4 }, (_, i) => `member-${i}@galera.test`);
      for (const [i, email] of members.entries()) {
        const person = await call(base(i), adminToken, 'POST', '/api/v1/users', { email });
        expect(person.status).toBe(201);
        expect((await call(base(i), adminToken, 'POST', `/api/v1/users/${person.body.id}/invitation`)).status).toBe(201);
        const token = tokenOf(await nthMailTo(smtp, email, 1, 20_000));
        expect((await call(base(i), '', 'POST', '/api/v1/invitations/accept', { token, password: PASSWORD })).status).toBe(200);
      }
      // HAProxy sends every connection to node 1, so that is where the dispatchers' connections are: the one killed below.
      expect(await sql<{ n: string }>(urlOn(db, 4300), 'SELECT @@wsrep_node_name AS n')).toEqual([{ n: 'node1' }]);

      interface Outcome {
        kind: 'create' | 'add' | 'admin' | 'signin' | 'invite';
        startedAt: number;
        status: number;
        retryAfter: string | null;
        id?: string;
        body: unknown;
      }
      const outcomes: Outcome[] = [];
      const inFlight = new Set<Promise<void>>();
      let seq = 0;
      let nextMember = 0;
      let signIns = 0;
      let invites = 0;
      const fire = (kind: Outcome['kind'], send: () => Promise<Answer>, id?: string): void => {
        const startedAt = Date.now();
        const p = send()
          .then((a) => {
            outcomes.push({
              kind,
              startedAt,
              status: a.status,
              retryAfter: a.retryAfter,
              id: kind === 'create' || kind === 'invite' ? a.body?.id : id,
              body: a.body,
            });
          })
          .catch((err: unknown) => {
            outcomes.push({ kind, startedAt, status: 0, retryAfter: null, id, body: String(err) });
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      };
      const timers = [
        setInterval(() => {
          const n = ++seq;
          fire('create', () => call(base(n), scimToken, 'POST', '/scim/v2/Users', user(`load-${n}@galera.test`)));
        }, 40),
        setInterval(() => {
          const member = pool[nextMember++ % pool.length];
          fire(
            'add',
            () =>
              call(base(nextMember), scimToken, 'PATCH', `/scim/v2/Groups/${group.body.id}`, {
                schemas: [PATCH_OP],
                Operations: [{ op: 'add', path: 'members', value: [{ value: member }] }],
              }),
            member,
          );
        }, 100),
        setInterval(() => fire('admin', () => call(base(seq), adminToken, 'GET', '/api/v1/users?limit=5')), 200),
        setInterval(() => {
          const n = ++signIns;
          fire('signin', () => call(base(n), '', 'POST', '/api/v1/auth/login', { email: members[n % members.length], password: PASSWORD }));
        }, 250),
        // An invitation (a new person, then their invitation): its email is queued in the outbox and sent by a dispatcher.
        setInterval(() => {
          const n = ++invites;
          fire('invite', async () => {
            const person = await call(base(n), adminToken, 'POST', '/api/v1/users', { email: `invitee-${n}@galera.test` });
            if (person.status !== 201) return person;
            const invited = await call(base(n + 1), adminToken, 'POST', `/api/v1/users/${person.body.id}/invitation`);
            return { ...invited, body: invited.status === 201 ? { id: `invitee-${n}@galera.test` } : invited.body };
          });
        }, 200),
      ];

      await sleep(2_000);
      // Kill node 1 while a dispatcher is mid-send: the SMTP listener holds the next message's
      // acceptance until node 1 is dead, so that dispatcher's `sent` mark meets the dead node.
      const midSend = smtp.holdNext();
      const heldMessageId = (
        await Promise.race([midSend.held, sleep(30_000).then(() => Promise.reject(new Error('no email reached the SMTP listener in 30 s')))])
      ).messageId;
      const killedAt = Date.now();
      await galeraAsync('kill', '1');
      midSend.release();
      await sleep(4_000);
      const restartAt = Date.now();
      await galeraAsync('start', '1');
      // HAProxy moves the writes back to node 1 once it is Synced again (rise 2).
      try {
        for (let i = 0; i < 40; i++) {
          // HAProxy cuts the connections still on a backup when node 1 is back: ask again.
          const row = await sql<{ n: string }>(urlOn(db, 4300), 'SELECT @@wsrep_node_name AS n').then(
            ([r]) => r,
            () => ({ n: 'none' }),
          );
          if (row.n === 'node1') break;
          await sleep(250);
        }
        await sleep(3_000);
      } finally {
        for (const t of timers) clearInterval(t);
        await Promise.all([...inFlight]);
      }
      const backAt = Date.now() - 3_000;

      // Every answer is a success or a 503 with Retry-After: never a 401, a 404, a 500 or a timeout.
      expect(outcomes.filter((o) => ![200, 201, 204, 503].includes(o.status)).map((o) => `${o.kind} ${o.status} ${JSON.stringify(o.body)}`)).toEqual([]);
      const failures = outcomes.filter((o) => o.status === 503);
      for (const o of failures) expect(o.retryAfter).toMatch(/^\d+$/);
      // The kill was real, and the service came back by itself.
      const afterKill = outcomes.filter((o) => o.startedAt >= killedAt).sort((a, b) => a.startedAt - b.startedAt);
      const firstFailure = afterKill.find((o) => o.status === 503);
      const firstSuccessAfterFailure = firstFailure
        ? afterKill.find((o) => o.startedAt > firstFailure.startedAt && o.status < 300)
        : afterKill.find((o) => o.status < 300);
      expect(firstSuccessAfterFailure).toBeDefined();
      expect(outcomes.filter((o) => o.startedAt > backAt + 1_000 && o.status >= 300).map((o) => `${o.kind} ${o.status}`)).toEqual([]);

      // No acknowledged write lost, none doubled: read on node 3 and on node 1 (which rejoined).
      const created = outcomes.filter((o) => o.kind === 'create' && o.status === 201).map((o) => o.id as string);
      const added = outcomes.filter((o) => o.kind === 'add' && o.status < 300).map((o) => o.id as string);
      const lost: Record<string, number> = {};
      for (const port of [4308, 4306]) {
        const url = urlOn(db, port);
        const users = new Set((await sql<{ id: string }>(url, "SELECT id FROM users WHERE user_name LIKE 'load-%'")).map((r) => r.id));
        const members = new Set(
          (await sql<{ user_id: string }>(url, 'SELECT user_id FROM group_members WHERE group_id = ?', [group.body.id])).map((r) => r.user_id),
        );
        lost[`users on ${port}`] = created.filter((id) => !users.has(id)).length;
        lost[`members on ${port}`] = added.filter((id) => !members.has(id)).length;
        const [dup] = await sql<{ n: number; d: number }>(url, "SELECT COUNT(*) AS n, COUNT(DISTINCT user_name) AS d FROM users WHERE user_name LIKE 'load-%'");
        expect(Number(dup.n)).toBe(Number(dup.d));
      }
      expect(lost).toEqual({ 'users on 4308': 0, 'members on 4308': 0, 'users on 4306': 0, 'members on 4306': 0 });
      // Every email queued (acknowledged or not) is delivered exactly once: the outbox settles with
      // every row sent, and each row's Message-ID (`<outbox id@…>`) arrived once, for no other row.
      const settled = Date.now() + 60_000;
      while (Number((await sql<{ n: number }>(urlOn(db, 4300), "SELECT COUNT(*) AS n FROM email_outbox WHERE status = 'pending'"))[0].n) > 0) {
        if (Date.now() > settled) break;
        await sleep(500);
      }
      const rows = await sql<{ id: string; recipient: string; status: string }>(urlOn(db, 4308), 'SELECT id, recipient, status FROM email_outbox');
      expect(rows.filter((r) => r.status !== 'sent').map((r) => `${r.recipient} ${r.status}`)).toEqual([]);
      const deliveries = new Map<string, number>();
      for (const m of smtp.messages) deliveries.set(m.messageId ?? '', (deliveries.get(m.messageId ?? '') ?? 0) + 1);
      const rowIds = new Set(rows.map((r) => `<${r.id}@localhost>`));
      const emails = {
        lost: rows.filter((r) => !deliveries.has(`<${r.id}@localhost>`)).length,
        duplicated: [...deliveries.values()].filter((n) => n > 1).length,
        unknown: [...deliveries.keys()].filter((id) => !rowIds.has(id)).length,
      };
      expect(emails).toEqual({ lost: 0, duplicated: 0, unknown: 0 });
      expect(deliveries.get(heldMessageId ?? '')).toBe(1);
      const invited = outcomes.filter((o) => o.kind === 'invite' && o.status === 201).map((o) => o.id as string);
      expect(invited.filter((email) => mailTo(smtp, email).length !== 1)).toEqual([]);

      const [state] = await sql<{ s: string; size: string }>(
        urlOn(db, 4306),
        "SELECT (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_local_state_comment') AS s, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_cluster_size') AS size",
      );
      expect(state).toEqual({ s: 'Synced', size: '3' });

      // The figures the README quotes.
      const figures = {
        requests: outcomes.length,
        acknowledgedCreates: created.length,
        acknowledgedMemberAdds: added.length,
        lostWrites: 0,
        duplicates: 0,
        status503: failures.length,
        acknowledgedSignIns: outcomes.filter((o) => o.kind === 'signin' && o.status === 200).length,
        acknowledgedInvitations: invited.length,
        emailsQueued: rows.length,
        emailsDelivered: deliveries.size,
        emailsLost: emails.lost,
        emailsDuplicated: emails.duplicated,
        failedDrains: replicas.map((r) => r.output().split('Email outbox drain failed').length - 1).reduce((a, b) => a + b, 0),
        outboxWritesRetried: replicas.map((r) => r.output().split('did not answer an outbox write').length - 1).reduce((a, b) => a + b, 0),
        failuresByKind: Object.fromEntries(
          ['create', 'add', 'admin', 'signin', 'invite'].map((kind) => [kind, failures.filter((o) => o.kind === kind).length]),
        ),
        failuresAfterKillMs: failures
          .filter((o) => o.startedAt < restartAt)
          .map((o) => o.startedAt - killedAt)
          .reduce((a, b) => Math.max(a, b), 0),
        failuresAroundRejoin: failures.filter((o) => o.startedAt >= restartAt).length,
        firstFailureMs: firstFailure ? firstFailure.startedAt - killedAt : null,
        firstSuccessAfterFailureMs: firstSuccessAfterFailure ? firstSuccessAfterFailure.startedAt - killedAt : null,
        rejoinMs: backAt - restartAt,
      };
      process.stdout.write(`galera node loss: ${JSON.stringify(figures)}\n`);
    }, 180_000);
  });
});
