#!/usr/bin/env node
// Replays Microsoft Entra's provisioning against the built API, in three phases:
// 1. users: for each user a match lookup (GET /Users?filter=userName eq "…") then a create
//    (POST /Users), N users at concurrency C: users/s, latency per user, API CPU per user (from
//    /proc, so the API runs as our child process);
// 2. groups: G groups created as Entra does, members added in PATCHes of 50 (Entra's "Add
//    members" shape) and some removed by value list: memberships/s and PATCH latency;
// 3. big group: 100,000 members seeded in SQL, then PATCHes adding 50 members to it, against the
//    same PATCHes on empty groups: the cost of a membership change must not grow with the group.
//
//   npm run build && npm run bench:cycle                      # 10,000 users, concurrency 8, MariaDB
//   BENCH_USERS=2000 BENCH_CONCURRENCY=16 npm run bench:cycle
//   BENCH_DATABASE_URL=sqlite:/tmp/bench.sqlite npm run bench:cycle
//   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:cycle   # profile the API
//   BENCH_GROUPS=0 BENCH_BIG_GROUP=0 npm run bench:cycle                         # users only
//
// The MySQL database named in BENCH_DATABASE_URL (default bench_test on 127.0.0.1) is dropped
// and recreated: its name must contain "test".
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, requester } from './lib/run.mjs';
import { freePort, resetDatabase } from './lib/service.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/bench_test';
const GROUPS = Number(process.env.BENCH_GROUPS ?? 50);
const GROUP_MEMBERS = Number(process.env.BENCH_GROUP_MEMBERS ?? 200);
const BIG_GROUP = Number(process.env.BENCH_BIG_GROUP ?? 100_000);
const BIG_ROUNDS = Number(process.env.BENCH_BIG_ROUNDS ?? 20);
const BATCH = 50;

const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'People', 'Support', 'Legal', 'Operations'];
const TITLES = ['Engineer', 'Senior Engineer', 'Account Executive', 'Analyst', 'Manager', 'Designer'];
const SITES = ['London', 'Paris', 'Berlin', 'Madrid', 'Lisbon'];

const request = requester(CONCURRENCY * 2);

function entraUser(i) {
  const userName = `bench.user.${i}@contoso.com`;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: `ext-${i}`,
    userName,
    active: true,
    displayName: `Bench User ${i}`,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `Bench User${i}`, familyName: `User${i}`, givenName: 'Bench' },
    title: TITLES[i % TITLES.length],
    addresses: [{ type: 'work', locality: SITES[i % SITES.length], country: 'GB' }],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: DEPARTMENTS[i % DEPARTMENTS.length], employeeNumber: String(i) },
    roles: [],
  };
}

async function provision(port, token, i) {
  const started = process.hrtime.bigint();
  const filter = encodeURIComponent(`userName eq "bench.user.${i}@contoso.com"`).replace(/%20/g, '+');
  const lookup = await request(port, 'GET', `/scim/v2/Users?filter=${filter}`, token);
  if (lookup.status !== 200 || lookup.body.totalResults !== 0) throw new Error(`lookup ${i}: ${lookup.status} ${JSON.stringify(lookup.body)}`);
  const created = await request(port, 'POST', '/scim/v2/Users', token, entraUser(i));
  if (created.status !== 201) throw new Error(`create ${i}: ${created.status} ${JSON.stringify(created.body)}`);
  userIds.push(created.body.id);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const userIds = [];

async function cycle(port, token, from, count) {
  const latencies = [];
  let next = from;
  const end = from + count;
  const worker = async () => {
    while (next < end) latencies.push(await provision(port, token, next++));
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const patchOp = (...operations) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
const addMembers = (ids) => patchOp({ op: 'Add', path: 'members', value: ids.map((value) => ({ $ref: null, value })) });

async function createGroup(port, token, name) {
  const res = await request(port, 'POST', '/scim/v2/Groups', token, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
    externalId: `ext-${name}`,
    displayName: name,
    meta: { resourceType: 'Group' },
  });
  if (res.status !== 201) throw new Error(`group ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

async function timedPatch(port, token, groupId, body) {
  const started = process.hrtime.bigint();
  const res = await request(port, 'PATCH', `/scim/v2/Groups/${groupId}`, token, body);
  if (res.status !== 204) throw new Error(`patch ${groupId}: ${res.status} ${JSON.stringify(res.body)}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Runs jobs at the bench's concurrency and returns their results in completion order. */
async function pool(jobs) {
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) results.push(await jobs[next++]());
    }),
  );
  return results;
}

async function groupPhase(port, token) {
  const started = process.hrtime.bigint();
  const groupIds = await pool(Array.from({ length: GROUPS }, (_, g) => () => createGroup(port, token, `Bench group ${g}`)));
  const createSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Each group gets GROUP_MEMBERS members, added BATCH at a time, as Entra sends them.
  const adds = groupIds.flatMap((groupId, g) =>
    Array.from({ length: Math.ceil(GROUP_MEMBERS / BATCH) }, (_, b) => {
      const from = (g * GROUP_MEMBERS + b * BATCH) % userIds.length;
      const ids = Array.from({ length: BATCH }, (_, k) => userIds[(from + k) % userIds.length]);
      return () => timedPatch(port, token, groupId, addMembers(ids));
    }),
  );
  const addStarted = process.hrtime.bigint();
  const addLatencies = (await pool(adds)).sort((a, b) => a - b);
  const addSeconds = Number(process.hrtime.bigint() - addStarted) / 1e9;
  const removes = groupIds.map(
    (groupId, g) => () =>
      timedPatch(port, token, groupId, patchOp({ op: 'Remove', path: 'members', value: userIds.slice(g, g + 10).map((value) => ({ value })) })),
  );
  const removeLatencies = (await pool(removes)).sort((a, b) => a - b);
  const result = {
    groups: GROUPS,
    groupsPerSecond: Number((GROUPS / createSeconds).toFixed(1)),
    membershipsAdded: adds.length * BATCH,
    membershipsPerSecond: Number(((adds.length * BATCH) / addSeconds).toFixed(0)),
    addPatchMs: { p50: +pct(addLatencies, 50).toFixed(2), p95: +pct(addLatencies, 95).toFixed(2) },
    removePatchMs: { p50: +pct(removeLatencies, 50).toFixed(2), p95: +pct(removeLatencies, 95).toFixed(2) },
  };
  process.stdout.write(
    `Groups: ${GROUPS} created (${result.groupsPerSecond}/s), ${result.membershipsAdded} memberships added in PATCHes of ${BATCH} ` +
      `(${result.membershipsPerSecond}/s, p50 ${result.addPatchMs.p50} ms, p95 ${result.addPatchMs.p95} ms), ` +
      `removals by value list p50 ${result.removePatchMs.p50} ms\n${JSON.stringify(result)}\n`,
  );
}

/** Inserts people and memberships straight into the database: 100,000 SCIM creates would take minutes. */
async function seed(organizationId, directoryId, groupId, count, prefix) {
  const now = new Date();
  const stamp = DATABASE_URL.startsWith('sqlite:') ? now.toISOString().replace('T', ' ').replace('Z', '') : now;
  const { createHash, randomUUID } = await import('node:crypto');
  const key = (v) => createHash('sha256').update(v.normalize('NFC').trim().toLowerCase(), 'utf8').digest('hex');
  const run = await sqlRunner();
  const ids = [];
  try {
    for (let from = 0; from < count; from += 1000) {
      const rows = [];
      const members = [];
      for (let i = from; i < Math.min(count, from + 1000); i++) {
        const id = randomUUID();
        const userName = `${prefix}.${i}@contoso.com`;
        ids.push(id);
        rows.push([id, organizationId, userName, key(userName), userName, key(userName), 'uninvited', 0, directoryId, 1, 1, stamp, stamp]);
        if (groupId) members.push([groupId, id, organizationId, stamp]);
      }
      await run(
        `INSERT INTO users (id, organization_id, email, email_key, user_name, user_name_key, status, is_admin, directory_id, scim_visible, version, created_at, updated_at) VALUES ${rows.map(() => '(?,?,?,?,?,?,?,?,?,?,?,?,?)').join(',')}`,
        rows.flat(),
      );
      if (members.length) {
        await run(
          `INSERT INTO group_members (group_id, user_id, organization_id, created_at) VALUES ${members.map(() => '(?,?,?,?)').join(',')}`,
          members.flat(),
        );
      }
    }
  } finally {
    await run.close();
  }
  return ids;
}

async function sqlRunner() {
  if (DATABASE_URL.startsWith('sqlite:')) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(DATABASE_URL.slice('sqlite:'.length));
    db.pragma('busy_timeout = 10000');
    const run = async (sql, params) => db.prepare(sql).run(params);
    run.close = async () => db.close();
    return run;
  }
  const { createConnection } = await import('mysql2/promise');
  const c = await createConnection({ uri: DATABASE_URL, timezone: 'Z' });
  const run = (sql, params) => c.query(sql, params);
  run.close = () => c.end();
  return run;
}

async function bigGroupPhase(port, token, adminToken, organizationId, directoryId) {
  const big = await createGroup(port, token, 'Bench big group');
  const seedStarted = process.hrtime.bigint();
  await seed(organizationId, directoryId, big, BIG_GROUP, 'member');
  const fresh = await seed(organizationId, directoryId, null, BIG_ROUNDS * BATCH, 'newcomer');
  const seedSeconds = Number(process.hrtime.bigint() - seedStarted) / 1e9;
  const bigMs = [];
  const emptyMs = [];
  // Alternate the two cases so that any drift of the machine hits both alike.
  for (let r = 0; r < BIG_ROUNDS; r++) {
    const ids = fresh.slice(r * BATCH, (r + 1) * BATCH);
    const empty = await createGroup(port, token, `Bench empty group ${r}`);
    emptyMs.push(await timedPatch(port, token, empty, addMembers(ids)));
    bigMs.push(await timedPatch(port, token, big, addMembers(ids)));
  }
  bigMs.sort((a, b) => a - b);
  emptyMs.sort((a, b) => a - b);
  // The timings only count if every PATCH really added its members.
  const { memberCount } = (await request(port, 'GET', `/api/v1/groups/${big}`, adminToken)).body;
  if (memberCount !== BIG_GROUP + BIG_ROUNDS * BATCH) throw new Error(`big group has ${memberCount} members, expected ${BIG_GROUP + BIG_ROUNDS * BATCH}`);
  const result = {
    seededMembers: BIG_GROUP,
    seedSeconds: Number(seedSeconds.toFixed(1)),
    rounds: BIG_ROUNDS,
    add50ToBigGroupMs: { p50: +pct(bigMs, 50).toFixed(2), p95: +pct(bigMs, 95).toFixed(2) },
    add50ToEmptyGroupMs: { p50: +pct(emptyMs, 50).toFixed(2), p95: +pct(emptyMs, 95).toFixed(2) },
    membersAfter: memberCount,
  };
  process.stdout.write(
    `Big group: adding ${BATCH} members to a ${BIG_GROUP.toLocaleString('en')}-member group p50 ${result.add50ToBigGroupMs.p50} ms ` +
      `(p95 ${result.add50ToBigGroupMs.p95}) vs an empty group p50 ${result.add50ToEmptyGroupMs.p50} ms (p95 ${result.add50ToEmptyGroupMs.p95})\n` +
      `${JSON.stringify(result)}\n`,
  );
}

async function main() {
  await resetDatabase(DATABASE_URL);
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL,
    PORT: String(port),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    NODE_ENV: 'production',
    SECRETS_ENCRYPTION_KEY: process.env.SECRETS_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
  };
  const setup = spawnSync(
    process.execPath,
    [join(root, 'dist/apps/api/src/cli.js'), 'setup', '--org', 'Bench', '--admin-email', 'bench@contoso.com', '--json'],
    {
      env,
      encoding: 'utf8',
    },
  );
  if (setup.status !== 0) throw new Error(`setup failed (did you npm run build?): ${setup.stderr}`);
  const setupIds = JSON.parse(setup.stdout);
  const { adminToken } = setupIds;
  // BENCH_NODE_ARGS passes flags to the API process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const api = spawn(process.execPath, [...nodeArgs, join(root, 'dist/apps/api/src/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 150) throw new Error('API did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const dir = await (
      await fetch(`http://127.0.0.1:${port}/api/v1/directories`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bench' }),
      })
    ).json();

    await cycle(port, dir.token, 0, WARMUP);
    const cpuBefore = cpuSeconds(api.pid);
    const { latencies, seconds } = await cycle(port, dir.token, WARMUP, USERS);
    const cpu = cpuSeconds(api.pid) - cpuBefore;
    latencies.sort((a, b) => a - b);
    const result = {
      engine: DATABASE_URL.split(':')[0],
      users: USERS,
      concurrency: CONCURRENCY,
      seconds: Number(seconds.toFixed(2)),
      usersPerSecond: Number((USERS / seconds).toFixed(1)),
      latencyMs: { p50: +pct(latencies, 50).toFixed(2), p95: +pct(latencies, 95).toFixed(2), p99: +pct(latencies, 99).toFixed(2) },
      apiCpuMsPerUser: Number(((cpu * 1000) / USERS).toFixed(3)),
    };
    process.stdout.write(
      `Entra initial cycle (lookup + create), ${USERS} users at concurrency ${CONCURRENCY} on ${result.engine}\n` +
        `  ${result.usersPerSecond} users/s   p50 ${result.latencyMs.p50} ms   p95 ${result.latencyMs.p95} ms   p99 ${result.latencyMs.p99} ms` +
        `   API CPU ${result.apiCpuMsPerUser} ms/user\n${JSON.stringify(result)}\n`,
    );
    if (GROUPS > 0) await groupPhase(port, dir.token);
    if (BIG_GROUP > 0) await bigGroupPhase(port, dir.token, adminToken, setupIds.organizationId, dir.id);
  } finally {
    api.kill('SIGTERM');
    request.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
