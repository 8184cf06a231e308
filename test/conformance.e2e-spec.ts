import newman, { NewmanRunSummary } from 'newman';
import { testEngines } from './support/databases';
import { startTestApp, TestApp } from './support/app';
import { bearer } from './support/scim-client';
import { COLLECTION, EXPECTED_FAILURES, FOLDERS } from './support/conformance';

function run(port: number, token: string): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) =>
    newman.run(
      {
        collection: COLLECTION,
        folder: FOLDERS,
        envVar: [
          { key: 'Protocol', value: 'http' },
          { key: 'Server', value: '127.0.0.1' },
          { key: 'Port', value: `:${port}` },
          { key: 'Api', value: 'scim/v2' },
          { key: 'token', value: token },
        ],
        reporters: [],
        timeoutRequest: 30_000,
      },
      (err, summary) => (err ? reject(err) : resolve(summary)),
    ),
  );
}

/** Microsoft's SCIM test collection (vendored under test/conformance), run by newman against the real app. */
describe.each(testEngines())("Microsoft's SCIM collection on %s", (engine) => {
  let t: TestApp;
  let summary: NewmanRunSummary;

  beforeAll(async () => {
    t = await startTestApp(engine);
    const { adminToken } = await t.setupOrganization('Conformance');
    // A fresh directory: the collection assumes an empty tenant (it asserts exact totals).
    const dir = await t.http.post('/api/v1/directories').set(bearer(adminToken)).send({ name: 'Conformance' }).expect(201);
    // No grace period, as in the other suites: the collection deletes users and re-creates their
    // email addresses within seconds, which a pending (not yet archived) person would still hold.
    await t.http
      .patch(`/api/v1/directories/${dir.body.id}`)
      .set(bearer(adminToken))
      .send({ deprovisionGuard: { graceMinutes: 0 } })
      .expect(200);
    summary = await run(t.port, dir.body.token);
  }, 180_000);

  afterAll(async () => t?.close());

  it('runs every request of the folders', () => {
    expect(summary.run.stats.requests.failed).toBe(0);
    expect(summary.run.stats.requests.total).toBeGreaterThanOrEqual(76);
    expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(103);
  });

  it('fails exactly the documented assertions', () => {
    const failed = summary.run.failures.map((f) => {
      const path = [f.parent?.name, f.source?.name].filter(Boolean).join(' / ');
      return `${path} :: ${f.error?.test ?? f.error?.message}`;
    });
    const expected = EXPECTED_FAILURES.map((e) => `${e.request} :: ${e.assertion}`);
    expect(failed.sort()).toEqual(expected.sort());
  });

  it('never got a 5xx answer', () => {
    const statuses = summary.run.executions.map((e) => (e.response as { code?: number } | undefined)?.code ?? 0);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 0)).toEqual([]);
  });
});
