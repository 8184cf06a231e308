import { DataSource } from 'typeorm';
import { DirectoryPrincipal } from '../apps/api/src/auth/principals';
import { ScimUsersService } from '../apps/api/src/scim/scim-users.service';
import { ManagedUsersService } from '../apps/api/src/users/managed-users.service';
import { testEngines } from './support/databases';
import { startTestApp, TestApp } from './support/app';
import { bearer } from './support/scim-client';

const ENGINES = testEngines().filter((e) => e === 'mysql');

/** "Never load a tenant into memory to filter it": the lookup Entra sends reads by index. */
describe.each(ENGINES)('SCIM filter query plans on %s', (engine) => {
  let t: TestApp;
  let dir: DirectoryPrincipal;

  beforeAll(async () => {
    t = await startTestApp(engine);
    const { adminToken, organizationId } = await t.setupOrganization('Plans');
    const created = await t.http.post('/api/v1/directories').set(bearer(adminToken)).send({ name: 'Plans' }).expect(201);
    t.secrets.add(created.body.token);
    dir = { kind: 'directory', directoryId: created.body.id, organizationId, tokenId: created.body.tokenId, credential: 'scim-token' };
    for (let i = 0; i < 40; i++) {
      await t.http
        .post('/scim/v2/Users')
        .set(bearer(created.body.token))
        .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `plan${i}@contoso.com`, emails: [{ type: 'work', value: `plan${i}@contoso.com`, primary: true }] })
        .expect(201);
    }
    await t.app.get(DataSource).query('ANALYZE TABLE users, user_emails');
  });

  afterAll(async () => t?.close());

  async function plan(filter: string): Promise<Array<{ table: string; key: string | null; type: string }>> {
    // The statements the service runs: COUNT(*) and the page of ids share this WHERE clause.
    const predicate = t.app.get(ScimUsersService).predicate(filter);
    const { where, params } = t.app.get(ManagedUsersService).visibleWhere(dir, predicate);
    return t.app.get(DataSource).query(`EXPLAIN SELECT u.id FROM users u WHERE ${where} ORDER BY u.created_at, u.id LIMIT 100`, params);
  }

  it('userName eq reads one row through the unique key on the hashed userName', async () => {
    const rows = await plan('userName eq "PLAN7@contoso.com"');
    const users = rows.find((r) => r.table === 'u');
    expect(users?.key).toBe('UQ_users_org_user_name_key');
    expect(users?.type).not.toBe('ALL');
  });

  it('a work-email lookup reaches user_emails through its key index, not a scan', async () => {
    const rows = await plan('emails[type eq "work"].value eq "plan7@contoso.com"');
    const emails = rows.find((r) => r.table === 'ue');
    expect(emails?.key).toBe('IDX_user_emails_org_value_key');
    expect(rows.every((r) => r.type !== 'ALL' || r.table !== 'ue')).toBe(true);
  });
});
