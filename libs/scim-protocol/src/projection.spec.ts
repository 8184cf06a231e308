import { ENTERPRISE_USER_URN } from './messages';
import { isAttributeRequested, projectResource, ProjectionParams } from './projection';
import { GROUP_RESOURCE, USER_RESOURCE } from './schemas/resource-schemas';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const USER = {
  schemas: [CORE, ENTERPRISE_USER_URN],
  id: 'u1',
  externalId: 'ext',
  userName: 'bjensen@example.com',
  name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs',
  active: true,
  emails: [{ value: 'b@x', type: 'work', primary: true }],
  groups: [{ value: 'g1', $ref: 'https://x/Groups/g1', display: 'Group 1' }],
  [ENTERPRISE_USER_URN]: { department: 'Tour', manager: { value: 'm1' } },
  meta: { resourceType: 'User', location: 'https://x/Users/u1' },
};

const GROUP_WITH_MEMBERS = {
  schemas: [GROUP],
  id: 'g1',
  displayName: 'Group',
  members: [{ value: 'u1', display: 'Babs' }],
  meta: { resourceType: 'Group' },
};

const keys = (value: object): string[] => Object.keys(value);

describe('projectResource', () => {
  it('returns everything without parameters', () => {
    expect(projectResource(USER, {}, USER_RESOURCE)).toEqual(USER);
    expect(projectResource(USER, { attributes: '', excludedAttributes: '' }, USER_RESOURCE)).toEqual(USER);
  });

  it.each<[ProjectionParams, Record<string, unknown>]>([
    [{ attributes: 'userName' }, { schemas: USER.schemas, id: 'u1', userName: USER.userName, meta: USER.meta }],
    [{ attributes: 'USERNAME,Emails' }, { schemas: USER.schemas, id: 'u1', userName: USER.userName, emails: USER.emails, meta: USER.meta }],
    [{ attributes: ' userName , , nickName ' }, { schemas: USER.schemas, id: 'u1', userName: USER.userName, meta: USER.meta }],
    [{ attributes: 'name.givenName' }, { schemas: USER.schemas, id: 'u1', name: { givenName: 'Barbara' }, meta: USER.meta }],
    [{ attributes: `${CORE}:name.familyName` }, { schemas: USER.schemas, id: 'u1', name: { familyName: 'Jensen' }, meta: USER.meta }],
    [{ attributes: 'emails.value' }, { schemas: USER.schemas, id: 'u1', emails: [{ value: 'b@x' }], meta: USER.meta }],
    // Microsoft's Postman collection sends a filter inside `attributes`.
    [{ attributes: 'emails[type eq "work"]' }, { schemas: USER.schemas, id: 'u1', emails: USER.emails, meta: USER.meta }],
    [
      { attributes: `${ENTERPRISE_USER_URN}:manager` },
      { schemas: USER.schemas, id: 'u1', [ENTERPRISE_USER_URN]: { manager: { value: 'm1' } }, meta: USER.meta },
    ],
    [{ attributes: 'department' }, { schemas: USER.schemas, id: 'u1', [ENTERPRISE_USER_URN]: { department: 'Tour' }, meta: USER.meta }],
    [{ attributes: ENTERPRISE_USER_URN }, { schemas: USER.schemas, id: 'u1', [ENTERPRISE_USER_URN]: USER[ENTERPRISE_USER_URN], meta: USER.meta }],
    [{ attributes: ['userName', 'active'] }, { schemas: USER.schemas, id: 'u1', userName: USER.userName, active: true, meta: USER.meta }],
    [{ attributes: 'id' }, { schemas: USER.schemas, id: 'u1', meta: USER.meta }],
  ])('attributes %j', (params, expected) => {
    expect(projectResource(USER, params, USER_RESOURCE)).toEqual(expected);
  });

  it.each<[ProjectionParams, string[]]>([
    [{ excludedAttributes: 'emails' }, ['emails']],
    [{ excludedAttributes: 'EMAILS,groups' }, ['emails', 'groups']],
    [{ excludedAttributes: 'id,meta,schemas' }, []],
    [{ excludedAttributes: ENTERPRISE_USER_URN }, [ENTERPRISE_USER_URN]],
    [{ excludedAttributes: 'nickName' }, []],
  ])('excludedAttributes %j drops %j', (params, dropped) => {
    const result = projectResource(USER, params, USER_RESOURCE);
    expect(keys(result)).toEqual(keys(USER).filter((key) => !dropped.includes(key)));
  });

  it('excludes sub-attributes and empty extension objects', () => {
    const result = projectResource(USER, { excludedAttributes: 'name.formatted,department,manager' }, USER_RESOURCE);
    expect(result.name).toEqual({ familyName: 'Jensen', givenName: 'Barbara' });
    expect(result).not.toHaveProperty([ENTERPRISE_USER_URN]);
  });

  it('honours excludedAttributes=members for groups (ENTRA.md §2.7)', () => {
    expect(projectResource(GROUP_WITH_MEMBERS, { excludedAttributes: 'members' }, GROUP_RESOURCE)).toEqual({
      schemas: [GROUP],
      id: 'g1',
      displayName: 'Group',
      meta: { resourceType: 'Group' },
    });
    // An empty member list as stored is still returned.
    expect(projectResource({ ...GROUP_WITH_MEMBERS, members: [] }, {}, GROUP_RESOURCE)).toHaveProperty('members', []);
  });

  it('never returns returned:"never" attributes', () => {
    const withSecret = {
      ...USER_RESOURCE,
      core: {
        ...USER_RESOURCE.core,
        attributes: [...USER_RESOURCE.core.attributes, { ...USER_RESOURCE.core.attributes[2], name: 'password', returned: 'never' as const, required: false }],
      },
    };
    const user = { ...USER, password: 'secret' };
    expect(projectResource(user, {}, withSecret)).not.toHaveProperty('password');
    expect(projectResource(user, { attributes: 'password' }, withSecret)).not.toHaveProperty('password');
  });

  it('does not modify its input', () => {
    const input = structuredClone(USER);
    projectResource(input, { attributes: 'name.givenName' }, USER_RESOURCE);
    expect(input).toEqual(USER);
  });
});

describe('isAttributeRequested', () => {
  it.each<[string, ProjectionParams, boolean]>([
    ['members', {}, true],
    ['members', { excludedAttributes: 'members' }, false],
    ['members', { excludedAttributes: 'MEMBERS' }, false],
    ['members', { excludedAttributes: 'displayName' }, true],
    ['members', { attributes: 'displayName' }, false],
    ['members', { attributes: 'members.value' }, true],
    ['members.value', { attributes: 'members' }, true],
    ['members.display', { attributes: 'members.value' }, false],
    ['members.display', { excludedAttributes: 'members.display' }, false],
    ['id', { attributes: 'displayName' }, true],
    ['meta', { excludedAttributes: 'meta' }, true],
    ['autoInvite', { excludedAttributes: 'urn:ietf:params:scim:schemas:extension:frankli:2.0:Group' }, false],
    ['urn:ietf:params:scim:schemas:extension:frankli:2.0:Group', { attributes: 'grantsAdmin' }, true],
    ['urn:ietf:params:scim:schemas:extension:frankli:2.0:Group', { attributes: 'displayName' }, false],
  ])('%s with %j → %s', (name, params, expected) => {
    expect(isAttributeRequested(name, params, GROUP_RESOURCE)).toBe(expected);
  });

  it('works for User extension attributes', () => {
    expect(isAttributeRequested('manager', { attributes: `${ENTERPRISE_USER_URN}:manager.value` }, USER_RESOURCE)).toBe(true);
    expect(isAttributeRequested(`${ENTERPRISE_USER_URN}:manager`, { excludedAttributes: 'manager' }, USER_RESOURCE)).toBe(false);
    expect(isAttributeRequested('groups', { attributes: 'userName' }, USER_RESOURCE)).toBe(false);
  });
});
