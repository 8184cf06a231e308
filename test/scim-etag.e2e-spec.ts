import { testEngines } from './support/databases';
import { startTestApp, TestApp } from './support/app';
import { bearer, expectScimError, expectStatus, patchOp, SCIM_CONTENT_TYPE, ScimClient, simpleUser, uniqueName } from './support/scim-client';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * Issue #10 §6: ETags (RFC 7644 §3.14). Every User and Group carries a weak meta.version and an
 * ETag header; PUT, PATCH and DELETE with a stale If-Match answer 412 and change nothing;
 * If-None-Match on GET answers 304. Entra sends no If-Match, so every write without one still works.
 */
describe.each(testEngines())('SCIM ETags (%s)', (engine) => {
  let h: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    h = await startTestApp(engine);
    scim = (await (await h.organization()).directory()).scim();
  });
  afterAll(() => h.close());

  /** A request with extra headers (the harness' helpers send none). */
  function send(method: 'get' | 'put' | 'patch' | 'delete', path: string, headers: Record<string, string>, body?: unknown) {
    let req = h.http[method](`/scim/v2${path}`).set(bearer(scim.token)).set(headers);
    if (body !== undefined) req = req.set('content-type', SCIM_CONTENT_TYPE).send(JSON.stringify(body));
    return req;
  }

  it('the ServiceProviderConfig says ETags are supported', async () => {
    expect(expectStatus(await scim.get('/ServiceProviderConfig'), 200).body.etag).toEqual({ supported: true });
  });

  it('POST and GET carry the ETag of meta.version; If-None-Match with it answers 304, a stale one 200', async () => {
    const created = expectStatus(await scim.post('/Users', simpleUser(uniqueName('etag-get'))), 201);
    expect(created.headers.etag).toBe(created.body.meta.version);
    expect(created.body.meta.version).toMatch(/^W\/"\d+"$/);
    const got = expectStatus(await send('get', `/Users/${created.body.id}`, {}), 200);
    expect(got.headers.etag).toBe(got.body.meta.version);
    const cached = await send('get', `/Users/${created.body.id}`, { 'if-none-match': got.headers.etag });
    expect(cached.status).toBe(304);
    expect(cached.text ?? '').toBe('');
    expectStatus(await send('get', `/Users/${created.body.id}`, { 'if-none-match': 'W/"999999"' }), 200);
  });

  it('PATCH with the current If-Match applies and answers the new ETag; with a stale one 412 and nothing changes', async () => {
    const user = await scim.create(simpleUser(uniqueName('etag-patch'), { displayName: 'First' }));
    const v1 = user.meta.version;
    const ok = expectStatus(
      await send('patch', `/Users/${user.id}`, { 'if-match': v1 }, patchOp({ op: 'replace', path: 'displayName', value: 'Second' })),
      204,
    );
    const v2 = ok.headers.etag;
    expect(v2).toMatch(/^W\/"\d+"$/);
    expect(v2).not.toBe(v1);
    expectScimError(await send('patch', `/Users/${user.id}`, { 'if-match': v1 }, patchOp({ op: 'replace', path: 'displayName', value: 'Stale' })), 412);
    const now = await scim.user(user.id);
    expect(now.displayName).toBe('Second');
    expect(now.meta.version).toBe(v2);
  });

  it('PUT and DELETE refuse a stale If-Match with 412, accept the current one and `*`', async () => {
    const body = simpleUser(uniqueName('etag-put'), { displayName: 'Put 1' });
    const user = await scim.create(body);
    const stale = 'W/"0"';
    expectScimError(await send('put', `/Users/${user.id}`, { 'if-match': stale }, { ...body, displayName: 'Stale' }), 412);
    const put = expectStatus(await send('put', `/Users/${user.id}`, { 'if-match': user.meta.version }, { ...body, displayName: 'Put 2' }), 200);
    expect(put.headers.etag).toBe(put.body.meta.version);
    expectScimError(await send('delete', `/Users/${user.id}`, { 'if-match': user.meta.version }), 412);
    expect((await scim.user(user.id)).displayName).toBe('Put 2');
    expectStatus(await send('delete', `/Users/${user.id}`, { 'if-match': '*' }), 204);
    expectScimError(await scim.get(`/Users/${user.id}`), 404);
  });

  it('a list of tags matches when any of them is current; an unknown tag format never matches', async () => {
    const user = await scim.create(simpleUser(uniqueName('etag-list')));
    expectStatus(
      await send('patch', `/Users/${user.id}`, { 'if-match': `W/"0", ${user.meta.version}` }, patchOp({ op: 'replace', path: 'title', value: 'A' })),
      204,
    );
    expectScimError(await send('patch', `/Users/${user.id}`, { 'if-match': 'not-an-etag' }, patchOp({ op: 'replace', path: 'title', value: 'B' })), 412);
  });

  it('two PATCHes racing with the same If-Match: exactly one applies, the other is 412', async () => {
    const user = await scim.create(simpleUser(uniqueName('etag-race')));
    const answers = await Promise.all(
      ['A', 'B'].map((title) => send('patch', `/Users/${user.id}`, { 'if-match': user.meta.version }, patchOp({ op: 'replace', path: 'title', value: title }))),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([204, 412]);
  });

  it('groups: a member Add changes the version; a stale If-Match is 412 for PATCH, PUT and DELETE', async () => {
    const member = await scim.create(simpleUser(uniqueName('etag-member')));
    const created = expectStatus(await scim.post('/Groups', { schemas: [GROUP], displayName: uniqueName('etag-group') }), 201);
    const group = created.body;
    expect(created.headers.etag).toBe(group.meta.version);
    const added = expectStatus(
      await send('patch', `/Groups/${group.id}`, { 'if-match': group.meta.version }, patchOp({ op: 'add', path: 'members', value: [{ value: member.id }] })),
      204,
    );
    expect(added.headers.etag).not.toBe(group.meta.version);
    expectScimError(await send('patch', `/Groups/${group.id}`, { 'if-match': group.meta.version }, patchOp({ op: 'remove', path: 'members' })), 412);
    expectScimError(await send('put', `/Groups/${group.id}`, { 'if-match': group.meta.version }, { schemas: [GROUP], displayName: group.displayName }), 412);
    expectScimError(await send('delete', `/Groups/${group.id}`, { 'if-match': group.meta.version }), 412);
    const now = expectStatus(await send('get', `/Groups/${group.id}`, {}), 200);
    expect(now.body.members).toEqual([expect.objectContaining({ value: member.id })]);
    expect(now.headers.etag).toBe(added.headers.etag);
    expect((await send('get', `/Groups/${group.id}`, { 'if-none-match': added.headers.etag })).status).toBe(304);
  });

  it('positive control: writes without If-Match (what Entra sends) still apply', async () => {
    const user = await scim.create(simpleUser(uniqueName('etag-none')));
    await scim.patchUser(user.id, { op: 'replace', path: 'title', value: 'No precondition' });
    expect((await scim.user(user.id)).title).toBe('No precondition');
    expectStatus(await scim.delete(`/Users/${user.id}`), 204);
  });

  it('answered no 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});
