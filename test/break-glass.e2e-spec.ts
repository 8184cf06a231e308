import { randomUUID } from 'node:crypto';
import { ApiTokensService } from '../apps/api/src/credentials/api-tokens.service';
import { testEngines } from './support/databases';
import { assertBuilt, runCli } from './support/processes';
import { OrgHandle, startTestApp, TestApp } from './support/app';
import { expectScimError, expectStatus, Json, patchOp, simpleUser, uniqueName } from './support/scim-client';

/**
 * Issue #9 §4, break-glass: `cli admin --org <id> --email <email> [--json]`, run as the BUILT
 * cli against the database of a running app, makes that person a direct admin (created if
 * missing, restored if archived) and prints a new admin API token that works at once.
 */
describe.each(testEngines())('break-glass CLI on %s', (engine) => {
  let h: TestApp;
  let org: OrgHandle;

  beforeAll(async () => {
    assertBuilt();
    h = await startTestApp(engine);
    org = await h.organization('Break-glass org');
  });

  afterAll(async () => h?.close());

  const cli = (...args: string[]) => runCli(['admin', ...args], { DATABASE_URL: h.db.url });

  /** Runs `admin --json`, expecting success and exactly one JSON object on stdout. */
  const breakGlass = (organizationId: string, email: string): Json => {
    const r = cli('--org', organizationId, '--email', email, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['adminToken', 'organizationId', 'userId']);
    expect(out.organizationId).toBe(organizationId);
    expect(out.adminToken).toMatch(/^adm_[A-Za-z0-9_-]{43}$/);
    h.secrets.add(out.adminToken);
    return out;
  };

  const worksOnAdminApi = async (token: string): Promise<void> => {
    expectStatus(await h.send('get', '/api/v1/users', token), 200);
    expectStatus(await h.send('get', '/api/v1/groups', token), 200);
  };
  const mintToken = async (userId: string, organizationId: string): Promise<string> => {
    const { secret } = await h.app.get(ApiTokensService).issueOwn({ userId, organizationId }, 'test', null);
    h.secrets.add(secret);
    return secret;
  };

  it('restores a person the directory archived, once the directory had archived every admin, and releases them from it', async () => {
    // Its own organisation, so archiving its admins leaves the other tests alone.
    const o = await h.organization();
    const scim = (await o.directory()).scim(true);
    // The organisation's only admins: the setup admin (archived by the other admin) and a
    // directory-managed person made admin in the app, whom the directory then deactivates.
    const email = uniqueName('hr-admin');
    const person = await scim.create(simpleUser(email));
    expectStatus(await h.send('patch', `/api/v1/users/${person.id}`, o.adminToken, { isAdmin: true }), 200);
    const oldToken = await mintToken(person.id, o.id);
    expectStatus(await h.send('post', `/api/v1/users/${o.adminUserId}/archive`, oldToken), 200);
    await scim.patchUser(person.id, { op: 'replace', path: 'active', value: false });
    for (const token of [o.adminToken, oldToken]) expect((await h.send('get', '/api/v1/users', token)).status).toBe(401);

    const out = breakGlass(o.id, email.toUpperCase());
    expect(out.userId).toBe(person.id); // the same person, matched case-insensitively by email
    await worksOnAdminApi(out.adminToken);
    expect(expectStatus(await h.send('get', `/api/v1/users/${person.id}`, out.adminToken), 200).body).toMatchObject({
      status: 'uninvited', // the status they had before the archive
      archivedAt: null,
      isAdmin: true,
      adminByGroup: false,
      directoryId: null,
    });
    // Restoring never restores a token: only the printed one works.
    expect((await h.send('get', '/api/v1/users', oldToken)).status).toBe(401);
    // Released: the directory can no longer see or archive them...
    expectScimError(await scim.get(`/Users/${person.id}`), 404);
    expectScimError(await scim.patch(`/Users/${person.id}`, patchOp({ op: 'replace', path: 'active', value: false })), 404);
    await worksOnAdminApi(out.adminToken);
    // ...and the restored admin can restore the setup admin in the app.
    expectStatus(await h.send('post', `/api/v1/users/${o.adminUserId}/restore`, out.adminToken), 200);
    expect(expectStatus(await h.send('get', `/api/v1/users/${o.adminUserId}`, out.adminToken), 200).body).toMatchObject({ archivedAt: null, isAdmin: true });
  });

  it('creates a missing person as an active direct admin; run again, the same person gets another token', async () => {
    const fresh = await h.organization();
    const email = `Break.Glass-${randomUUID().slice(0, 8)}@Example.Test`;
    const first = breakGlass(fresh.id, email);
    await worksOnAdminApi(first.adminToken);
    const created = expectStatus(await h.send('get', `/api/v1/users/${first.userId}`, first.adminToken), 200).body;
    expect(created).toMatchObject({ email, status: 'active', isAdmin: true, directoryId: null, archivedAt: null });

    const again = breakGlass(fresh.id, email.toLowerCase());
    expect(again.userId).toBe(first.userId);
    expect(again.adminToken).not.toBe(first.adminToken);
    for (const token of [first.adminToken, again.adminToken]) await worksOnAdminApi(token);
    expect((await fresh.users()).items.filter((u) => u.email?.toLowerCase() === email.toLowerCase())).toHaveLength(1);
  });

  it('makes an existing, non-admin person a direct admin and keeps their status; without --json it prints the token for a person', async () => {
    const email = uniqueName('colleague');
    const id = await org.insertInAppUser(email, 'invited');
    const before = await org.user(id);
    expect(before.isAdmin).toBe(false);

    const r = cli('--org', org.id, '--email', email);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`User ${id} (${email}) made a direct admin of organisation ${org.id}`);
    const token = /Admin token: (adm_\S+)/.exec(r.stdout)?.[1] ?? '';
    h.secrets.add(token);
    await worksOnAdminApi(token);
    expect(await org.user(id)).toMatchObject({ status: 'invited', isAdmin: true, adminByGroup: false });
  });

  it('refuses an unknown organisation with a clear message and a non-zero exit, changing nothing', async () => {
    const unknown = randomUUID();
    const email = uniqueName('nobody');
    const r = cli('--org', unknown, '--email', email, '--json');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(`Organisation ${unknown} not found`);
    const [{ n }] = await h.dataSource.query('SELECT COUNT(*) AS n FROM users WHERE email = ?', [email]);
    expect(Number(n)).toBe(0);

    // Usage errors exit 2 with the usage text.
    for (const args of [
      ['--org', org.id],
      ['--email', email],
      ['--org', org.id, '--email', 'not-an-email'],
    ]) {
      const bad = cli(...args);
      expect(bad.status).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain('npm run cli -- admin --org');
    }
  });

  it('never answered 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});
