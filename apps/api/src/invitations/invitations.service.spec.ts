import { IsNull } from 'typeorm';
import { Transactions } from '@app/database';
import { UserCredential } from '../users/user-credential.entity';
import type { SetupResult } from '../setup/organizations.service';
import type { DirectoryScope } from '../org-structure/org-structure-sync.service';
import { createDirectory, createOrganization, directoryFields, insertPerson } from '../testing/factories.util';
import { ServiceTestApp, startServiceTestApp } from '../testing/service-test-app.util';
import { UsersSyncService } from '../users/users-sync.service';
import { UsersAdminService } from '../users/users-admin.service';
import { User } from '../users/user.entity';
import { Invitation } from './invitation.entity';
import { InvitationsService } from './invitations.service';

/** Who may be invited, on the real app and a real (SQLite) database. */
describe('InvitationsService: who may be invited', () => {
  let t: ServiceTestApp;
  let invitations: InvitationsService;
  let org: SetupResult;
  let actor: { userId: string; organizationId: string };
  let scope: DirectoryScope;
  let n = 0;
  const m = () => t.dataSource.manager;
  const status = async (id: string): Promise<User['status']> => (await m().findOneByOrFail(User, { id })).status;
  const openInvitations = (userId: string): Promise<number> => m().countBy(Invitation, { userId, acceptedAt: IsNull(), revokedAt: IsNull() });
  const uninvited = async (): Promise<string> => (await insertPerson(m(), org.organizationId, `person${++n}@example.test`)).id;
  const withoutEmail = async (): Promise<string> =>
    (await t.app.get(UsersSyncService).create(scope, directoryFields(`no-email-${++n}@contoso.test`, {}, { emails: [] }))).user.id;
  const archived = async (): Promise<string> => {
    const id = await uninvited();
    await t.app.get(UsersAdminService).archive(actor, id);
    return id;
  };
  /** A person who has accepted an invitation: active, with a password. */
  const joined = async (): Promise<string> => {
    const person = await insertPerson(m(), org.organizationId, `joined${++n}@example.test`, { status: 'active' });
    await m().insert(UserCredential, { userId: person.id, organizationId: org.organizationId, passwordHash: 'argon2-hash-of-a-test', updatedAt: new Date() });
    return person.id;
  };

  beforeAll(async () => {
    t = await startServiceTestApp();
    invitations = t.app.get(InvitationsService);
    org = await createOrganization(t.app);
    actor = { userId: org.adminUserId, organizationId: org.organizationId };
    scope = await createDirectory(t.app, org.organizationId);
  });
  afterAll(() => t.close());

  it('invites an uninvited person: they become invited, with one open invitation', async () => {
    const id = await uninvited();
    const { resent } = await invitations.inviteOne(actor, id);
    expect(resent).toBe(false);
    expect(await status(id)).toBe('invited');
    expect(await m().countBy(Invitation, { userId: id })).toBe(1);
  });

  it('re-invites an invited person: the old link is replaced, still one open invitation', async () => {
    const id = await uninvited();
    await invitations.inviteOne(actor, id);
    const again = await invitations.inviteOne(actor, id);
    expect(again.resent).toBe(true);
    const rows = await m().findBy(Invitation, { userId: id });
    expect(rows).toHaveLength(2);
    expect(await openInvitations(id)).toBe(1);
  });

  it('invites the first admin, active but without a password, so they can set one', async () => {
    await expect(invitations.inviteOne(actor, org.adminUserId)).resolves.toMatchObject({ resent: false });
  });

  it.each([
    ['archived', archived, 'USER_ARCHIVED'],
    ['joined (active with a password)', joined, 'USER_ALREADY_ACTIVE'],
    ['without an email', withoutEmail, 'USER_HAS_NO_EMAIL'],
  ])('refuses a person who is %s, and issues nothing', async (_what, make, code) => {
    const id = await make();
    const before = await status(id);
    await expect(invitations.inviteOne(actor, id)).rejects.toMatchObject({ code });
    expect(await m().countBy(Invitation, { userId: id })).toBe(0);
    expect(await status(id)).toBe(before);
  });

  it('refuses an unknown id, and a person of another organisation, as not found', async () => {
    const other = await createOrganization(t.app);
    const stranger = (await insertPerson(m(), other.organizationId, `stranger${++n}@example.test`)).id;
    await expect(invitations.inviteOne(actor, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(invitations.inviteOne(actor, stranger)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(await status(stranger)).toBe('uninvited');
  });

  it('a batch invites whoever may be invited and counts the others by reason', async () => {
    const ids = [await uninvited(), await uninvited(), await archived(), await joined(), await withoutEmail(), '00000000-0000-4000-8000-000000000001'];
    const invitedBefore = await uninvited();
    await invitations.inviteOne(actor, invitedBefore);
    const counts = await invitations.inviteMany(actor, [...ids, invitedBefore]);
    expect(counts).toEqual({ invited: 2, resent: 1, skipped: { notFound: 1, archived: 1, active: 1, noEmail: 1 } });
  });

  it('a group auto-invite takes only the uninvited: never re-invites, never the archived or those without email', async () => {
    const fresh = await uninvited();
    const invitedBefore = await uninvited();
    await invitations.inviteOne(actor, invitedBefore);
    const ids = [fresh, invitedBefore, await archived(), await joined(), await withoutEmail()];
    const invited = await t.app.get(Transactions).run((tx) => invitations.inviteUninvitedWithin(tx, org.organizationId, ids));
    expect(invited).toBe(1);
    expect(await status(fresh)).toBe('invited');
    expect(await m().countBy(Invitation, { userId: invitedBefore })).toBe(1);
    expect(await openInvitations(fresh)).toBe(1);
  });
});
