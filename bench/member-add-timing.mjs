// Member Add PATCH latency, one request at a time, on SQLite and MariaDB (issue 13 §3).
//   npm run build && node bench/member-add-timing.mjs
// Starts the built API on a fresh SQLite file and a fresh MariaDB database (its name must
// contain "test"; BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306/member_add_test), creates
// BENCH_GROUPS groups and 25 users per group, then times each group's PATCH adding its 25 members
// (Entra's batch), CONCURRENCY at a time (default 1), and prints the median and p95 in ms and
// the PATCHes per second per engine.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from './lib/service.mjs';

const GROUPS = Number(process.env.BENCH_GROUPS ?? 40);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 1);
const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/member_add_test';
const SQLITE_PATH = join(tmpdir(), `member-add-${process.pid}.sqlite`);
const engines = (process.env.ENGINES ?? 'sqlite,mysql').split(',');

async function run(url) {
  const { api, adminToken, call } = await startService({ databaseUrl: url, org: 'Timing', adminEmail: 'timing@contoso.com' });
  try {
    const dir = await call('POST', '/api/v1/directories', adminToken, { name: 'Timing' });
    const prepared = [];
    for (let g = 0; g < GROUPS; g++) {
      const ids = [];
      for (let u = 0; u < 25; u++) {
        const userName = `u${g}-${u}@contoso.com`;
        ids.push(
          (
            await call('POST', '/scim/v2/Users', dir.token, {
              schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
              userName,
              active: true,
              emails: [{ type: 'work', primary: true, value: userName }],
            })
          ).id,
        );
      }
      const group = await call('POST', '/scim/v2/Groups', dir.token, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Group ${g}` });
      prepared.push({ group, ids });
    }
    // A quiet second on either side of the PATCHes marks them out in a CPU profile (BENCH_NODE_ARGS=--cpu-prof).
    await new Promise((r) => setTimeout(r, 1000));
    const times = [];
    let next = 0;
    const startedAll = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < prepared.length) {
          const { group, ids } = prepared[next++];
          const started = process.hrtime.bigint();
          await call('PATCH', `/scim/v2/Groups/${group.id}`, dir.token, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }],
          });
          times.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
    const perSecond = prepared.length / (Number(process.hrtime.bigint() - startedAll) / 1e9);
    await new Promise((r) => setTimeout(r, 1000));
    // The first few warm the process up.
    const measured = times.slice(5).sort((a, b) => a - b);
    const at = (q) => measured[Math.min(measured.length - 1, Math.floor(q * measured.length))];
    return { median: at(0.5), p95: at(0.95), n: measured.length, perSecond };
  } finally {
    await api.stop();
  }
}

for (const engine of engines) {
  const url = engine === 'sqlite' ? `sqlite:${SQLITE_PATH}` : MYSQL_URL;
  const r = await run(url);
  process.stdout.write(
    `${engine}: member Add of 25 at concurrency ${CONCURRENCY}: median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, ${r.perSecond.toFixed(0)} PATCHes/s (${r.n} measured)\n`,
  );
  if (engine === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(SQLITE_PATH + suffix, { force: true });
}
