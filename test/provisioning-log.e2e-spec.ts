import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { ProvisioningLog } from '../apps/api/src/provisioning-log/provisioning-log.service';
import { ProvisioningEvent } from '../apps/api/src/provisioning-log/provisioning-event.entity';
import { testEngines } from './support/databases';
import { dumpDatabase } from './support/dump';
import { DirectoryHandle, OrgHandle, startTestApp, TestApp } from './support/app';
import { expectStatus, Json, patchOp, ScimClient, simpleUser, uniqueName } from './support/scim-client';

/**
 * Issue 11 §1: one event per SCIM request that writes or fails (lookups only when they fail),
 * with the operation named, the changed attributes by name only, no body, value or token text;
 * filters, keyset paging, CSV export, one person's history, retention.
 */
describe.each(testEngines())('provisioning log on %s', (engine) => {
  let h: TestApp;
  let org: OrgHandle;
  let dir: DirectoryHandle;
  let scim: ScimClient;

  // Values sent in bodies only (never in a URL): none may reach the log table or the app's logs.
  const SECRET_VALUES = ['Zebulon-Quillfeather', 'Chief Widget Officer', '+44 20 7946 0958', 'private.mailbox.7731@elsewhere.test', 'Nowhere Lane 42'];

  beforeAll(async () => {
    h = await startTestApp(engine);
    org = await h.organization();
    dir = await org.directory();
    scim = dir.scim();
  });

  afterAll(async () => {
    await h?.close();
  });

  const events = async (query: Record<string, string> = {}, directoryId = dir.id): Promise<Json[]> => {
    const res = expectStatus(await org.get(`/api/v1/directories/${directoryId}/events?${new URLSearchParams({ limit: '200', ...query }).toString()}`), 200);
    return res.body.items;
  };
  const byRequest = async (res: Response): Promise<Json[]> => (await events()).filter((e) => e.requestId === res.headers['x-request-id']);
  /** The one event of this answer (fails if there are none or several). */
  const eventOf = async (res: Response): Promise<Json> => {
    const found = await byRequest(res);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('logs a create once with who, what, when and the changed attribute names; a successful lookup is not logged', async () => {
    const userName = uniqueName('ada');
    const lookup = expectStatus(await scim.filter(`userName eq "${userName}"`), 200);
    const res = expectStatus(
      await scim.post(
        '/Users',
        simpleUser(userName, { name: { givenName: SECRET_VALUES[0] }, title: SECRET_VALUES[1], phoneNumbers: [{ type: 'work', value: SECRET_VALUES[2] }] }),
      ),
      201,
    );
    expect(await byRequest(lookup)).toEqual([]);
    const e = await eventOf(res);
    expect(e).toMatchObject({
      directoryId: dir.id,
      tokenName: 'Default token',
      tokenId: expect.any(String),
      method: 'POST',
      route: '/scim/v2/Users',
      resourceType: 'User',
      resourceId: res.body.id,
      userName,
      operation: 'create',
      outcome: 'success',
      status: 201,
      scimType: null,
      errorCode: null,
      errorMessage: null,
      durationMs: expect.any(Number),
    });
    expect(e.attributes).toEqual(expect.arrayContaining(['userName', 'name.givenName', 'title', 'phoneNumbers', 'emails']));
    expect(e.attributes).not.toContain('department');
    expect(Date.parse(e.at)).not.toBeNaN();
  });

  it('names updates, disable, enable and delete, each with the attributes it changed', async () => {
    const userName = uniqueName('grace');
    const { id } = await scim.create(simpleUser(userName));
    const title = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: SECRET_VALUES[1] }));
    expect(await eventOf(title)).toMatchObject({ operation: 'update', attributes: ['title'], userName, resourceId: id, status: 204 });
    const off = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect(await eventOf(off)).toMatchObject({ operation: 'disable', attributes: ['active'] });
    const on = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }));
    expect(await eventOf(on)).toMatchObject({ operation: 'enable', attributes: ['active'] });
    const put = expectStatus(await scim.put(`/Users/${id}`, simpleUser(userName, { displayName: 'Grace H' })), 200);
    // A PUT replaces everything: the title it leaves out is cleared, so it changed too.
    expect(await eventOf(put)).toMatchObject({ operation: 'update', attributes: ['displayName', 'title'], status: 200 });
    const del = expectStatus(await scim.delete(`/Users/${id}`), 204);
    expect(await eventOf(del)).toMatchObject({ operation: 'delete', userName, resourceId: id, status: 204, attributes: [] });
    // The deleted person's userName again, same (absent) externalId: the same person, relinked.
    const again = expectStatus(await scim.post('/Users', simpleUser(userName)), 201);
    expect(again.body.id).toBe(id);
    expect(await eventOf(again)).toMatchObject({ operation: 'relink', resourceId: id });
  });

  it('names the adoption of an in-app account', async () => {
    const email = uniqueName('inapp');
    const inApp = await org.insertInAppUser(email);
    const res = expectStatus(await scim.post('/Users', simpleUser(email)), 201);
    expect(res.body.id).toBe(inApp);
    expect(await eventOf(res)).toMatchObject({ operation: 'adopt', resourceId: inApp, userName: email });
  });

  it('logs a refused create with status, scimType, code and a message whose quoted values are masked', async () => {
    const userName = uniqueName('dup');
    await scim.create(simpleUser(userName));
    const res = expectStatus(await scim.post('/Users', simpleUser(userName, { emails: [{ type: 'work', value: SECRET_VALUES[3], primary: true }] })), 409);
    const e = await eventOf(res);
    expect(e).toMatchObject({
      operation: 'create',
      outcome: 'failure',
      status: 409,
      scimType: 'uniqueness',
      errorCode: 'USER_NAME_TAKEN',
      userName,
      resourceId: null,
    });
    expect(e.errorMessage).toEqual(expect.any(String));
    expect(e.errorMessage).not.toContain(userName);
    // Positive control beside it: a failed lookup is logged too (an unsupported filter attribute).
    const bad = expectStatus(await scim.filter('favouriteColour eq "x"'), 400);
    expect(await eventOf(bad)).toMatchObject({ operation: 'lookup', outcome: 'failure', status: 400, scimType: 'invalidFilter', route: '/scim/v2/Users' });
    // A body that is not JSON is refused before the route runs; the token still names the directory.
    const garbage = await h.send('post', '/scim/v2/Users', dir.token, '{not json', 'application/scim+json');
    expect(garbage.status).toBe(400);
    expect(await eventOf(garbage)).toMatchObject({ outcome: 'failure', status: 400, method: 'POST' });
  });

  it('names group operations: create, members-add, members-remove, rename, delete', async () => {
    const { id: member } = await scim.create(simpleUser(uniqueName('member')));
    const created = expectStatus(
      await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Team ${randomUUID()}` }),
      201,
    );
    const gid = created.body.id;
    expect(await eventOf(created)).toMatchObject({ operation: 'create', resourceType: 'Group', resourceId: gid, attributes: ['displayName'], userName: null });
    const add = expectStatus(await scim.patch(`/Groups/${gid}`, patchOp({ op: 'Add', path: 'members', value: [{ value: member }] })), 204);
    expect(await eventOf(add)).toMatchObject({ operation: 'members-add', attributes: ['members'], route: '/scim/v2/Groups/:id' });
    const remove = expectStatus(await scim.patch(`/Groups/${gid}`, patchOp({ op: 'Remove', path: `members[value eq "${member}"]` })), 204);
    expect(await eventOf(remove)).toMatchObject({ operation: 'members-remove', attributes: ['members'] });
    const rename = expectStatus(await scim.patch(`/Groups/${gid}`, patchOp({ op: 'Replace', path: 'displayName', value: `Renamed ${randomUUID()}` })), 204);
    expect(await eventOf(rename)).toMatchObject({ operation: 'rename', attributes: ['displayName'] });
    const del = expectStatus(await scim.delete(`/Groups/${gid}`), 204);
    expect(await eventOf(del)).toMatchObject({ operation: 'delete', resourceType: 'Group' });
  });

  it("logs a revoked token's 401 under its directory and token; an unknown token logs nothing", async () => {
    const other = await org.directory();
    const minted = expectStatus(await h.send('post', `/api/v1/directories/${other.id}/tokens`, org.adminToken, { name: 'Rotation 2026' }), 201);
    h.secrets.add(minted.body.token);
    expectStatus(await h.send('delete', `/api/v1/directories/${other.id}/tokens/${minted.body.id}`, org.adminToken), 204);
    const refused = await h.send('post', '/scim/v2/Users', minted.body.token, simpleUser(uniqueName('late')));
    expect(refused.status).toBe(401);
    const [e] = await events({}, other.id);
    expect(e).toMatchObject({
      requestId: refused.headers['x-request-id'],
      tokenId: minted.body.id,
      tokenName: 'Rotation 2026',
      status: 401,
      errorCode: 'UNAUTHENTICATED',
      outcome: 'failure',
      operation: 'create',
    });
    const before = (await events({}, other.id)).length;
    const unknown = await h.send('post', '/scim/v2/Users', `scim_${randomUUID().replace(/-/g, '')}`, simpleUser(uniqueName('nobody')));
    expect(unknown.status).toBe(401);
    expect(await events({}, other.id)).toHaveLength(before);
  });

  it('filters by outcome, operation, resourceId, userName and time, pages by cursor newest first, and exports CSV', async () => {
    const all = await events();
    expect(all.length).toBeGreaterThan(10);
    // Newest first, and every request logged once.
    const keys = all.map((e) => `${e.at}|${e.id}`);
    expect([...keys].sort().reverse()).toEqual(keys);
    expect(new Set(all.map((e) => e.requestId)).size).toBe(all.length);

    const failures = await events({ outcome: 'failure' });
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((e) => e.outcome === 'failure')).toBe(true);
    expect(failures).toHaveLength(all.filter((e) => e.outcome === 'failure').length);
    const creates = await events({ operation: 'create' });
    expect(creates).toHaveLength(all.filter((e) => e.operation === 'create').length);
    const someone = all.find((e) => e.operation === 'disable') as Json;
    expect((await events({ resourceId: someone.resourceId })).every((e) => e.resourceId === someone.resourceId)).toBe(true);
    expect((await events({ userName: someone.userName.toUpperCase() })).map((e) => e.id)).toEqual(
      all.filter((e) => e.userName === someone.userName).map((e) => e.id),
    );
    const middle = all[Math.floor(all.length / 2)];
    const since = await events({ since: middle.at });
    expect(since.every((e) => e.at >= middle.at)).toBe(true);
    expect(since.length).toBeLessThan(all.length);
    expect((await events({ until: middle.at })).every((e) => e.at < middle.at)).toBe(true);
    expectStatus(await org.get(`/api/v1/directories/${dir.id}/events?since=yesterday`), 400);

    // Keyset paging walks the same list, page by page.
    const paged: Json[] = [];
    let cursor: string | null = null;
    do {
      const q: Record<string, string> = { limit: '3', ...(cursor ? { cursor } : {}) };
      const res = expectStatus(await org.get(`/api/v1/directories/${dir.id}/events?${new URLSearchParams(q).toString()}`), 200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      paged.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expectStatus(await org.get(`/api/v1/directories/${dir.id}/events?cursor=bm90LWEtY3Vyc29y`), 400);

    // CSV: the same selection, one header line and one line per event.
    for (const res of [
      await h.http.get(`/api/v1/directories/${dir.id}/events?outcome=failure`).set('authorization', `Bearer ${org.adminToken}`).set('accept', 'text/csv'),
      await org.get(`/api/v1/directories/${dir.id}/events?outcome=failure&format=csv`),
    ]) {
      expectStatus(res, 200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.text.trim().split('\r\n');
      expect(lines[0].split(',')).toEqual(expect.arrayContaining(['at', 'id', 'operation', 'outcome', 'status', 'errorCode', 'attributes']));
      expect(lines).toHaveLength(failures.length + 1);
      expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(failures.map((e) => e.id));
    }
  });

  it("shows one person's history, and 404 for a person or directory of another organisation", async () => {
    const userName = uniqueName('history');
    const { id } = await scim.create(simpleUser(userName));
    await scim.patchUser(id, { op: 'replace', path: 'title', value: 'Engineer' });
    await scim.patchUser(id, { op: 'replace', path: 'active', value: false });
    const res = expectStatus(await org.get(`/api/v1/users/${id}/events`), 200);
    expect(res.body.items.map((e: Json) => e.operation)).toEqual(['disable', 'update', 'create']);
    expect(res.body.items.every((e: Json) => e.resourceId === id)).toBe(true);
    const stranger = await h.organization();
    expectStatus(await stranger.get(`/api/v1/users/${id}/events`), 404);
    expectStatus(await stranger.get(`/api/v1/directories/${dir.id}/events`), 404);
    expectStatus(await stranger.get(`/api/v1/directories/${dir.id}/health`), 404);
  });

  it('prunes events older than the retention, and keeps the rest', async () => {
    const repo = h.dataSource.getRepository(ProvisioningEvent);
    const [recent] = await events();
    const old = { ...(await repo.findOneByOrFail({ id: recent.id })), id: randomUUID(), at: new Date(Date.now() - 31 * 86_400_000) };
    await repo.insert(old);
    expect(await h.app.get(ProvisioningLog).prune()).toBe(1);
    expect(await repo.findOneBy({ id: old.id })).toBeNull();
    expect(await repo.findOneBy({ id: recent.id })).not.toBeNull();
  });

  it('stores and logs no token and none of the attribute values sent', async () => {
    await h.app.get(ProvisioningLog).flush();
    const dump = await dumpDatabase(h.db, h.app.get(DataSource));
    const logs = h.logs.text();
    for (const secret of h.secrets) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    const rows = JSON.stringify(await h.dataSource.query('SELECT * FROM provisioning_events'));
    expect(rows).toContain('USER_NAME_TAKEN'); // the control: the rows are there
    for (const value of SECRET_VALUES) {
      expect(rows).not.toContain(value);
      expect(logs).not.toContain(value);
    }
    expect(h.serverErrors()).toEqual([]);
  });
});
