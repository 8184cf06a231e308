// Page 2,000 against page 1 at 100,000 people (issue 13 §5), through the API.
//   npm run build && node bench/paging-depth.mjs
// Starts the built API on a fresh database (BENCH_DATABASE_URL, default
// mysql://root@127.0.0.1:3306/paging_depth_test; its name must contain "test"; sqlite:/path works
// too), seeds BENCH_PEOPLE (100,000) people of one directory straight in SQL, then walks the
// admin API's keyset pages (`/api/v1/users?cursor=`) and SCIM's cursor pages (`/Users?cursor=`)
// of 50 from the first page to page 2,000, then times page 1 and page 2,000 alternately (20 each;
// numbered pages, `page=` and `startIndex=`, for contrast). Prints the medians in ms.
import { percentile, seedPeople, startService } from './lib/service.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/paging_depth_test';
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const PAGE = 50;
const DEPTH = Math.min(2000, Math.floor(PEOPLE / PAGE));

const median = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

async function main() {
  const { api, adminToken, organizationId, call } = await startService({ databaseUrl: DATABASE_URL, org: 'Depth', adminEmail: 'depth@contoso.com' });
  const get = async (path, token) => {
    const started = process.hrtime.bigint();
    const res = await fetch(api.base + path, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
    return { body, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };
  try {
    const dir = await call('POST', '/api/v1/directories', adminToken, { name: 'Depth' });
    const seedStarted = Date.now();
    await seedPeople(DATABASE_URL, { organizationId, directoryId: dir.id, count: PEOPLE });
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
    await api.stop();
  }
}

await main();
