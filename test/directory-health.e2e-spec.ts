import { DataSource } from 'typeorm';
import { Directory } from '../apps/api/src/directories/directory.entity';
import { ProvisioningEvent } from '../apps/api/src/provisioning-log/provisioning-event.entity';
import { testEngines } from './support/databases';
import { DirectoryHandle, OrgHandle, TestApp } from './support/app';
import { expectStatus, Json, ScimClient, simpleUser, uniqueName } from './support/scim-client';
import { MailOrg, startMailOrg } from './support/mail-app';
import type { SmtpListener } from './support/smtp';

/**
 * Issue 11 §2 and §4: a directory's health state through its transitions (never-connected,
 * healthy, degraded, failing, idle), its counts, top errors, expiring tokens and initial-cycle
 * progress; the admins' email once per transition to failing.
 */
describe.each(testEngines())('directory health on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;
  let org: OrgHandle;
  let dir: DirectoryHandle;
  let scim: ScimClient;

  let mail: MailOrg;

  beforeAll(async () => {
    mail = await startMailOrg(engine);
    ({ smtp, h, org, dir, scim } = mail);
  });

  afterAll(async () => mail?.close());

  const health = async (d: DirectoryHandle = dir): Promise<Json> => expectStatus(await org.get(`/api/v1/directories/${d.id}/health`), 200).body;
  const listed = async (d: DirectoryHandle = dir): Promise<string> => {
    const res = expectStatus(await org.get('/api/v1/directories?limit=200'), 200);
    return res.body.items.find((x: Json) => x.id === d.id).state;
  };
  const failingMails = async (d: DirectoryHandle = dir): Promise<Json[]> =>
    h.dataSource.query(`SELECT recipient, payload FROM email_outbox WHERE template = 'directory-failing' AND payload LIKE ?`, [`%${d.id}%`]);
  const conflict = async (userName: string): Promise<void> => {
    expectStatus(await scim.post('/Users', simpleUser(userName)), 409);
  };

  it('is never-connected before the first request, in the list and on the directory', async () => {
    expect(await health()).toMatchObject({
      state: 'never-connected',
      lastRequestAt: null,
      lastSuccessAt: null,
      lastFailureAt: null,
      topErrors: [],
      initialCycle: null,
    });
    expect(await listed()).toBe('never-connected');
    expect(expectStatus(await org.get(`/api/v1/directories/${dir.id}`), 200).body.state).toBe('never-connected');
  });

  let taken: string;
  it('is healthy after a successful write', async () => {
    taken = uniqueName('first');
    await scim.create(simpleUser(taken));
    const body = await health();
    expect(body).toMatchObject({ state: 'healthy', lastSuccessAt: expect.any(String), lastFailureAt: null });
    expect(body.lastHour).toMatchObject({ requests: 1, failures: 0, successes: 1, byStatus: { '201': 1 } });
    expect(body.lastDay).toMatchObject({ requests: 1, byStatus: { '201': 1 } });
    expect(await listed()).toBe('healthy');
  });

  it('is degraded after one failure, with the top error and a sample message', async () => {
    await conflict(taken);
    const body = await health();
    expect(body.state).toBe('degraded');
    expect(body.lastFailureAt).toEqual(expect.any(String));
    expect(body.topErrors).toEqual([{ code: 'USER_NAME_TAKEN', count: 1, sampleMessage: expect.stringContaining('already in use') }]);
    expect(await failingMails()).toEqual([]);
  });

  it('turns failing at 3 failures that outnumber the successes, emailing the admins once', async () => {
    await conflict(taken);
    expect((await health()).state).toBe('degraded'); // 2 failures: not yet
    await conflict(taken);
    const body = await health();
    expect(body.state).toBe('failing');
    expect(body.lastHour).toMatchObject({ failures: 3, successes: 1, byStatus: { '201': 1, '409': 3 } });
    expect(await listed()).toBe('failing');
    const mails = await failingMails();
    expect(mails.map((m) => m.recipient)).toEqual([expect.stringMatching(/^admin\d+@example\.test$/)]);
    expect(JSON.parse(mails[0].payload)).toMatchObject({ topErrorCode: 'USER_NAME_TAKEN', failuresLastHour: 3 });
    const delivered = await smtp.waitForMessages(1);
    expect(delivered.some((m) => /is failing/.test(m.subject ?? ''))).toBe(true);
    // Still failing: no second email.
    await conflict(taken);
    expect((await health()).state).toBe('failing');
    expect(await failingMails()).toHaveLength(1);
  });

  it('recovers to degraded when writes succeed again, and a new transition to failing emails again', async () => {
    for (let i = 0; i < 4; i++) await scim.create(simpleUser(uniqueName('ok')));
    expect((await health()).state).toBe('degraded'); // 4 failures, 5 successes, the latest a success
    await conflict(taken);
    await conflict(taken);
    expect((await health()).state).toBe('failing'); // 6 failures ≥ 5 successes, the latest a failure
    expect(await failingMails()).toHaveLength(2);
  });

  it('shows the initial cycle while creates keep arriving, then idle after a day of silence', async () => {
    const body = await health();
    expect(body.initialCycle).toMatchObject({ since: expect.any(String), peopleCreated: 5, groupsCreated: 0, perMinute: expect.any(Number) });
    // A day passes without a request (the rows are moved back in time; nothing else changes).
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    await h.dataSource.getRepository(ProvisioningEvent).update({ directoryId: dir.id }, { at: dayAgo });
    await h.dataSource.getRepository(Directory).update({ id: dir.id }, { lastActivityAt: dayAgo });
    const idle = await health();
    expect(idle).toMatchObject({ state: 'idle', initialCycle: null, lastRequestAt: dayAgo.toISOString() });
    expect(idle.lastHour).toMatchObject({ requests: 0 });
    expect(idle.lastDay).toMatchObject({ requests: 0 });
    expect(await listed()).toBe('idle');
  });

  it('lists the tokens that expire within 14 days, and not the others', async () => {
    const soon = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
    for (const [name, expiresAt] of [
      ['Expires soon', soon],
      ['Expires later', later],
    ]) {
      const res = expectStatus(await h.send('post', `/api/v1/directories/${dir.id}/tokens`, org.adminToken, { name, expiresAt }), 201);
      h.secrets.add(res.body.token);
    }
    expect((await health()).expiringTokens).toEqual([{ id: expect.any(String), name: 'Expires soon', expiresAt: soon }]);
  });

  it('turns failing when the token stops working (401s of a revoked token)', async () => {
    const other = await org.directory();
    await other.scim().create(simpleUser(uniqueName('before')));
    expect((await health(other)).state).toBe('healthy');
    const [token] = expectStatus(await org.get(`/api/v1/directories/${other.id}/tokens`), 200).body.items;
    expectStatus(await h.send('delete', `/api/v1/directories/${other.id}/tokens/${token.id}`, org.adminToken), 204);
    for (let i = 0; i < 3; i++) expect((await other.scim().post('/Users', simpleUser(uniqueName('after')))).status).toBe(401);
    const body = await health(other);
    expect(body.state).toBe('failing');
    expect(body.topErrors[0]).toMatchObject({ code: 'UNAUTHENTICATED', count: 3 });
    expect(await failingMails(other)).toHaveLength(1);
  });

  it('emails the admins who may hold access: not one who is suspended (a deprovisioning pending or held), nor one archived', async () => {
    const other = await h.organization();
    const d = await other.directory();
    const admin = async (email: string): Promise<string> =>
      expectStatus(await h.send('post', '/api/v1/users', other.adminToken, { email, isAdmin: true }), 201).body.id as string;
    await admin('deputy.health@example.test');
    const suspended = await admin('leaving.health@example.test');
    const archived = await admin('gone.health@example.test');
    // What the mass-deprovisioning guard sets on someone whose removal is pending or held.
    await h.dataSource.query('UPDATE users SET suspended_at = created_at WHERE id = ?', [suspended]);
    expectStatus(await h.send('post', `/api/v1/users/${archived}/archive`, other.adminToken), 200);
    const name = uniqueName('twice');
    await d.scim().create(simpleUser(name));
    for (let i = 0; i < 3; i++) expectStatus(await d.scim().post('/Users', simpleUser(name)), 409);
    expect(expectStatus(await h.send('get', `/api/v1/directories/${d.id}/health`, other.adminToken), 200).body.state).toBe('failing');
    const recipients = (await failingMails(d)).map((m) => m.recipient as string);
    expect(recipients).toHaveLength(2);
    expect(recipients).toEqual(expect.arrayContaining(['deputy.health@example.test', expect.stringMatching(/^admin\d+@example\.test$/)]));
  });

  it('answers no 5xx and stores no token', async () => {
    expect(h.serverErrors()).toEqual([]);
    const dump = JSON.stringify(await h.app.get(DataSource).query('SELECT * FROM provisioning_events'));
    for (const secret of h.secrets) expect(dump).not.toContain(secret);
  });
});
