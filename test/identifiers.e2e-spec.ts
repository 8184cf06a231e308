import { createHash, randomUUID } from 'node:crypto';
import { normalizedKey } from '@app/database';
import { CompatibilityFoldedKeys1795388000000 } from '../libs/database/src/migrations/1795388000000-compatibility-folded-keys';
import { User } from '../apps/api/src/users/user.entity';
import { testEngines } from './support/databases';
import { OrgHandle, startTestApp, TestApp } from './support/app';
import { expectScimError, expectStatus, patchOp, ScimClient, simpleUser, uniqueName } from './support/scim-client';

/** The key as it was made before this issue (NFC only), to set up rows a migration must fix. */
const nfcKey = (v: string): string => createHash('sha256').update(v.normalize('NFC').trim().toLowerCase(), 'utf8').digest('hex');

/** Fullwidth letters and digits of an ASCII string (what some IMEs and pasted text produce). */
const fullwidth = (s: string): string => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/**
 * Issue #10 §4: identifier hygiene. userName, externalId, emails and displayName refuse invisible
 * and control characters; the case-insensitive key folds compatibility forms (NFKC), and a
 * migration recomputes the keys already stored. Each rule with its positive control.
 */
describe.each(testEngines())('identifier hygiene (%s)', (engine) => {
  let h: TestApp;
  let org: OrgHandle;
  let scim: ScimClient;

  beforeAll(async () => {
    h = await startTestApp(engine);
    org = await h.organization();
    scim = (await org.directory()).scim();
  });
  afterAll(() => h.close());

  const BAD: Array<[string, string]> = [
    ['NUL', '\u0000'],
    ['CR LF', '\r\n'],
    ['a right-to-left override', '\u202E'],
    ['a zero-width space', '\u200B'],
    ['a byte order mark', '\uFEFF'],
  ];

  describe('userName, externalId, emails and displayName refuse invisible and control characters', () => {
    it.each(BAD)('userName with %s: 400 invalidValue, nothing created', async (_name, ch) => {
      const clean = uniqueName('bad-username');
      expectScimError(await scim.post('/Users', simpleUser(clean.replace('@', `${ch}@`), { emails: [] })), 400, 'invalidValue');
      expect(await scim.lookup(clean)).toEqual([]);
    });

    it('a lone surrogate (sent as a JSON escape) is refused too', async () => {
      const clean = uniqueName('surrogate');
      const text = JSON.stringify(simpleUser(clean, { emails: [] })).replace(clean, clean.replace('@', '\\ud800@'));
      expectScimError(await scim.post('/Users', text), 400, 'invalidValue');
    });

    it.each(BAD)('externalId, displayName and an email with %s: 400 invalidValue', async (_name, ch) => {
      expectScimError(await scim.post('/Users', simpleUser(uniqueName('ext'), { externalId: `abc${ch}def` })), 400, 'invalidValue');
      expectScimError(await scim.post('/Users', simpleUser(uniqueName('dn'), { displayName: `Ada${ch}Lovelace` })), 400, 'invalidValue');
      const name = uniqueName('mail');
      expectScimError(
        await scim.post('/Users', simpleUser(name, { emails: [{ value: name.replace('@', `${ch}@`), type: 'work', primary: true }] })),
        400,
        'invalidValue',
      );
    });

    it('a PATCH that would store one is refused and changes nothing', async () => {
      const user = await scim.create(simpleUser(uniqueName('patch'), { displayName: 'Before' }));
      expectScimError(await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'After\u202Egnp.exe' })), 400, 'invalidValue');
      expect((await scim.user(user.id)).displayName).toBe('Before');
    });

    it('groups: displayName and externalId refuse them as well', async () => {
      expectScimError(
        await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales\u200D' }),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Ops ${randomUUID()}`, externalId: 'x\ny' }),
        400,
        'invalidValue',
      );
    });

    it('the admin API refuses such an email with VALIDATION_FAILED', async () => {
      const res = await org.h.send('post', '/api/v1/users', org.adminToken, { email: `zero\u200Bwidth-${randomUUID().slice(0, 6)}@contoso.test` });
      expectStatus(res, 400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('positive control: accents, non-Latin scripts, emoji and apostrophes are stored as sent', async () => {
      const userName = `josé.o'brien-${randomUUID().slice(0, 6)}@contoso.test`;
      const displayName = "José O'Brien 山田 محمد 🚀";
      const user = await scim.create(simpleUser(userName, { displayName, externalId: `ext-${randomUUID()}` }));
      expect(user).toMatchObject({ userName, displayName });
      expectStatus(await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Équipe 東京 ${randomUUID()}` }), 201);
      const res = await org.h.send('post', '/api/v1/users', org.adminToken, { email: `grace-${randomUUID().slice(0, 6)}@contoso.test` });
      expectStatus(res, 201);
    });
  });

  describe('the userName key folds compatibility forms (NFKC) as well as case', () => {
    it('ＡＬＩＣＥ@… collides with alice@…: 409 uniqueness, and a filter finds the one the 409 refers to', async () => {
      const tag = randomUUID().slice(0, 6);
      const alice = await scim.create(simpleUser(`alice-${tag}@example.com`));
      const twin = `${fullwidth(`ALICE-${tag}`)}@example.com`;
      expectScimError(await scim.post('/Users', simpleUser(twin, { emails: [] })), 409, 'uniqueness');
      expect(await scim.lookup(twin)).toEqual([alice.id]);
    });

    it('positive control: accents still tell people apart (josé is not jose)', async () => {
      const tag = randomUUID().slice(0, 6);
      await scim.create(simpleUser(`josé-${tag}@example.com`));
      await scim.create(simpleUser(`jose-${tag}@example.com`));
      expect(await scim.lookup(`josé-${tag}@example.com`)).toHaveLength(1);
      expect(await scim.lookup(`jose-${tag}@example.com`)).toHaveLength(1);
    });
  });

  describe('the migration recomputes the keys already stored', () => {
    it('turns NFC keys into NFKC keys, keeps a twin that would collide, and reverts', async () => {
      const tag = randomUUID().slice(0, 6);
      const ascii = await scim.create(simpleUser(`bob-${tag}@example.com`));
      const wideName = `${fullwidth(`CAROL-${tag}`)}@example.com`;
      const wide = await scim.create(simpleUser(wideName, { emails: [] }));
      const migration = new CompatibilityFoldedKeys1795388000000();
      const runner = h.dataSource.createQueryRunner();
      const repo = h.dataSource.getRepository(User);
      try {
        // Back to the keys before the issue: the fullwidth userName gets its old (NFC) key.
        await migration.down(runner);
        expect((await repo.findOneByOrFail({ id: wide.id })).userNameKey).toBe(nfcKey(wideName));
        // A twin that only the old keys told apart: a fullwidth copy of bob's userName.
        const row = await repo.findOneByOrFail({ id: ascii.id });
        const twinName = `${fullwidth(`BOB-${tag}`)}@example.com`;
        const twinId = randomUUID();
        await repo.insert({
          ...row,
          id: twinId,
          userName: twinName,
          userNameKey: nfcKey(twinName),
          email: null,
          emailKey: null,
          activeEmailKey: null,
          externalId: null,
        });

        await migration.up(runner);
        expect((await repo.findOneByOrFail({ id: wide.id })).userNameKey).toBe(normalizedKey(wideName));
        expect((await repo.findOneByOrFail({ id: ascii.id })).userNameKey).toBe(normalizedKey(`bob-${tag}@example.com`));
        // The twin could not take bob's key: it keeps its old one, and the migration went on.
        expect((await repo.findOneByOrFail({ id: twinId })).userNameKey).toBe(nfcKey(twinName));
        await repo.delete({ id: twinId });
      } finally {
        await runner.release();
      }
      // After the migration, the filter folds the fullwidth form to the stored person.
      expect(await scim.lookup(`carol-${tag}@example.com`)).toEqual([wide.id]);
    });
  });

  it('answered no 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});
