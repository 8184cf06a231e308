import type { Response } from 'supertest';
import { DeprovisionSweeper } from '../apps/api/src/users/deprovision-sweeper.service';
import { testEngines } from './support/databases';
import { OutboxDispatcher } from '../apps/api/src/mail/outbox-dispatcher.service';
import { eventually, mailTo, nthMailTo, PASSWORD, tokenOf } from './support/people';
import { DirectoryHandle, OrgHandle, TestApp } from './support/app';
import { expectStatus, Json, patchOp, ScimClient, simpleUser, uniqueName } from './support/scim-client';
import { MailApp, startMailApp } from './support/mail-app';
import type { SmtpListener } from './support/smtp';

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const HELD_SUBJECT = /^Deprovisioning from .* is on hold/;

/**
 * Issue 11 §3, the mass-deprovisioning guard. A directory of 50 people with the defaults
 * (20 %, at least 10): 10 deprovisions are exactly 20 % and pass, the 11th trips. Every burst is
 * sent concurrently, in every shape Entra deprovisions with (PATCH `active` false as a path, a
 * path-less value, a string "False"; PUT with `active` false; DELETE), and the assertions are
 * exact counts and states, never times.
 */
describe.each(testEngines())('mass-deprovisioning guard on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;

  let mail: MailApp;

  beforeAll(async () => {
    mail = await startMailApp(engine);
    ({ smtp, h } = mail);
  });

  afterAll(async () => mail?.close());

  interface Person {
    id: string;
    userName: string;
  }

  /** An organisation and a directory with `guard` (null: the product defaults), and its admin's email. */
  async function setup(guard: Json | null): Promise<{ org: OrgHandle; dir: DirectoryHandle; scim: ScimClient; adminEmail: string }> {
    const org = await h.organization();
    const dir = await org.directory(undefined, guard);
    const adminEmail = (await org.user(org.adminUserId)).email;
    return { org, dir, scim: dir.scim(true), adminEmail };
  }

  async function people(scim: ScimClient, n: number, extra: Json = {}): Promise<Person[]> {
    const out: Person[] = [];
    for (let i = 0; i < n; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, n - i) }, async () => {
          const userName = uniqueName('p');
          return { id: (await scim.create(simpleUser(userName, extra))).id as string, userName };
        }),
      );
      out.push(...batch);
    }
    return out;
  }

  /** The i-th deprovision shape Entra sends. */
  function deprovision(scim: ScimClient, p: Person, i: number): Promise<Response> {
    switch (i % 5) {
      case 0:
        return scim.patch(`/Users/${p.id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
      case 1:
        return scim.patch(`/Users/${p.id}`, patchOp({ op: 'replace', value: { active: false } }));
      case 2:
        return scim.put(`/Users/${p.id}`, simpleUser(p.userName, { active: false }));
      case 3:
        return scim.delete(`/Users/${p.id}`);
      default:
        return scim.patch(`/Users/${p.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    }
  }

  /** Sends the deprovisions all at once; every answer is a success (never an error Entra would retry). */
  async function burst(scim: ScimClient, targets: Person[], offset = 0): Promise<Map<string, string>> {
    const answers = await Promise.all(targets.map((p, i) => deprovision(scim, p, i + offset)));
    answers.forEach((res) => expect([200, 204]).toContain(res.status));
    return new Map(targets.map((p, i) => [p.id, String(answers[i].headers['x-request-id'])]));
  }

  interface Row {
    id: string;
    archived_at: unknown;
    archive_reason: string | null;
    suspended_at: unknown;
    deprovision_state: string | null;
    scim_visible: number | boolean;
  }
  async function rows(dirId: string): Promise<Row[]> {
    return h.dataSource.query('SELECT id, archived_at, archive_reason, suspended_at, deprovision_state, scim_visible FROM users WHERE directory_id = ?', [
      dirId,
    ]);
  }
  async function counts(dirId: string): Promise<{ archived: number; held: number; pending: number; suspended: number }> {
    const all = await rows(dirId);
    return {
      archived: all.filter((r) => r.archived_at !== null).length,
      held: all.filter((r) => r.deprovision_state === 'held').length,
      pending: all.filter((r) => r.deprovision_state === 'pending').length,
      suspended: all.filter((r) => r.suspended_at !== null).length,
    };
  }
  const heldMails = async (dirId: string): Promise<number> => {
    const found: Array<{ n: number | string }> = await h.dataSource.query(
      "SELECT COUNT(*) AS n FROM email_outbox WHERE template = 'deprovisions-held' AND payload LIKE ?",
      [`%${dirId}%`],
    );
    return Number(found[0].n);
  };
  /** The trip emails about this directory that reached the admin (suites' organisations may share an admin address). */
  const alertsFor = (adminEmail: string, dirId: string) =>
    mailTo(smtp, adminEmail).filter((m) => HELD_SUBJECT.test(m.subject ?? '') && (m.text ?? '').includes(dirId));
  const firstAlert = async (adminEmail: string, dirId: string): Promise<string> => (await eventually(async () => alertsFor(adminEmail, dirId)[0])).text ?? '';
  const events = async (org: OrgHandle, dirId: string, query: Record<string, string>): Promise<Json[]> =>
    expectStatus(await org.get(`/api/v1/directories/${dirId}/events?${new URLSearchParams({ limit: '200', ...query }).toString()}`), 200).body.items;
  const guardOf = async (org: OrgHandle, dirId: string): Promise<Json> =>
    expectStatus(await org.get(`/api/v1/directories/${dirId}`), 200).body.deprovisionGuard;

  it('a new directory has the guard on with the documented defaults; PATCH changes it; bad settings are 400 and change nothing', async () => {
    const { org, dir } = await setup(null);
    expect(await guardOf(org, dir.id)).toEqual({
      enabled: true,
      percent: 20,
      minimum: 10,
      windowMinutes: 60,
      graceMinutes: 10,
      state: 'armed',
      trippedAt: null,
    });
    const changed = expectStatus(
      await h.send('patch', `/api/v1/directories/${dir.id}`, org.adminToken, { deprovisionGuard: { percent: 30, graceMinutes: 0 } }),
      200,
    );
    expect(changed.body.deprovisionGuard).toMatchObject({ enabled: true, percent: 30, minimum: 10, graceMinutes: 0 });
    for (const bad of [{ percent: 0 }, { percent: 101 }, { minimum: 0 }, { graceMinutes: -1 }, { windowMinutes: 'x' }, { enabled: 'yes' }]) {
      const res = await h.send('patch', `/api/v1/directories/${dir.id}`, org.adminToken, { deprovisionGuard: bad });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect(await guardOf(org, dir.id)).toMatchObject({ percent: 30, graceMinutes: 0 });
    expect((await h.send('get', `/api/v1/directories/00000000-0000-4000-8000-000000000000/held-deprovisions`, org.adminToken)).status).toBe(404);
    expect((await h.send('post', `/api/v1/directories/${dir.id}/held-deprovisions/approve`, org.adminToken, { userIds: 'all' })).status).toBe(400);
  });

  it('without grace: of 25 concurrent deprovisions in a directory of 50, exactly 10 (20 %) are archived and 15 held; one email', async () => {
    const { org, dir, scim, adminEmail } = await setup({ graceMinutes: 0 });
    const all = await people(scim, 50);
    const requests = await burst(scim, all.slice(0, 25));

    expect(await counts(dir.id)).toEqual({ archived: 10, held: 15, pending: 0, suspended: 15 });
    expect(await guardOf(org, dir.id)).toMatchObject({ state: 'tripped', trippedAt: expect.any(String) });
    const held = expectStatus(await org.get(`/api/v1/directories/${dir.id}/held-deprovisions?limit=200`), 200).body;
    expect(held.total).toBe(15);
    for (const item of held.items) {
      expect(item).toMatchObject({ userId: expect.any(String), userName: expect.any(String), requestedAt: expect.any(String) });
      expect(item.requestId).toBe(requests.get(item.userId));
    }
    // Keyset pages (`?cursor=`) walk the same 15 people, 4 at a time, each once.
    const walked: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = expectStatus(await org.get(`/api/v1/directories/${dir.id}/held-deprovisions?limit=4&cursor=${cursor}`), 200).body;
      expect(page.items.length).toBeLessThanOrEqual(4);
      walked.push(...page.items.map((i: Json) => i.userId as string));
      cursor = page.nextCursor as string | null;
    }
    expect(walked.sort()).toEqual(held.items.map((i: Json) => i.userId as string).sort());
    // The log: 10 successes and 15 held, one event per request.
    expect((await events(org, dir.id, { outcome: 'held' })).length).toBe(15);
    expect(await heldMails(dir.id)).toBe(1);
    expect(await firstAlert(adminEmail, dir.id)).toContain('1 people are held');

    // The rest of the directory is untouched, and the 26th deprovision is held too; still one email.
    expectStatus(await deprovision(scim, all[25], 0), 204);
    expect(await counts(dir.id)).toEqual({ archived: 10, held: 16, pending: 0, suspended: 16 });
    expect(await heldMails(dir.id)).toBe(1);
  });

  it('with grace (the default): the whole burst is held, including the 10 that came before the trip; access is cut, nothing else changes', async () => {
    const { org, dir, scim, adminEmail } = await setup(null);
    const group = expectStatus(await scim.post('/Groups', { schemas: [CORE_GROUP], displayName: uniqueName('Everyone') }), 201).body;
    const all = await people(scim, 50, { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Finance' } });
    expectStatus(await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'Add', path: 'members', value: all.slice(0, 25).map((p) => ({ value: p.id })) })), 204);

    // One of the first ten has joined and signed in: a pending deprovision signs them out at once.
    const joined = all[0];
    expectStatus(await h.send('post', `/api/v1/users/${joined.id}/invitation`, org.adminToken), 201);
    const invite = await nthMailTo(smtp, joined.userName, 1);
    expectStatus(await h.send('post', '/api/v1/invitations/accept', '', { token: tokenOf(invite), password: PASSWORD }), 200);
    const login = () => h.send('post', '/api/v1/auth/login', '', { email: joined.userName, password: PASSWORD });
    const session = expectStatus(await login(), 200).body.token;
    h.secrets.add(session);

    await burst(scim, all.slice(0, 10));
    expect(await counts(dir.id)).toEqual({ archived: 0, held: 0, pending: 10, suspended: 10 });
    expect((await h.send('get', '/api/v1/me', session)).status).toBe(401);
    expect((await login()).status).toBe(401);
    const pendingPerson = await org.user(joined.id);
    expect(pendingPerson).toMatchObject({ status: 'active', archivedAt: null, suspendedAt: expect.any(String) });
    expect((await scim.user(joined.id)).active).toBe(false);
    expect(await guardOf(org, dir.id)).toMatchObject({ state: 'armed' });

    await burst(scim, all.slice(10, 25), 10);
    expect(await counts(dir.id)).toEqual({ archived: 0, held: 25, pending: 0, suspended: 25 });
    // Each held person has a held event: the 15 requests from the trip on, and the 10 caught while pending.
    const heldEvents = await events(org, dir.id, { outcome: 'held' });
    expect(new Set(heldEvents.map((e) => e.resourceId))).toEqual(new Set(all.slice(0, 25).map((p) => p.id)));
    expect(heldEvents).toHaveLength(25);
    // Memberships and org links stay; the SCIM view shows what Entra asked (inactive, DELETEd ones gone).
    const [{ n: members }] = await h.dataSource.query('SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?', [group.id]);
    expect(Number(members)).toBe(25);
    expect((await org.user(all[1].id)).department).toMatchObject({ name: 'Finance' });
    expect((await scim.get(`/Users/${all[3].id}`)).status).toBe(404);
    expect((await scim.user(all[4].id)).active).toBe(false);
    expect((await scim.list('active eq false')).totalResults).toBe(20);
    // One email, naming the directory, the 11 held at the trip, and the review link.
    expect(await heldMails(dir.id)).toBe(1);
    const alert = await firstAlert(adminEmail, dir.id);
    expect(alert).toContain('11 people are held');
    expect(alert).toContain(`/api/v1/directories/${dir.id}/held-deprovisions`);

    // Creates and updates keep flowing while tripped.
    const newcomer = await scim.create(simpleUser(uniqueName('newcomer')));
    await scim.patchUser(all[30].id, { op: 'replace', path: 'title', value: 'Analyst' });
    expect((await org.user(all[30].id)).title).toBe('Analyst');
    expect((await org.user(newcomer.id)).status).toBe('uninvited');

    // A re-enable releases that hold: access comes back (a fresh sign-in; the old session stays dead).
    await scim.patchUser(joined.id, { op: 'replace', path: 'active', value: 'True' });
    expect(await org.user(joined.id)).toMatchObject({ status: 'active', archivedAt: null, suspendedAt: null });
    expect((await h.send('get', '/api/v1/me', session)).status).toBe(401);
    expect((await login()).status).toBe(200);
    expect(expectStatus(await org.get(`/api/v1/directories/${dir.id}/held-deprovisions?limit=200`), 200).body.total).toBe(24);

    // Reject two: access back, not archived, links kept; Entra still sees them inactive, and its later active true is a no-op.
    const [kept1, kept2] = [all[1], all[2]];
    const rejected = expectStatus(
      await h.send('post', `/api/v1/directories/${dir.id}/held-deprovisions/reject`, org.adminToken, { userIds: [kept1.id, kept2.id] }),
      200,
    ).body;
    expect(rejected).toEqual({ decision: 'reject', userIds: [kept1.id, kept2.id].sort(), count: 2 });
    expect(await org.user(kept1.id)).toMatchObject({ status: 'uninvited', archivedAt: null, suspendedAt: null, department: { name: 'Finance' } });
    expect((await scim.user(kept1.id)).active).toBe(false);
    const before = await org.user(kept2.id);
    await scim.patchUser(kept2.id, { op: 'replace', path: 'active', value: true });
    expect((await scim.user(kept2.id)).active).toBe(true);
    expect(await org.user(kept2.id)).toMatchObject({ status: before.status, archivedAt: null, suspendedAt: null, department: before.department });
    expect(await guardOf(org, dir.id)).toMatchObject({ state: 'armed', trippedAt: null });

    // Approve the rest (empty body: all): archived exactly as an unguarded request would have.
    const approved = expectStatus(await h.send('post', `/api/v1/directories/${dir.id}/held-deprovisions/approve`, org.adminToken), 200).body;
    expect(approved.count).toBe(22);
    expect(await counts(dir.id)).toEqual({ archived: 22, held: 0, pending: 0, suspended: 0 });
    const byId = new Map((await rows(dir.id)).map((r) => [r.id, r]));
    all.slice(0, 25).forEach((p, i) => {
      if ([joined.id, kept1.id, kept2.id].includes(p.id)) return;
      const r = byId.get(p.id) as Row;
      // Shapes 2 (PUT) and 0/1/4 (PATCH) deactivate; 3 deletes (hidden from SCIM).
      expect({ reason: r.archive_reason, visible: Boolean(Number(r.scim_visible)) }).toEqual(
        i % 5 === 3 ? { reason: 'deleted', visible: false } : { reason: 'deactivated', visible: true },
      );
    });
    expect((await org.user(all[4].id)).status).toBe('archived');
    expect(Number((await h.dataSource.query('SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?', [group.id]))[0].n)).toBe(25);
    const approvals = (await events(org, dir.id, { outcome: 'success' })).filter((e) => e.route === '/api/v1/directories/:id/held-deprovisions/approve');
    expect(approvals).toHaveLength(22);
    expect(expectStatus(await org.get(`/api/v1/directories/${dir.id}/held-deprovisions`), 200).body.total).toBe(0);

    // Re-armed with a fresh window: the next deactivation is pending again, not held, and no new email.
    await burst(scim, [all[40]]);
    expect(await counts(dir.id)).toMatchObject({ pending: 1, held: 0 });
    expect(await heldMails(dir.id)).toBe(1);
    await h.app.get(OutboxDispatcher).drain();
    expect(alertsFor(adminEmail, dir.id)).toHaveLength(1);
  });

  it('the sweeper archives pending people once their grace is over, exactly once across concurrent sweeps, and not before', async () => {
    const { org, dir, scim } = await setup(null);
    const all = await people(scim, 30);
    await burst(scim, all.slice(0, 3), 2); // PUT, DELETE, PATCH
    await scim.patchUser(all[2].id, { op: 'replace', path: 'active', value: true }); // re-enabled during the grace: never archived
    const sweeper = h.app.get(DeprovisionSweeper);

    expect(await sweeper.sweep(new Date())).toBe(0);
    expect(await counts(dir.id)).toEqual({ archived: 0, held: 0, pending: 2, suspended: 2 });

    // The sweeper serves every directory: earlier tests left pending people too; each is archived exactly once.
    const [{ n: due }] = await h.dataSource.query("SELECT COUNT(*) AS n FROM users WHERE deprovision_state = 'pending'");
    expect(Number(due)).toBeGreaterThanOrEqual(2);
    const later = new Date(Date.now() + 11 * 60_000);
    const swept = await Promise.all([sweeper.sweep(later), sweeper.sweep(later), sweeper.sweep(later)]);
    expect(swept.reduce((a, b) => a + b, 0)).toBe(Number(due));
    expect(await counts(dir.id)).toEqual({ archived: 2, held: 0, pending: 0, suspended: 0 });
    expect((await org.user(all[0].id)).status).toBe('archived');
    expect((await org.user(all[2].id)).archivedAt).toBeNull();
    expect((await scim.user(all[2].id)).active).toBe(true);
    expect((await scim.get(`/Users/${all[1].id}`)).status).toBe(404);
  });

  it('a guard turned off archives at once, as before the guard', async () => {
    const { dir, scim } = await setup({ enabled: false });
    const all = await people(scim, 20);
    await burst(scim, all.slice(0, 15));
    expect(await counts(dir.id)).toEqual({ archived: 15, held: 0, pending: 0, suspended: 0 });
    expect(await heldMails(dir.id)).toBe(0);
  });

  it('never answers a 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});
