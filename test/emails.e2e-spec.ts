import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dateParam, normalizedKey, resolveDataSourceOptions } from '@app/database';
import { ENTITIES } from '../apps/api/src/entities';
import { createTestDatabase, testEngines } from './support/databases';
import { mailTo, nthMailTo, PASSWORD, tokenOf } from './support/people';
import { OrgHandle, TestApp } from './support/app';
import { expectScimError, expectStatus, Json, ScimClient, simpleUser, uniqueName } from './support/scim-client';
import { MailOrg, startMailOrg } from './support/mail-app';
import type { SmtpListener } from './support/smtp';

/**
 * Issue #9 §9: an email is one plain address (SCIM 400 invalidValue, REST 400
 * VALIDATION_FAILED); a work email is unique among the organisation's people who are not
 * archived, decided by the database (SCIM 409 uniqueness, REST 409 EMAIL_ALREADY_IN_USE);
 * adopting an in-app account by email still works; an open invitation is cancelled when the
 * person's email changes. Each rule beside its positive control.
 */
describe.each(testEngines())('emails on %s', (engine) => {
  let smtp: SmtpListener;
  let h: TestApp;
  let org: OrgHandle;
  let scim: ScimClient;

  let mail: MailOrg;

  beforeAll(async () => {
    mail = await startMailOrg(engine, 'Emails org');
    ({ smtp, h, org, scim } = mail);
  });

  afterAll(async () => mail?.close());

  const admin = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: Json) => h.send(method, path, org.adminToken, body);
  const withWork = (userName: string, email: string, extra: Json = {}): Json =>
    simpleUser(userName, { emails: [{ type: 'work', primary: true, value: email }], ...extra });
  const expectCode = (res: { status: number; body: Json }, status: number, code: string): void => {
    expectStatus(res as never, status);
    expect(res.body.code).toBe(code);
  };

  const NOT_ONE_ADDRESS = [
    ['a list with a comma', 'a@x.test, b@y.test'],
    ['a list with a semicolon', 'a@x.test;b@y.test'],
    ['a display name', 'Ada Lovelace <ada@x.test>'],
    ['angle brackets', '<ada@x.test>'],
    ['whitespace inside', 'ada lovelace@x.test'],
    ['two @', 'ada@b@x.test'],
    ['no @', 'ada.x.test'],
  ];

  describe('an email is one plain address', () => {
    it.each(NOT_ONE_ADDRESS)('SCIM POST with %s: 400 invalidValue, nothing created', async (_, value) => {
      const userName = uniqueName('bad-email');
      expectScimError(await scim.post('/Users', withWork(userName, value)), 400, 'invalidValue');
      expect(await scim.lookup(userName)).toEqual([]);
    });

    it('SCIM POST and PATCH with a plain address work (control); a PATCH to a list is 400 and changes nothing', async () => {
      const userName = uniqueName('good-email');
      const user = await scim.create(withWork(userName, `Plain.${userName}`));
      expect((await org.user(user.id)).email).toBe(`Plain.${userName}`);
      const res = await scim.patch(`/Users/${user.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'a@x.test, b@y.test' }],
      });
      expectScimError(res, 400, 'invalidValue');
      expect((await org.user(user.id)).email).toBe(`Plain.${userName}`);
    });

    it('every email of the list is checked, not only the work one (documented choice)', async () => {
      const userName = uniqueName('other-email');
      const body = simpleUser(userName, {
        emails: [
          { type: 'work', primary: true, value: userName },
          { type: 'other', value: 'Home <home@x.test>' },
        ],
      });
      expectScimError(await scim.post('/Users', body), 400, 'invalidValue');
      const ok = simpleUser(userName, {
        emails: [
          { type: 'work', primary: true, value: userName },
          { type: 'other', value: `home.${userName}` },
        ],
      });
      expect((await scim.create(ok)).emails).toHaveLength(2);
    });

    it.each(NOT_ONE_ADDRESS)('admin POST and PATCH with %s: 400 VALIDATION_FAILED', async (_, value) => {
      expectCode(await admin('post', '/api/v1/users', { email: value }), 400, 'VALIDATION_FAILED');
      const person = expectStatus(await admin('post', '/api/v1/users', { email: uniqueName('admin-good') }), 201).body;
      expectCode(await admin('patch', `/api/v1/users/${person.id}`, { email: value }), 400, 'VALIDATION_FAILED');
      expect((await org.user(person.id)).email).toBe(person.email);
    });
  });

  describe('a work email is unique among the people who are not archived', () => {
    it('SCIM: a second person with the same work email (any case) is 409 uniqueness, by POST or PATCH; once the first is archived it is free, and re-enabling the first is then 409', async () => {
      const email = uniqueName('shared');
      const first = await scim.create(withWork(uniqueName('first'), email));
      const secondName = uniqueName('second');
      expectScimError(await scim.post('/Users', withWork(secondName, email.toUpperCase())), 409, 'uniqueness');
      expect(await scim.lookup(secondName)).toEqual([]);

      const other = await scim.create(withWork(uniqueName('other'), uniqueName('other-mail')));
      const patch = await scim.patch(`/Users/${other.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: email }],
      });
      expectScimError(patch, 409, 'uniqueness');

      await scim.patchUser(first.id, { op: 'replace', path: 'active', value: false });
      const second = await scim.create(withWork(secondName, email));
      expect((await org.user(second.id)).email).toBe(email);
      const back = await scim.patch(`/Users/${first.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: true }],
      });
      expectScimError(back, 409, 'uniqueness');
      expect((await org.user(first.id)).status).toBe('archived');
    });

    it('REST: an admin cannot give a live person’s email to someone else (409 EMAIL_ALREADY_IN_USE), can give an archived person’s, and restoring that person is then 409', async () => {
      const email = uniqueName('rest-shared');
      const scimPerson = await scim.create(withWork(uniqueName('rest-scim'), email));
      expectCode(await admin('post', '/api/v1/users', { email }), 409, 'EMAIL_ALREADY_IN_USE');

      const inApp = expectStatus(await admin('post', '/api/v1/users', { email: uniqueName('rest-in-app') }), 201).body;
      expectStatus(await admin('post', `/api/v1/users/${inApp.id}/archive`), 200);
      const successor = expectStatus(await admin('post', '/api/v1/users', { email: inApp.email }), 201).body;
      expect(successor.id).not.toBe(inApp.id);
      expectCode(await admin('post', `/api/v1/users/${inApp.id}/restore`), 409, 'EMAIL_ALREADY_IN_USE');
      expect((await org.user(inApp.id)).status).toBe('archived');
      expect((await org.user(scimPerson.id)).email).toBe(email);
    });

    it('another organisation may have the same email (control)', async () => {
      const email = uniqueName('two-orgs');
      await scim.create(withWork(uniqueName('here'), email));
      const elsewhere = await h.organization();
      expectStatus(await h.send('post', '/api/v1/users', elsewhere.adminToken, { email }), 201);
    });

    it('adoption of an in-app account by email still works (it is the same person, not a duplicate)', async () => {
      const email = uniqueName('adopt-me');
      const inApp = expectStatus(await admin('post', '/api/v1/users', { email }), 201).body;
      const adopted = await scim.create(withWork(email.toUpperCase(), email));
      expect(adopted.id).toBe(inApp.id);
      // A different userName with that work email is somebody else: 409.
      expectScimError(await scim.post('/Users', withWork(uniqueName('not-adopted'), email)), 409, 'uniqueness');
    });

    it('8 concurrent SCIM POSTs of different userNames with one work email: one 201, 7 × 409 uniqueness', async () => {
      const email = uniqueName('race');
      const results = await Promise.all(Array.from({ length: 8 }, () => scim.post('/Users', withWork(uniqueName('racer'), email))));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.scimType).toBe('uniqueness');
      expect((await org.users({ q: email })).items.filter((u) => u.email === email)).toHaveLength(1);
    });

    it('the database refuses a second live holder of an email key even when the app is bypassed', async () => {
      const email = uniqueName('db-decides');
      const first = expectStatus(await admin('post', '/api/v1/users', { email }), 201).body;
      const row = (await h.dataSource.query('SELECT active_email_key FROM users WHERE id = ?', [first.id]))[0];
      expect(row.active_email_key).toBe(normalizedKey(email));
      const now = dateParam(h.dataSource, new Date());
      const insert = (key: string | null) =>
        h.dataSource.query(
          `INSERT INTO users (id, organization_id, email, email_key, active_email_key, status, is_admin, scim_visible, version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'uninvited', 0, 0, 1, ?, ?)`,
          [randomUUID(), org.id, email, normalizedKey(email), key, now, now],
        );
      await expect(insert(normalizedKey(email))).rejects.toThrow();
      await expect(insert(null)).resolves.toBeDefined(); // an archived holder (no key) never collides
    });
  });

  describe('an open invitation is cancelled when the email changes', () => {
    async function invite(id: string, email: string): Promise<string> {
      const before = mailTo(smtp, email).length;
      expectStatus(await admin('post', `/api/v1/users/${id}/invitation`), 201);
      return tokenOf(await nthMailTo(smtp, email, before + 1));
    }
    const accept = (token: string) => h.send('post', '/api/v1/invitations/accept', '', { token, password: PASSWORD });

    it('admin: changing the email kills the link; changing the name does not (control)', async () => {
      const moved = expectStatus(await admin('post', '/api/v1/users', { email: uniqueName('moved') }), 201).body;
      const renamed = expectStatus(await admin('post', '/api/v1/users', { email: uniqueName('renamed') }), 201).body;
      const movedToken = await invite(moved.id, moved.email);
      const renamedToken = await invite(renamed.id, renamed.email);
      expectStatus(await admin('patch', `/api/v1/users/${moved.id}`, { email: uniqueName('moved-new') }), 200);
      expectStatus(await admin('patch', `/api/v1/users/${renamed.id}`, { firstName: 'Renamed' }), 200);
      expectCode(await accept(movedToken), 400, 'INVITATION_INVALID');
      expectStatus(await accept(renamedToken), 200);
    });

    it('SCIM: a new work email kills the link; a new display name does not (control)', async () => {
      const a = await scim.create(simpleUser(uniqueName('scim-moved')));
      const b = await scim.create(simpleUser(uniqueName('scim-renamed')));
      const aToken = await invite(a.id, a.userName);
      const bToken = await invite(b.id, b.userName);
      await scim.patchUser(a.id, { op: 'replace', path: 'emails[type eq "work"].value', value: uniqueName('scim-moved-new') });
      await scim.patchUser(b.id, { op: 'replace', path: 'displayName', value: 'Renamed' });
      expectCode(await accept(aToken), 400, 'INVITATION_INVALID');
      expectStatus(await accept(bToken), 200);
    });
  });
});

describe.each(testEngines())('the active-email migration on %s', (engine) => {
  it('copes with existing duplicates: the oldest live holder keeps the key, archived people get none, then the key is unique', async () => {
    const db = await createTestDatabase(engine);
    const ds = new DataSource(await resolveDataSourceOptions(db.config, ENTITIES));
    try {
      await ds.initialize();
      // Back to just before the active-email migration (later ones revert first).
      const applied = async (): Promise<string[]> => (await ds.query('SELECT name FROM migrations')).map((r: { name: string }) => r.name);
      while ((await applied()).includes('ActiveEmailKey1795386000000')) await ds.undoLastMigration({ transaction: 'each' });
      const org = randomUUID();
      const at = (ms: number) => dateParam(ds, new Date(Date.UTC(2026, 0, 1) + ms));
      await ds.query('INSERT INTO organizations (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)', [org, 'Legacy', at(0), at(0)]);
      const person = async (email: string, createdMs: number, archived: boolean): Promise<string> => {
        const id = randomUUID();
        await ds.query(
          `INSERT INTO users (id, organization_id, email, email_key, status, is_admin, scim_visible, version, created_at, updated_at, archived_at)
           VALUES (?, ?, ?, ?, 'uninvited', 0, 0, 1, ?, ?, ?)`,
          [id, org, email, normalizedKey(email), at(createdMs), at(createdMs), archived ? at(createdMs) : null],
        );
        return id;
      };
      const oldest = await person('dup@legacy.test', 1, false);
      const younger = await person('DUP@legacy.test', 2, false);
      const archived = await person('dup@legacy.test', 0, true);
      const single = await person('single@legacy.test', 3, false);
      await ds.runMigrations({ transaction: 'each' });
      const keys = new Map<string, string | null>(
        (await ds.query('SELECT id, active_email_key FROM users')).map((r: { id: string; active_email_key: string | null }) => [r.id, r.active_email_key]),
      );
      expect([keys.get(oldest), keys.get(younger), keys.get(archived), keys.get(single)]).toEqual([
        normalizedKey('dup@legacy.test'),
        null,
        null,
        normalizedKey('single@legacy.test'),
      ]);
      await expect(ds.query('UPDATE users SET active_email_key = ? WHERE id = ?', [normalizedKey('dup@legacy.test'), younger])).rejects.toThrow();
    } finally {
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
    }
  });
});
