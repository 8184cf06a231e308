// Page 2,000 against page 1 at 100,000 people (issue 13 §5), through the API.
//   npm run build && node bench/paging-depth.mjs
// Starts the built API on a fresh database (BENCH_DATABASE_URL, default
// mysql://root@127.0.0.1:3306/paging_depth_test; its name must contain "test"; sqlite:/path works
// too), seeds BENCH_PEOPLE (100,000) people of one directory straight in SQL, then walks the
// admin API's keyset pages (`/api/v1/users?cursor=`) and SCIM's cursor pages (`/Users?cursor=`)
// of 50 from the first page to page 2,000, then times page 1 and page 2,000 alternately (20 each;
// numbered pages, `page=` and `startIndex=`, for contrast). Prints the medians in ms.
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/paging_depth_test';
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const PAGE = 50;
const DEPTH = Math.min(2000, Math.floor(PEOPLE / PAGE));
const sqlite = DATABASE_URL.startsWith('sqlite:');

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function sql() {
  if (sqlite) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(DATABASE_URL.slice('sqlite:'.length));
    db.pragma('busy_timeout = 10000');
    return { run: async (q, p) => db.prepare(q).run(p), close: async () => db.close() };
  }
  const { createConnection } = await import('mysql2/promise');
  const c = await createConnection({ uri: DATABASE_URL, timezone: 'Z' });
  return { run: (q, p) => c.query(q, p), close: () => c.end() };
}

async function reset() {
  if (sqlite) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(DATABASE_URL.slice('sqlite:'.length) + suffix, { force: true });
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

/** People straight into the database, as bench/entra-cycle.mjs seeds its big group. */
async function seed(organizationId, directoryId) {
  const stamp = sqlite ? new Date().toISOString().replace('T', ' ').replace('Z', '') : new Date();
  const key = (v) => createHash('sha256').update(v.normalize('NFC').trim().toLowerCase(), 'utf8').digest('hex');
  const db = await sql();
  try {
    for (let from = 0; from < PEOPLE; from += 1000) {
      const rows = [];
      for (let i = from; i < Math.min(PEOPLE, from + 1000); i++) {
        const userName = `person.${i}@contoso.com`;
        rows.push([randomUUID(), organizationId, userName, key(userName), userName, key(userName), 'uninvited', 0, directoryId, 1, 1, stamp, stamp]);
      }
      await db.run(
        `INSERT INTO users (id, organization_id, email, email_key, user_name, user_name_key, status, is_admin, directory_id, scim_visible, version, created_at, updated_at) VALUES ${rows.map(() => '(?,?,?,?,?,?,?,?,?,?,?,?,?)').join(',')}`,
        rows.flat(),
      );
    }
    if (!sqlite) await db.run('ANALYZE TABLE users');
  } finally {
    await db.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  await reset();
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    SECRETS_ENCRYPTION_KEY: process.env.SECRETS_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
  };
  const setup = spawnSync(
    process.execPath,
    [join(root, 'dist/apps/api/src/cli.js'), 'setup', '--org', 'Depth', '--admin-email', 'depth@contoso.com', '--json'],
    { env, encoding: 'utf8' },
  );
  if (setup.status !== 0) throw new Error(`setup failed (did you npm run build?): ${setup.stderr}`);
  const { adminToken, organizationId } = JSON.parse(setup.stdout);
  const api = spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const get = async (path, token) => {
    const started = process.hrtime.bigint();
    const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
    return { body, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };
  try {
    for (
      let i = 0;
      !(await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    ) {
      if (i > 150) throw new Error('API did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const dir = await (
      await fetch(`${base}/api/v1/directories`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Depth' }),
      })
    ).json();
    const seedStarted = Date.now();
    await seed(organizationId, dir.id);
    process.stdout.write(`seeded ${PEOPLE.toLocaleString('en')} people in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s\n`);

    // Walk to page DEPTH (every page really read, as a client would), then time page 1 and page
    // DEPTH alternately, 20 times each, so any drift of the host hits both alike.
    const deepCursor = async (first, next, token) => {
      let page = await get(first, token);
      for (let n = 1; n < DEPTH - 1; n++) page = await get(next(page.body.nextCursor), token);
      return page.body.nextCursor;
    };
    const alternate = async (firstPath, deepPath, token) => {
      const first = [];
      const deep = [];
      for (let i = 0; i < 20; i++) {
        first.push((await get(firstPath, token)).ms);
        deep.push((await get(deepPath, token)).ms);
      }
      return { first: median(first), last: median(deep) };
    };
    const adminCursor = await deepCursor(`/api/v1/users?cursor=&limit=${PAGE}`, (c) => `/api/v1/users?limit=${PAGE}&cursor=${c}`, adminToken);
    const scimCursor = await deepCursor(`/scim/v2/Users?cursor=&count=${PAGE}`, (c) => `/scim/v2/Users?count=${PAGE}&cursor=${c}`, dir.token);
    const results = {
      people: PEOPLE,
      pageSize: PAGE,
      depth: DEPTH,
      adminKeyset: await alternate(`/api/v1/users?cursor=&limit=${PAGE}`, `/api/v1/users?limit=${PAGE}&cursor=${adminCursor}`, adminToken),
      scimCursor: await alternate(`/scim/v2/Users?cursor=&count=${PAGE}`, `/scim/v2/Users?count=${PAGE}&cursor=${scimCursor}`, dir.token),
      adminNumbered: await alternate(`/api/v1/users?page=1&limit=${PAGE}`, `/api/v1/users?page=${DEPTH}&limit=${PAGE}`, adminToken),
      scimIndex: await alternate(`/scim/v2/Users?startIndex=1&count=${PAGE}`, `/scim/v2/Users?startIndex=${(DEPTH - 1) * PAGE + 1}&count=${PAGE}`, dir.token),
    };
    for (const [name, r] of Object.entries(results)) {
      if (typeof r === 'object')
        process.stdout.write(
          `${name.padEnd(14)} page 1 ${r.first.toFixed(1).padStart(7)} ms   page ${DEPTH} ${r.last.toFixed(1).padStart(7)} ms   ratio ${(r.last / r.first).toFixed(2)}\n`,
        );
    }
    process.stdout.write(`${JSON.stringify({ engine: DATABASE_URL.split(':')[0], date: new Date().toISOString(), ...results })}\n`);
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
  }
}

await main();
