#!/usr/bin/env node
// Replays Microsoft Entra's initial provisioning cycle against the built API: for each user a
// match lookup (GET /Users?filter=userName eq "…") then a create (POST /Users), N users at
// concurrency C. Prints users/s, latency percentiles per user (lookup + create) and the API
// process's CPU time per user (read from /proc, so the API runs as our child process).
//
//   npm run build && npm run bench                      # 10,000 users, concurrency 8, MariaDB
//   BENCH_USERS=2000 BENCH_CONCURRENCY=16 npm run bench
//   BENCH_DATABASE_URL=sqlite:/tmp/bench.sqlite npm run bench
//   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench   # profile the API
//
// The MySQL database named in BENCH_DATABASE_URL (default bench_test on 127.0.0.1) is dropped
// and recreated: its name must contain "test".
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/bench_test';
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'People', 'Support', 'Legal', 'Operations'];
const TITLES = ['Engineer', 'Senior Engineer', 'Account Executive', 'Analyst', 'Manager', 'Designer'];
const SITES = ['London', 'Paris', 'Berlin', 'Madrid', 'Lisbon'];

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function resetDatabase() {
  if (DATABASE_URL.startsWith('sqlite:')) {
    const path = DATABASE_URL.slice('sqlite:'.length);
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    return;
  }
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  if (!/test/.test(name)) throw new Error(`Refusing to drop database "${name}": its name must contain "test"`);
  const { createConnection } = await import('mysql2/promise');
  url.pathname = '/';
  const c = await createConnection({ uri: url.toString() });
  await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await c.end();
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

function request(port, method, path, token, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload ? { 'content-type': 'application/scim+json; charset=utf-8', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

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
  return Number(process.hrtime.bigint() - started) / 1e6;
}

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

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  await resetDatabase();
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL, PORT: String(port), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', NODE_ENV: 'production' };
  const setup = spawnSync(process.execPath, [join(root, 'dist/apps/api/src/cli.js'), 'setup', '--org', 'Bench', '--admin-email', 'bench@contoso.com', '--json'], {
    env,
    encoding: 'utf8',
  });
  if (setup.status !== 0) throw new Error(`setup failed (did you npm run build?): ${setup.stderr}`);
  const { adminToken } = JSON.parse(setup.stdout);
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
  } finally {
    api.kill('SIGTERM');
    agent.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
