// Cost that does not grow with the roster (issue 13 §4), through the API, on MariaDB.
//   npm run build && node bench/roster-scale.mjs
//   BENCH_PEOPLE=5000 node bench/roster-scale.mjs          # a quick check (a few minutes less)
// 1. Peak RSS: starts the built API (NODE_ENV=production, LOG_LEVEL=info, logs to /dev/null) on a
//    fresh database (BENCH_DATABASE_URL, default mysql://root@127.0.0.1:3306/roster_scale_test;
//    its name must contain "test") and runs Entra's initial cycle through SCIM: for each of
//    BENCH_PEOPLE (100,000) users the `userName eq` lookup and the POST /Users, BENCH_CONCURRENCY
//    (8) at a time, sampling the process's VmRSS and VmHWM (/proc/<pid>/status) every 250 ms.
// 2. Lookups: a fresh API process; a second organisation gets BENCH_SMALL (1,000) people through
//    SCIM the same way; then `userName eq` lookups of people who exist (a match, as in an
//    incremental cycle) and of people who do not (no match, as in an initial cycle) on the small
//    and on the large roster: a warm-up, then BENCH_LOOKUPS (1,000) per case at concurrency 8,
//    in BENCH_ROUNDS (10) rounds alternating the two rosters, so the host's drift hits both alike.
// 3. Member Add: a group of the large directory gets every one of its people as members in SQL
//    (BENCH_PEOPLE members), then BENCH_ADD_ROUNDS (20) PATCHes each adding 25 new members to it,
//    alternated with the same PATCH on a fresh empty group, one at a time.
// Prints a table and writes the JSON to bench/results/<date>-roster-scale.json (BENCH_OUT).
// The API runs with the Node flags of `npm start` (package.json), then BENCH_NODE_ARGS.
// BENCH_PHASES (rss,lookups,memberadd) runs some of them: without rss both rosters are seeded in
// SQL instead (faster, but people without emails). BENCH_NODE_ARGS passes flags to the API
// processes (e.g. "--max-semi-space-size=4"); BENCH_API_STDOUT=<file> keeps their stdout (the
// logs, --trace-gc); BENCH_KEEP_DATABASE=1 keeps the database.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  caller,
  dropDatabase,
  freePort,
  memoryOf,
  percentile,
  resetDatabase,
  root,
  seedPeople,
  serviceEnv,
  setupOrganization,
  sqlConnection,
  startApi,
  startFlags,
} from './lib/service.mjs';
import { commit, cpuSeconds, requester, resultFile } from './lib/run.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/roster_scale_test';
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const SMALL = Number(process.env.BENCH_SMALL ?? 1000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ADD_ROUNDS = Number(process.env.BENCH_ADD_ROUNDS ?? 20);
// A diagnostic: the large roster's lookups drawn from this many of its people only (default: all),
// so both rosters' lookups touch as many pages and only the size of the indexes differs.
const LARGE_KEYS = Number(process.env.BENCH_LARGE_KEYS ?? PEOPLE);
const BATCH = 25;
const PHASES = (process.env.BENCH_PHASES ?? 'rss,lookups,memberadd').toLowerCase().split(',');
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const GOALS = { lookupRatio: 1.1, memberAddRatio: 1.5, peakRssMb: 250 };

const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'People', 'Support', 'Legal', 'Operations'];
const TITLES = ['Engineer', 'Senior Engineer', 'Account Executive', 'Analyst', 'Manager', 'Designer'];
const SITES = ['London', 'Paris', 'Berlin', 'Madrid', 'Lisbon'];

if (DATABASE_URL.startsWith('sqlite:')) throw new Error('roster-scale measures MariaDB/MySQL (BENCH_DATABASE_URL=mysql://…)');

/** One request over a kept-alive connection (as Entra's client does); answers the status, the body and the milliseconds. */
/** Runs `count` jobs, `CONCURRENCY` at a time; answers their results. */
async function pool(count, job) {
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) results.push(await job(next++));
    }),
  );
  return results;
}

/** The user Entra's default attribute mapping sends (title, department and site resolve org-structure rows). */
function entraUser(prefix, i) {
  const userName = `${prefix}.${i}@contoso.com`;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: `${prefix}-${i}`,
    userName,
    active: true,
    displayName: `Roster ${prefix} ${i}`,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `Roster ${i}`, familyName: `User${i}`, givenName: 'Roster' },
    title: TITLES[i % TITLES.length],
    addresses: [{ type: 'work', locality: SITES[i % SITES.length], country: 'GB' }],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: DEPARTMENTS[i % DEPARTMENTS.length], employeeNumber: String(i) },
    roles: [],
  };
}

const request = requester(CONCURRENCY * 2);

const lookupPath = (userName) => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`).replace(/%20/g, '+')}`;

/** Entra's initial cycle for `count` users: the lookup (no match), then the create. Answers the seconds taken. */
async function initialCycle(port, token, prefix, count, onProgress = () => {}) {
  const started = process.hrtime.bigint();
  let done = 0;
  await pool(count, async (i) => {
    const user = entraUser(prefix, i);
    const lookup = await request(port, 'GET', lookupPath(user.userName), token);
    if (lookup.status !== 200 || lookup.body.totalResults !== 0) throw new Error(`lookup ${i}: ${lookup.status} ${JSON.stringify(lookup.body)}`);
    const created = await request(port, 'POST', '/scim/v2/Users', token, user);
    if (created.status !== 201) throw new Error(`create ${i}: ${created.status} ${JSON.stringify(created.body)}`);
    onProgress(++done);
  });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const round = (x, digits = 1) => Number(x.toFixed(digits));
const stats = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(percentile(sorted, 50), 2), p95: round(percentile(sorted, 95), 2), p99: round(percentile(sorted, 99), 2) };
};

/** Phase 1: the API's peak RSS during a BENCH_PEOPLE-user initial cycle through SCIM. */
async function rssPhase(env, port, large) {
  const api = await startApi(env, NODE_ARGS);
  try {
    const dir = await caller(api.base)('POST', '/api/v1/directories', large.adminToken, { name: 'Large' });
    const atStart = memoryOf(api.pid);
    const samples = [];
    let peakRss = atStart.rssMb;
    let peakAt = { users: 0, seconds: 0 };
    let progress = 0;
    const t0 = Date.now();
    const sample = () => {
      const m = memoryOf(api.pid);
      if (m.rssMb > peakRss) {
        peakRss = m.rssMb;
        peakAt = { users: progress, seconds: round((Date.now() - t0) / 1000) };
      }
      return m;
    };
    // The RSS every ~5 % of the cycle, to tell a plateau (heap sizing) from a growth (something kept per user).
    const marks = new Set(Array.from({ length: 20 }, (_, k) => Math.round(((k + 1) * PEOPLE) / 20)));
    const timer = setInterval(sample, 250);
    const cpuBefore = cpuSeconds(api.pid);
    const seconds = await initialCycle(port, dir.token, 'large', PEOPLE, (done) => {
      progress = done;
      if (marks.has(done)) {
        const m = sample();
        samples.push({ users: done, rssMb: round(m.rssMb), hwmMb: round(m.hwmMb) });
        if (process.env.BENCH_VERBOSE) process.stdout.write(`  ${done} users, RSS ${m.rssMb.toFixed(0)} MB, peak ${m.hwmMb.toFixed(0)} MB\n`);
      }
    });
    clearInterval(timer);
    const cpu = cpuSeconds(api.pid) - cpuBefore;
    const atEnd = memoryOf(api.pid);
    return {
      directory: dir,
      users: progress,
      seconds: round(seconds, 1),
      usersPerSecond: round(PEOPLE / seconds),
      apiCpuMsPerUser: round((cpu * 1000) / PEOPLE, 3),
      rssAtStartMb: round(atStart.rssMb),
      rssAtEndMb: round(atEnd.rssMb),
      peakRssSampledMb: round(peakRss),
      peakReachedAt: peakAt, // when the sampled RSS last rose: early means warm-up, late means growth
      peakRssMb: round(atEnd.hwmMb), // VmHWM: the kernel's own high-water mark of the process
      samples,
    };
  } finally {
    await api.stop();
  }
}

/** Phase 2: `userName eq` lookups on the small and the large roster, alternated. */
async function lookupPhase(api, small, large) {
  // The large roster's LARGE_KEYS people, spread evenly over it.
  const pick = (prefix, size, exists, keys = size) =>
    `${prefix}.${exists ? Math.floor(Math.random() * keys) * Math.floor(size / keys) : size + Math.floor(Math.random() * 1e9)}@contoso.com`;
  const cases = {
    small: { token: small.directory.token, prefix: 'small', size: SMALL },
    large: { token: large.directory.token, prefix: 'large', size: PEOPLE, keys: LARGE_KEYS },
  };
  const lookups = async (c, count, exists) =>
    pool(count, async () => {
      const res = await request(api.port, 'GET', lookupPath(pick(c.prefix, c.size, exists, c.keys)), c.token);
      if (res.status !== 200 || res.body.totalResults !== (exists ? 1 : 0)) throw new Error(`lookup: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      return res.ms;
    });
  // InnoDB's global counters (the whole server's, other clients included): pages read from disk
  // and page requests, summed per roster over its timed rounds.
  const db = await sqlConnection(DATABASE_URL);
  const innodb = async () =>
    Object.fromEntries(
      (await db.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_reads', 'Innodb_buffer_pool_read_requests')")).map((r) => [
        r.Variable_name,
        Number(r.Value),
      ]),
    );
  const out = {};
  for (const exists of [true, false]) {
    const name = exists ? 'match' : 'noMatch';
    // Warm-up: the JIT, the connection pool and the buffer pool pages both rosters' lookups read.
    for (const c of Object.values(cases)) await lookups(c, 500, exists);
    const ms = { small: [], large: [] };
    const pages = { small: { diskReads: 0, requests: 0 }, large: { diskReads: 0, requests: 0 } };
    const perRound = Math.ceil(LOOKUPS / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      // ABBA order, so neither roster always goes first.
      for (const side of r % 2 === 0 ? ['small', 'large'] : ['large', 'small']) {
        const before = await innodb();
        ms[side].push(...(await lookups(cases[side], perRound, exists)));
        const after = await innodb();
        pages[side].diskReads += after.Innodb_buffer_pool_reads - before.Innodb_buffer_pool_reads;
        pages[side].requests += after.Innodb_buffer_pool_read_requests - before.Innodb_buffer_pool_read_requests;
      }
    }
    out[name] = { small: { ...stats(ms.small), innodbPages: pages.small }, large: { ...stats(ms.large), innodbPages: pages.large } };
    out[name].p95Ratio = round(out[name].large.p95 / out[name].small.p95, 2);
  }
  await db.close();
  return out;
}

/** Phase 3: a member Add of 25 to a BENCH_PEOPLE-member group against the same Add to an empty group. */
async function memberAddPhase(api, large) {
  const call = caller(api.base);
  const token = large.directory.token;
  const group = async (displayName) =>
    (await call('POST', '/scim/v2/Groups', token, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName })).id;
  const big = await group('Everyone');
  const db = await sqlConnection(DATABASE_URL);
  const seedStarted = Date.now();
  try {
    await db.query(
      'INSERT INTO group_members (group_id, user_id, organization_id, created_at) SELECT ?, id, organization_id, NOW(6) FROM users WHERE directory_id = ?',
      [big, large.directory.id],
    );
  } finally {
    await db.close();
  }
  const newcomers = await seedPeople(DATABASE_URL, {
    organizationId: large.organizationId,
    directoryId: large.directory.id,
    count: ADD_ROUNDS * BATCH,
    prefix: 'newcomer',
  });
  const analyze = await sqlConnection(DATABASE_URL);
  await analyze.query('ANALYZE TABLE group_members');
  await analyze.close();
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  const patch = async (groupId, ids) => {
    const res = await request(api.port, 'PATCH', `/scim/v2/Groups/${groupId}`, token, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }],
    });
    if (res.status !== 204 && res.status !== 200) throw new Error(`PATCH ${groupId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.ms;
  };
  // Two warm-up rounds (not timed), then the alternated rounds.
  for (let r = 0; r < 2; r++) await patch(await group(`Warm-up ${r}`), newcomers.slice(r * BATCH, (r + 1) * BATCH));
  const bigMs = [];
  const emptyMs = [];
  for (let r = 0; r < ADD_ROUNDS; r++) {
    const ids = newcomers.slice(r * BATCH, (r + 1) * BATCH);
    const empty = await group(`Empty ${r}`);
    if (r % 2 === 0) {
      emptyMs.push(await patch(empty, ids));
      bigMs.push(await patch(big, ids));
    } else {
      bigMs.push(await patch(big, ids));
      emptyMs.push(await patch(empty, ids));
    }
  }
  // The timings count only if every PATCH really added its members (counted in SQL: the admin
  // API's memberCount is timed below, and it may time out on a group this large).
  const expected = PEOPLE + ADD_ROUNDS * BATCH;
  const check = await sqlConnection(DATABASE_URL);
  const [{ n: memberCount }] = await check.query('SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?', [big]);
  await check.close();
  if (Number(memberCount) !== expected) throw new Error(`the big group has ${memberCount} members, expected ${expected}`);
  // For information: the admin API's GET of a group counts its visible members (memberCount).
  const lastEmpty = await group('Empty, read');
  await patch(lastEmpty, newcomers.slice(0, BATCH));
  const adminGet = { empty: [], big: [], bigStatuses: {} };
  for (let r = 0; r < 5; r++) {
    adminGet.empty.push((await request(api.port, 'GET', `/api/v1/groups/${lastEmpty}`, large.adminToken)).ms);
    const res = await request(api.port, 'GET', `/api/v1/groups/${big}`, large.adminToken);
    adminGet.big.push(res.ms);
    adminGet.bigStatuses[res.status] = (adminGet.bigStatuses[res.status] ?? 0) + 1;
  }
  const result = {
    members: PEOPLE,
    seedSeconds: round(seedSeconds),
    rounds: ADD_ROUNDS,
    empty: stats(emptyMs),
    big: stats(bigMs),
    membersAfter: Number(memberCount),
    adminGroupGet: { empty: stats(adminGet.empty), big: stats(adminGet.big), bigStatuses: adminGet.bigStatuses },
  };
  result.medianRatio = round(result.big.p50 / result.empty.p50, 2);
  result.p95Ratio = round(result.big.p95 / result.empty.p95, 2);
  return result;
}

function table(r) {
  const met = (ok) => (ok ? 'yes' : '**no**');
  const k = (n) => `${(n / 1000).toLocaleString('en')}k`;
  const lookupRow = (label, x) =>
    `| ${label} p50 / p95 / p99 (ms) | ${x.small.p50} / ${x.small.p95} / ${x.small.p99} | ${x.large.p50} / ${x.large.p95} / ${x.large.p99} | ${x.p95Ratio}× (p95) | ≤ ${GOALS.lookupRatio}× | ${met(x.p95Ratio <= GOALS.lookupRatio)} |`;
  const m = r.memberAdd;
  return [
    `| measurement | ${k(SMALL)} people / empty group | ${k(PEOPLE)} people / ${k(PEOPLE)}-member group | ratio | goal | met? |`,
    '|---|---|---|---|---|---|',
    r.lookups && lookupRow('`userName eq` lookup, a match,', r.lookups.match),
    r.lookups && lookupRow('`userName eq` lookup, no match,', r.lookups.noMatch),
    m &&
      `| member Add of 25, median / p95 (ms) | ${m.empty.p50} / ${m.empty.p95} | ${m.big.p50} / ${m.big.p95} | ${m.medianRatio}× (median), ${m.p95Ratio}× (p95) | ≤ ${GOALS.memberAddRatio}× | ${met(m.medianRatio <= GOALS.memberAddRatio)} |`,
    m &&
      `| admin \`GET /api/v1/groups/:id\` (its memberCount), median (ms), for information | ${m.adminGroupGet.empty.p50} (25 members) | ${m.adminGroupGet.big.p50} (statuses ${Object.entries(
        m.adminGroupGet.bigStatuses,
      )
        .map(([k, v]) => `${v}× ${k}`)
        .join(', ')}) | ${round(m.adminGroupGet.big.p50 / m.adminGroupGet.empty.p50)}× | — | — |`,
    r.rss &&
      `| API peak RSS (VmHWM) during the ${k(PEOPLE)}-user initial cycle (MB) | | ${r.rss.peakRssMb} (${r.rss.rssAtStartMb} at start, ${r.rss.rssAtEndMb} at the end; ${r.rss.usersPerSecond} users/s, API CPU ${r.rss.apiCpuMsPerUser} ms/user) | | ≤ ${GOALS.peakRssMb} MB | ${met(r.rss.peakRssMb <= GOALS.peakRssMb)} |`,
  ]
    .filter(Boolean)
    .join('\n');
}

async function main() {
  if (!existsSync(join(root, 'dist/apps/api/src/main.js'))) throw new Error('dist/apps/api/src/main.js is missing: run npm run build first');
  const date = new Date().toISOString().slice(0, 10);
  const loadAverageStart = os.loadavg().map((x) => round(x, 2));
  const db0 = await sqlConnection(DATABASE_URL.replace(/\/[^/]*$/, '/'));
  const [{ version, bufferPoolMb }] = await db0.query('SELECT VERSION() AS version, @@innodb_buffer_pool_size / 1048576 AS bufferPoolMb');
  await db0.close();
  await resetDatabase(DATABASE_URL);
  const port = await freePort();
  const env = serviceEnv(DATABASE_URL, port, 'info');
  const large = setupOrganization(env, 'Large', 'large@contoso.com');
  const small = setupOrganization(env, 'Small', 'small@contoso.com');
  const started = Date.now();

  let rss;
  if (PHASES.includes('rss')) {
    process.stdout.write(`1. initial cycle of ${PEOPLE.toLocaleString('en')} users through SCIM, concurrency ${CONCURRENCY}…\n`);
    rss = await rssPhase(env, port, large);
    large.directory = rss.directory;
    delete rss.directory;
    process.stdout.write(`   ${rss.usersPerSecond} users/s, peak RSS ${rss.peakRssMb} MB (${rss.rssAtStartMb} MB at start)\n   ${JSON.stringify(rss)}\n`);
  }

  let lookups;
  let memberAdd;
  if (PHASES.includes('lookups') || PHASES.includes('memberadd')) {
    const api = await startApi(env, NODE_ARGS);
    api.port = port;
    try {
      const call = caller(api.base);
      small.directory = await call('POST', '/api/v1/directories', small.adminToken, { name: 'Small' });
      if (rss) await initialCycle(api.port, small.directory.token, 'small', SMALL);
      else {
        large.directory = await call('POST', '/api/v1/directories', large.adminToken, { name: 'Large' });
        await seedPeople(DATABASE_URL, { organizationId: large.organizationId, directoryId: large.directory.id, count: PEOPLE, prefix: 'large' });
        await seedPeople(DATABASE_URL, { organizationId: small.organizationId, directoryId: small.directory.id, count: SMALL, prefix: 'small' });
      }
      const db = await sqlConnection(DATABASE_URL);
      await db.query('ANALYZE TABLE users, user_emails');
      await db.close();
      if (PHASES.includes('lookups')) {
        process.stdout.write(`2. ${LOOKUPS} userName lookups per case at ${SMALL.toLocaleString('en')} and at ${PEOPLE.toLocaleString('en')} people…\n`);
        lookups = await lookupPhase(api, small, large);
        process.stdout.write(`   ${JSON.stringify(lookups)}\n`);
      }
      if (PHASES.includes('memberadd')) {
        process.stdout.write(`3. member Add of ${BATCH}: an empty group against a ${PEOPLE.toLocaleString('en')}-member group, ${ADD_ROUNDS} rounds…\n`);
        memberAdd = await memberAddPhase(api, large);
        process.stdout.write(`   ${JSON.stringify(memberAdd)}\n`);
      }
    } finally {
      await api.stop();
    }
  }
  request.close();
  if (!process.env.BENCH_KEEP_DATABASE) await dropDatabase(DATABASE_URL);

  const result = {
    date: new Date().toISOString(),
    commit: commit(),
    minutes: round((Date.now() - started) / 60000),
    parameters: {
      phases: PHASES,
      people: PEOPLE,
      small: SMALL,
      lookups: LOOKUPS,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      memberAddRounds: ADD_ROUNDS,
      largeKeys: LARGE_KEYS,
      batch: BATCH,
      nodeArgs: [...startFlags(), ...NODE_ARGS], // what the API processes ran with
    },
    host: {
      cores: os.cpus().length,
      loadAverageStart,
      loadAverageEnd: os.loadavg().map((x) => round(x, 2)),
      node: process.version,
      mariadb: version,
      innodbBufferPoolMb: Number(bufferPoolMb),
    },
    goals: GOALS,
    lookups,
    memberAdd,
    rss,
  };
  const text = table(result);
  process.stdout.write(
    `\nRoster scale, ${result.date} · commit ${result.commit} · ${result.host.cores} cores · load ${loadAverageStart.join(' ')} → ${result.host.loadAverageEnd.join(' ')} · ` +
      `MariaDB ${version} (buffer pool ${Number(bufferPoolMb)} MB) · Node ${process.version}\n\n${text}\n`,
  );
  const file = resultFile('roster-scale', date);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...result, table: text }, null, 2)}\n`);
  process.stdout.write(`\nJSON: ${relative(process.cwd(), file)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
