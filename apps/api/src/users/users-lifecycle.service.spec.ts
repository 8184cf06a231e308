import type { EntityManager } from 'typeorm';
import { UsersLifecycle, PersonAccessHook, setArchived, setEmail, setRestored } from './users-lifecycle.service';
import { User } from './user.entity';

const m = {} as EntityManager;
const at = new Date('2026-01-01T00:00:00Z');

function recorder(): PersonAccessHook & { calls: string[] } {
  const calls: string[] = [];
  return {
    accessName: 'recorder',
    calls,
    endAccess: async (_m, org, ids) => void calls.push(`end ${org} ${ids.join(',')}`),
    emailChanged: async (_m, org, ids) => void calls.push(`email ${org} ${ids.join(',')}`),
  };
}

describe('UsersLifecycle.changed', () => {
  it.each([
    ['archive', { archivedAt: null, emailKey: 'k' }, { archivedAt: at, emailKey: 'k' }, ['end o u']],
    ['restore (nothing from before the archive survives it)', { archivedAt: at, emailKey: 'k' }, { archivedAt: null, emailKey: 'k' }, ['end o u']],
    ['email change', { archivedAt: null, emailKey: 'a' }, { archivedAt: null, emailKey: 'b' }, ['email o u']],
    ['archive with a new email', { archivedAt: null, emailKey: 'a' }, { archivedAt: at, emailKey: 'b' }, ['end o u', 'email o u']],
    ['no change', { archivedAt: null, emailKey: 'k' }, { archivedAt: null, emailKey: 'k' }, []],
    ['DELETE of someone already deactivated', { archivedAt: at, emailKey: 'k' }, { archivedAt: at, emailKey: 'k' }, []],
  ])('%s', async (_, before, after, expected) => {
    const lifecycle = new UsersLifecycle();
    const hook = recorder();
    lifecycle.register(hook);
    await lifecycle.changed(m, 'o', 'u', before, after);
    expect(hook.calls).toEqual(expected);
  });

  it('registers a hook once, and unregisters it', async () => {
    const lifecycle = new UsersLifecycle();
    const hook = recorder();
    lifecycle.register(hook);
    const unregister = lifecycle.register(hook);
    expect(lifecycle.registered).toEqual(['recorder']);
    unregister();
    await lifecycle.endAccess(m, 'o', ['u']);
    expect(hook.calls).toEqual([]);
  });
});

describe('the active email key follows the archive state', () => {
  it('is the email key while live, null while archived, and back on restore', () => {
    const u = Object.assign(new User(), { archivedAt: null, archiveReason: null });
    setEmail(u, 'Ada@Example.com');
    expect(u.activeEmailKey).toBe(u.emailKey);
    setArchived(u, 'deactivated', at);
    expect([u.activeEmailKey, u.archivedAt, u.archiveReason]).toEqual([null, at, 'deactivated']);
    setEmail(u, 'new@example.com');
    expect(u.activeEmailKey).toBeNull();
    setArchived(u, 'deleted');
    expect(u.archivedAt).toBe(at); // the first archive time stays
    setRestored(u);
    expect([u.activeEmailKey, u.archivedAt]).toEqual([u.emailKey, null]);
    setEmail(u, null);
    expect([u.email, u.emailKey, u.activeEmailKey]).toEqual([null, null, null]);
  });
});
