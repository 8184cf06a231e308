// The start-up shared by bench/member-add-timing.mjs, bench/paging-depth.mjs and
// bench/roster-scale.mjs: a fresh database, an organisation made by the CLI, the built API as a
// child process (NODE_ENV=production, a random SECRETS_ENCRYPTION_KEY unless one is exported),
// and people seeded straight in SQL. Needs `npm run build` first.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const isSqlite = (url) => url.startsWith('sqlite:');

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Drops and recreates the database (a MariaDB/MySQL one only when its name contains "test"), or removes the SQLite file. */
export async function resetDatabase(url) {
  await withServer(url, async (c, name) => {
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  });
}

/** Runs `work(connection, name)` on the server of a "test" database; for SQLite, removes the file instead. */
async function withServer(url, work) {
  if (isSqlite(url)) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(url.slice('sqlite:'.length) + suffix, { force: true });
    return;
  }
  const u = new URL(url);
  const name = u.pathname.slice(1);
  if (!/test/.test(name)) throw new Error(`Refusing to drop database "${name}": its name must contain "test"`);
  const { createConnection } = await import('mysql2/promise');
  u.pathname = '/';
  const c = await createConnection({ uri: u.toString() });
  try {
    await work(c, name);
  } finally {
    await c.end();
  }
}

/** Drops a MariaDB/MySQL database whose name contains "test" (the SQLite file is removed). */
export async function dropDatabase(url) {
  await withServer(url, (c, name) => c.query(`DROP DATABASE IF EXISTS \`${name}\``));
}

/** A connection to the bench's database: `query(sql, params)` answers the rows (MariaDB) or the run result (SQLite). */
export async function sqlConnection(url) {
  if (isSqlite(url)) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(url.slice('sqlite:'.length));
    db.pragma('busy_timeout = 10000');
    return {
      query: async (q, p = []) => (/^\s*SELECT\b/i.test(q) ? db.prepare(q).all(p) : db.prepare(q).run(p)),
      close: async () => db.close(),
    };
  }
  const { createConnection } = await import('mysql2/promise');
  const c = await createConnection({ uri: url, timezone: 'Z' });
  return { query: async (q, p) => (await c.query(q, p))[0], close: () => c.end() };
}

/** The environment the API and the CLI run with: production mode, a random encryption key unless one is exported. */
export function serviceEnv(databaseUrl, port, logLevel) {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    LOG_LEVEL: logLevel,
    NODE_ENV: 'production',
    SECRETS_ENCRYPTION_KEY: process.env.SECRETS_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
  };
}

/** An organisation, its first admin and an admin API token, made by the CLI (`setup --json`): `{ adminToken, organizationId, … }`. */
export function setupOrganization(env, org, adminEmail) {
  const setup = spawnSync(process.execPath, [join(root, 'dist/apps/api/src/cli.js'), 'setup', '--org', org, '--admin-email', adminEmail, '--json'], {
    env,
    encoding: 'utf8',
  });
  if (setup.status !== 0) throw new Error(`setup failed (did you npm run build?): ${setup.stderr}`);
  return JSON.parse(setup.stdout);
}

/** The Node flags production starts the API with: those of package.json's `start` script (`node <flags> dist/…/main.js`). */
export function startFlags() {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const words = scripts.start.split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json's start script does not start with node: ${scripts.start}`);
  return words.slice(1).filter((w) => w.startsWith('--'));
}

/**
 * Starts `node <start flags> [nodeArgs] dist/apps/api/src/main.js` with `env` and waits for
 * /health: the flags of `npm start` first, so a bench measures what production runs (a flag in
 * nodeArgs overrides one of them). Its logs (stdout) go to /dev/null, as they would go to a
 * collector; stderr is the bench's. Answers `{ process, pid, base, nodeArgs, stop() }`.
 */
export async function startApi(env, nodeArgs = []) {
  // BENCH_API_STDOUT=<file> keeps it instead (e.g. with BENCH_NODE_ARGS=--trace-gc).
  const stdout = process.env.BENCH_API_STDOUT ? openSync(process.env.BENCH_API_STDOUT, 'a') : 'ignore';
  const args = [...startFlags(), ...nodeArgs];
  const api = spawn(process.execPath, [...args, join(root, 'dist/apps/api/src/main.js')], { env, stdio: ['ignore', stdout, 'inherit'] });
  const exited = new Promise((r) => api.once('exit', r));
  const base = `http://127.0.0.1:${env.PORT}`;
  const stop = async () => {
    if (api.exitCode === null && api.signalCode === null) api.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 150 || api.exitCode !== null) {
      await stop();
      throw new Error('API did not start');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { process: api, pid: api.pid, base, nodeArgs: args, stop };
}

/**
 * The usual start of a bench: a fresh database, one organisation, the API up. `BENCH_NODE_ARGS`
 * (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") passes flags to the API process.
 * Answers `{ api, env, adminToken, organizationId, call(method, path, token, body) }`.
 */
export async function startService({
  databaseUrl,
  org,
  adminEmail,
  logLevel = 'warn',
  nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
}) {
  await resetDatabase(databaseUrl);
  const env = serviceEnv(databaseUrl, await freePort(), logLevel);
  const { adminToken, organizationId } = setupOrganization(env, org, adminEmail);
  const api = await startApi(env, nodeArgs);
  return { api, env, adminToken, organizationId, call: caller(api.base) };
}

/** `call(method, path, token, body)`: the JSON answer (undefined on 204); throws on a status of 300 or more. */
export function caller(base) {
  return async (method, path, token, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
}

/** The key the service stores beside a userName or an email (what its unique keys are on). */
const key = (v) => createHash('sha256').update(v.normalize('NFC').trim().toLowerCase(), 'utf8').digest('hex');

/**
 * `count` people of one directory straight into the database, 1,000 per INSERT, named
 * `<prefix>.<i>@contoso.com` for i from `from`; ANALYZE TABLE afterwards on MariaDB. Answers their ids.
 */
export async function seedPeople(databaseUrl, { organizationId, directoryId, count, prefix = 'person', from = 0 }) {
  const stamp = isSqlite(databaseUrl) ? new Date().toISOString().replace('T', ' ').replace('Z', '') : new Date();
  const db = await sqlConnection(databaseUrl);
  const ids = [];
  try {
    for (let start = from; start < from + count; start += 1000) {
      const rows = [];
      for (let i = start; i < Math.min(from + count, start + 1000); i++) {
        const id = randomUUID();
        const userName = `${prefix}.${i}@contoso.com`;
        ids.push(id);
        rows.push([id, organizationId, userName, key(userName), userName, key(userName), 'uninvited', 0, directoryId, 1, 1, stamp, stamp]);
      }
      await db.query(
        `INSERT INTO users (id, organization_id, email, email_key, user_name, user_name_key, status, is_admin, directory_id, scim_visible, version, created_at, updated_at) VALUES ${rows.map(() => '(?,?,?,?,?,?,?,?,?,?,?,?,?)').join(',')}`,
        rows.flat(),
      );
    }
    if (!isSqlite(databaseUrl)) await db.query('ANALYZE TABLE users');
  } finally {
    await db.close();
  }
  return ids;
}

/** The resident set of a process now and at its peak (VmRSS, VmHWM of /proc/<pid>/status), in MB. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Percentile `p` (0–100) of an ascending list. */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
