#!/usr/bin/env node
// The floor ratio (issue 13): runs the team's Entra load generator (bench/entra-sync.mjs) against
// the floor (bench/raw-scim-server.mjs: node:http + raw mysql2 on the same MariaDB) and against
// this service, alternately (floor, service, floor, service, …), each round on a fresh database,
// then prints the median per phase of each side, their ratio and the goals, and writes every
// round's raw entra-sync summary plus the computed table to bench/results/<date>-floor-ratio.json.
//
//   npm run build && npm run bench                                   # 2,000 users, 3 rounds
//   BENCH_USERS=200 BENCH_GROUPS=4 BENCH_ROUNDS=1 npm run bench      # a quick smoke run
//
// Builds nothing: it runs dist/apps/api/src/main.js, so `npm run build` first.
// Environment: BENCH_USERS (2000), BENCH_GROUPS (20), BENCH_MEMBERS (50), BENCH_CONCURRENCY (8),
// BENCH_ROUNDS (3), BENCH_DATABASE_URL (mysql://root@127.0.0.1:3306/bench_test: the base name of
// the fresh databases, which must contain "test"; the floor only connects as root without a
// password on 127.0.0.1, so the service must use that server too), BENCH_OUT (the JSON file),
// BENCH_MARIADB_PID (else /run/mysqld/mysqld.pid, else `pidof mariadbd`), BENCH_VERBOSE=1
// (entra-sync's progress lines), BENCH_KEEP_DATABASES=1 (do not drop the round databases).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commit, resultFile } from './lib/run.mjs';
import { freePort } from './lib/service.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const int = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
};
const USERS = int('BENCH_USERS', 2000);
const GROUPS = int('BENCH_GROUPS', 20);
const MEMBERS = int('BENCH_MEMBERS', 50);
const CONCURRENCY = int('BENCH_CONCURRENCY', 8);
const ROUNDS = int('BENCH_ROUNDS', 3);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/bench_test';
const VERBOSE = process.env.BENCH_VERBOSE === '1';
const KEEP = process.env.BENCH_KEEP_DATABASES === '1';
const BATCH = 25; // entra-sync's default member batch, as Entra sends them

// The goals of issue 13: each phase at least half the floor's throughput, and the CPU per user
// created (phase a) within these budgets.
const MIN_RATIO = 0.5;
const MAX_API_CPU_MS = 2.0;
const MAX_MARIADB_CPU_MS = 0.9;

const children = new Set();
const log = (line) => process.stderr.write(`${line}\n`);

function databaseBase() {
  const url = new URL(DATABASE_URL);
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') throw new Error('BENCH_DATABASE_URL must be a mysql:// URL: the floor runs on MariaDB only');
  const local = ['127.0.0.1', 'localhost'].includes(url.hostname) && (url.port === '' || url.port === '3306');
  if (!local || decodeURIComponent(url.username) !== 'root' || url.password !== '') {
    throw new Error(
      'The floor connects as root without a password to 127.0.0.1:3306; BENCH_DATABASE_URL must name that server so both sides share one MariaDB',
    );
  }
  const name = url.pathname.slice(1);
  if (!/test/.test(name) || !/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`The database base name "${name}" must contain "test" (letters, digits and _ only)`);
  return { url, name };
}

async function admin(fn) {
  const { createConnection } = await import('mysql2/promise');
  const url = new URL(DATABASE_URL);
  url.pathname = '/';
  const c = await createConnection({ uri: url.toString() });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const freshDatabase = (name) =>
  admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  });

function mariadbPid() {
  const candidates = [process.env.BENCH_MARIADB_PID];
  try {
    candidates.push(readFileSync('/run/mysqld/mysqld.pid', 'utf8').trim());
  } catch {
    /* not there */
  }
  for (const name of ['mariadbd', 'mysqld']) candidates.push(spawnSync('pidof', ['-s', name], { encoding: 'utf8' }).stdout?.trim());
  return candidates.find((pid) => pid && /^\d+$/.test(pid) && existsSync(`/proc/${pid}/stat`)) ?? null;
}

function start(args, env, what) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => (children.delete(child), resolve({ code, signal }))));
  child.what = what;
  return child;
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}

async function waitUntilUp(child, url, headers = {}) {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${child.what} exited with status ${child.exitCode} before answering`);
    try {
      if ((await fetch(url, { headers })).ok) return;
    } catch {
      /* not up yet */
    }
    if (i > 150) throw new Error(`${child.what} did not answer ${url} within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startFloor(database) {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  // raw-scim-server.mjs resolves mysql2 from its working directory: the project root.
  const server = start(['bench/raw-scim-server.mjs', '--fresh'], { PORT: String(port), SCIM_TOKEN: token, DB_NAME: database }, 'the floor');
  const filter = encodeURIComponent('userName eq "nobody@example.com"');
  await waitUntilUp(server, `http://127.0.0.1:${port}/scim/v2/Users?filter=${filter}`, { authorization: `Bearer ${token}` });
  return { server, port, token };
}

async function startService(database) {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  await freshDatabase(database);
  const port = await freePort();
  const env = {
    DATABASE_URL: url.toString(),
    PORT: String(port),
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    SECRETS_ENCRYPTION_KEY: process.env.SECRETS_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
  };
  const setup = spawnSync(process.execPath, ['dist/apps/api/src/cli.js', 'setup', '--org', 'Bench', '--admin-email', 'bench@contoso.com', '--json'], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (setup.status !== 0) throw new Error(`setup failed: ${setup.stderr}`);
  const { adminToken } = JSON.parse(setup.stdout);
  const server = start(['dist/apps/api/src/main.js'], env, 'the service');
  await waitUntilUp(server, `http://127.0.0.1:${port}/health`);
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/directories`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench' }),
  });
  if (res.status !== 201) throw new Error(`creating the directory failed: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  return { server, port, token };
}

/** Runs entra-sync against one side; resolves with its JSON summary (whatever its exit status). */
async function entraSync(side, port, token, serverPid, dbPid, rawFile) {
  const args = [
    'bench/entra-sync.mjs',
    '--base',
    `http://127.0.0.1:${port}/scim/v2`,
    '--users',
    String(USERS),
    '--groups',
    String(GROUPS),
    '--members',
    String(MEMBERS),
    '--concurrency',
    String(CONCURRENCY),
    '--prefix',
    'bench', // every round has a fresh database, so every round sends the same data set
    '--watch-pid',
    `server=${serverPid}`,
    ...(dbPid ? ['--watch-pid', `mariadb=${dbPid}`] : []),
    '--json',
    '--out',
    rawFile,
    ...(VERBOSE ? [] : ['--quiet']),
  ];
  // The token goes through the environment (entra-sync's default), never the command line.
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, SCIM_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const chunks = [];
  child.stdout.on('data', (c) => chunks.push(c));
  const { code } = await new Promise((resolve) => child.once('exit', (code) => (children.delete(child), resolve({ code }))));
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { exitCode: code, summary: JSON.parse(text) };
  } catch {
    throw new Error(`entra-sync against the ${side} exited with ${code} without a JSON summary:\n${text}`);
  }
}

// ---- the table -------------------------------------------------------------------------------

const median = (values) => {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};
const round = (x, digits) => (x === null ? null : Number(x.toFixed(digits)));

/** The numbers of one entra-sync summary that the table uses. */
function figures(summary) {
  const phase = (name) => summary.phases.find((p) => p.phase === name);
  const a = phase('a.users');
  const perUser = (proc) => (a?.cpu?.[proc] && a.units ? (a.cpu[proc].cpuSeconds * 1000) / a.units : null);
  const cycle = (proc) => (summary.totals.cpuSeconds[proc] !== undefined && a?.units ? (summary.totals.cpuSeconds[proc] * 1000) / a.units : null);
  return {
    ...Object.fromEntries(['a.users', 'b.manager', 'c.groups', 'd.incremental', 'verify'].map((name) => [name, phase(name)?.unitsPerSec ?? null])),
    apiCpuMsPerUser: perUser('server'),
    mariadbCpuMsPerUser: perUser('mariadb'),
    apiCpuMsPerUserCycle: cycle('server'),
    mariadbCpuMsPerUserCycle: cycle('mariadb'),
    hostBusyCoresPhaseA: a?.cpu?.hostBusyCores ?? null,
  };
}

function table(rounds) {
  const adds = Math.ceil(Math.min(MEMBERS, USERS) / BATCH);
  const rows = [
    ['a.users', 'a. users: lookup + create (users/s)'],
    ['b.manager', 'b. manager PATCH (/s)'],
    ['c.groups', `c. groups: lookup, create, ${adds} member Add${adds === 1 ? '' : 's'} (groups/s)`],
    ['d.incremental', 'd. incremental changes (/s)'],
    ['verify', 'verify: GET by filter and by id (/s)'],
  ].map(([key, label]) => ({ key, label, kind: 'throughput', goal: `≥ ${MIN_RATIO}` }));
  rows.push(
    { key: 'apiCpuMsPerUser', label: 'API CPU per user created, phase a (ms)', kind: 'cpu', limit: MAX_API_CPU_MS, goal: `≤ ${MAX_API_CPU_MS.toFixed(1)} ms` },
    {
      key: 'mariadbCpuMsPerUser',
      label: 'MariaDB CPU per user created, phase a (ms)',
      kind: 'cpu',
      limit: MAX_MARIADB_CPU_MS,
      goal: `≤ ${MAX_MARIADB_CPU_MS.toFixed(1)} ms`,
    },
    { key: 'apiCpuMsPerUserCycle', label: 'API CPU, whole cycle a–d, per user (ms)', kind: 'cpu', goal: '—' },
    { key: 'mariadbCpuMsPerUserCycle', label: 'MariaDB CPU, whole cycle a–d, per user (ms)', kind: 'cpu', goal: '—' },
  );
  const side = (name) => rounds.filter((r) => r.side === name).map((r) => r.figures);
  return rows.map((row) => {
    const floor = median(side('floor').map((f) => f[row.key]));
    const service = median(side('service').map((f) => f[row.key]));
    const ratio = floor && service !== null ? service / floor : null;
    let met = null;
    if (row.kind === 'throughput' && ratio !== null) met = ratio >= MIN_RATIO;
    if (row.limit !== undefined && service !== null) met = service <= row.limit;
    const digits = row.kind === 'cpu' ? 3 : 1;
    return { phase: row.key, label: row.label, floor: round(floor, digits), service: round(service, digits), ratio: round(ratio, 2), goal: row.goal, met };
  });
}

const cell = (v) => (v === null || v === undefined ? 'n/a' : String(v));
const metCell = (m) => (m === null ? 'n/a' : m ? 'yes' : '**no**');

function markdown(result) {
  const { parameters: p, host } = result;
  const lines = [];
  lines.push(
    `Floor ratio (entra-sync ${result.entraSyncVersion}): ${p.users.toLocaleString('en')} users, ${p.groups} groups of ${p.members}, ` +
      `concurrency ${p.concurrency}, ${p.rounds} alternating fresh round${p.rounds === 1 ? '' : 's'} (floor, service, …), median per side.`,
  );
  lines.push(
    `${result.date} · ${host.cpus} cores · load average ${host.loadAverageStart.join(' / ')} at the start, ${host.loadAverageEnd.join(' / ')} at the end · ` +
      `MariaDB ${host.mariadb} · Node ${host.node} · commit ${result.commit ?? 'unknown'}`,
  );
  lines.push('');
  lines.push('| phase | floor | this service | ratio | goal | met? |');
  lines.push('|---|---|---|---|---|---|');
  for (const r of result.table) {
    const cpu = r.phase.includes('Cpu');
    const ratio = r.ratio === null ? 'n/a' : `${r.ratio.toFixed(2)}${cpu ? '×' : ''}`;
    const value = (v) => (v === null ? 'n/a' : v.toFixed(cpu ? 2 : 0));
    lines.push(`| ${r.label} | ${value(r.floor)} | ${value(r.service)} | ${ratio} | ${r.goal} | ${r.goal === '—' ? '—' : metCell(r.met)} |`);
  }
  lines.push('');
  lines.push('Every round (throughput in units/s, CPU in ms per user created in phase a, host busy cores during phase a):');
  lines.push('');
  lines.push('| round | side | a | b | c | d | verify | API CPU | MariaDB CPU | host busy | entra-sync exit |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of result.rounds) {
    const f = r.figures;
    const n = (v, d) => (v === null ? 'n/a' : v.toFixed(d));
    lines.push(
      `| ${r.round} | ${r.side} | ${n(f['a.users'], 0)} | ${n(f['b.manager'], 0)} | ${n(f['c.groups'], 0)} | ${n(f['d.incremental'], 0)} | ${n(f.verify, 0)} | ` +
        `${n(f.apiCpuMsPerUser, 2)} | ${n(f.mariadbCpuMsPerUser, 2)} | ${n(f.hostBusyCoresPhaseA, 2)} | ${r.exitCode} |`,
    );
  }
  return lines.join('\n');
}

/** entra-sync's findings of one round, as text. */
function findingsText(r) {
  const f = r.summary.findings;
  const out = [`round ${r.round}, ${r.side}: entra-sync exit ${r.exitCode} (1=unexpected status, 2=response shape, 4=verification, 8=deadline)`];
  for (const u of f.unexpectedStatus) {
    out.push(`  UNEXPECTED ${u.status} x${u.count} in ${u.phase} ${u.op}`);
    const s = u.samples[0];
    if (s) out.push(`    e.g. ${s.request}\n    request: ${JSON.stringify(s.requestBody)}\n    response: ${s.response}`);
  }
  for (const s of f.responseShape)
    out.push(`  SHAPE x${s.count} in ${s.phase} ${s.op}: ${s.problem}\n    e.g. ${s.samples[0]?.request} -> ${s.samples[0]?.status} ${s.samples[0]?.response}`);
  for (const m of f.verification.slice(0, 20)) out.push(`  VERIFY ${JSON.stringify(m)}`);
  if (f.verification.length > 20) out.push(`  … ${f.verification.length - 20} more verification finding(s) in the JSON`);
  for (const s of f.skipped) out.push(`  SKIPPED ${s.tasks} task(s) in ${s.phase}: ${s.reason}`);
  return out.join('\n');
}

async function main() {
  if (!existsSync(join(root, 'dist/apps/api/src/main.js')))
    throw new Error('dist/apps/api/src/main.js is missing: run `npm run build` first (the bench builds nothing)');
  if (USERS < 1 || ROUNDS < 1) throw new Error('BENCH_USERS and BENCH_ROUNDS must be at least 1');
  const { name: base } = databaseBase();
  const dbPid = mariadbPid();
  if (!dbPid) log('warning: no mariadbd pid found (set BENCH_MARIADB_PID): the MariaDB CPU rows will read n/a');
  const mariadb = await admin(async (c) => (await c.query('SELECT VERSION() AS v'))[0][0].v);
  const started = new Date();
  const loadAverageStart = os.loadavg().map((x) => round(x, 2));
  const tmp = join(root, 'bench/results/tmp');
  mkdirSync(tmp, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const databases = [];
  const rounds = [];
  try {
    for (let r = 1; r <= ROUNDS; r++) {
      for (const side of ['floor', 'service']) {
        const database = `${base}_${side}_${r}`;
        databases.push(database);
        log(`round ${r}/${ROUNDS}: ${side} on ${database} …`);
        const { server, port, token } = side === 'floor' ? await startFloor(database) : await startService(database);
        let run;
        try {
          run = await entraSync(side, port, token, server.pid, dbPid, join(tmp, `${stamp}-r${r}-${side}.json`));
        } finally {
          await stop(server);
        }
        const entry = { round: r, side, database, exitCode: run.exitCode, figures: figures(run.summary), summary: run.summary };
        rounds.push(entry);
        const f = entry.figures;
        log(
          `round ${r}/${ROUNDS}: ${side}: ${round(f['a.users'], 1)} users/s, API CPU ${cell(round(f.apiCpuMsPerUser, 3))} ms/user, ` +
            `MariaDB CPU ${cell(round(f.mariadbCpuMsPerUser, 3))} ms/user, entra-sync exit ${run.exitCode}`,
        );
      }
    }
  } finally {
    if (!KEEP && databases.length)
      await admin(async (c) => Promise.all(databases.map((d) => c.query(`DROP DATABASE IF EXISTS \`${d}\``)))).catch((e) =>
        log(`could not drop the bench databases: ${e.message}`),
      );
  }
  const result = {
    tool: 'floor-ratio',
    entraSyncVersion: rounds[0].summary.version,
    date: `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    commit: commit(),
    parameters: {
      users: USERS,
      groups: GROUPS,
      members: MEMBERS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      order: 'floor, service per round, each on a fresh database',
    },
    host: {
      hostname: os.hostname(),
      cpus: os.cpus().length,
      loadAverageStart,
      loadAverageEnd: os.loadavg().map((x) => round(x, 2)),
      mariadb,
      node: process.version,
    },
    goals: { minPhaseRatio: MIN_RATIO, maxApiCpuMsPerUser: MAX_API_CPU_MS, maxMariadbCpuMsPerUser: MAX_MARIADB_CPU_MS },
    table: table(rounds),
    rounds,
  };
  result.allGoalsMet = result.table.filter((r) => r.goal !== '—').every((r) => r.met === true);
  const file = resultFile('floor-ratio', started.toISOString().slice(0, 10));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const shown = relative(root, file);
  process.stdout.write(`${markdown(result)}\n\nRaw JSON: ${shown.startsWith('..') ? file : shown}\n`);
  // Rounds that failed, and rounds with findings that do not fail a run (severity "rfc").
  const noted = rounds.filter((r) => r.exitCode !== 0 || Object.values(r.summary.findings).some((list) => list.length));
  if (noted.length) process.stdout.write(`\nentra-sync reported findings:\n${noted.map(findingsText).join('\n')}\n`);
  if (rounds.some((r) => r.exitCode !== 0)) process.exitCode = 1;
}

const killChildren = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.once('SIGINT', () => {
  killChildren();
  process.exit(130);
});
main().catch((err) => {
  killChildren();
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
