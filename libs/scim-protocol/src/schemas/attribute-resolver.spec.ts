import { ENTERPRISE_USER_URN } from '../messages';
import { resolveAttribute, splitSchemaPrefix } from './attribute-resolver';
import { GROUP_RESOURCE, USER_RESOURCE } from './resource-schemas';
import { ResourceSchema } from './schema-types';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('resolveAttribute', () => {
  it.each<[string, unknown]>([
    ['userName', { schema: CORE, attribute: 'userName', extension: false }],
    ['USERNAME', { schema: CORE, attribute: 'userName', extension: false }],
    ['NAME.GIVENNAME', { schema: CORE, attribute: 'name', subAttribute: 'givenName', extension: false }],
    [`${CORE}:name.givenName`, { schema: CORE, attribute: 'name', subAttribute: 'givenName', extension: false }],
    [`${CORE.toUpperCase()}:NAME.GIVENNAME`, { schema: CORE, attribute: 'name', subAttribute: 'givenName', extension: false }],
    [`${ENTERPRISE_USER_URN}:manager`, { schema: ENTERPRISE_USER_URN, attribute: 'manager', extension: true }],
    [`${ENTERPRISE_USER_URN}:manager.value`, { schema: ENTERPRISE_USER_URN, attribute: 'manager', subAttribute: 'value', extension: true }],
    ['department', { schema: ENTERPRISE_USER_URN, attribute: 'department', extension: true }],
    ['Manager.Value', { schema: ENTERPRISE_USER_URN, attribute: 'manager', subAttribute: 'value', extension: true }],
    ['emails.$ref', undefined],
    ['groups.$REF', { schema: CORE, attribute: 'groups', subAttribute: '$ref', extension: false }],
    ['  title  ', { schema: CORE, attribute: 'title', extension: false }],
  ])('%s', (name, expected) => {
    const resolved = resolveAttribute(USER_RESOURCE, name);
    if (expected === undefined) {
      expect(resolved).toBeUndefined();
    } else {
      expect(resolved).toMatchObject(expected as object);
      expect(resolved?.definition.name).toBe((expected as { attribute: string }).attribute);
    }
  });

  it.each([
    'nickNames',
    'name.nickName',
    'name.givenName.x',
    'name.',
    '.name',
    '',
    `${ENTERPRISE_USER_URN}:userName`,
    `${CORE}:department`,
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0User:department',
    `${ENTERPRISE_USER_URN}`,
    'members',
    '__proto__',
    'constructor',
  ])('%p is not a User attribute', (name) => {
    expect(resolveAttribute(USER_RESOURCE, name)).toBeUndefined();
  });

  it('resolves Group attributes and the frankli extension', () => {
    expect(resolveAttribute(GROUP_RESOURCE, 'MEMBERS.value')).toMatchObject({ attribute: 'members', subAttribute: 'value' });
    expect(resolveAttribute(GROUP_RESOURCE, 'autoinvite')).toMatchObject({
      schema: 'urn:ietf:params:scim:schemas:extension:frankli:2.0:Group',
      attribute: 'autoInvite',
      extension: true,
    });
  });

  it('refuses a bare name that two extensions share', () => {
    const twoExtensions: ResourceSchema = {
      ...USER_RESOURCE,
      extensions: [USER_RESOURCE.extensions[0], { ...USER_RESOURCE.extensions[0], id: 'urn:example:other:2.0:User' }],
    };
    expect(resolveAttribute(twoExtensions, 'department')).toBeUndefined();
    expect(resolveAttribute(twoExtensions, 'urn:example:other:2.0:User:department')).toMatchObject({ schema: 'urn:example:other:2.0:User' });
  });

  it('splits on the longest known schema prefix', () => {
    expect(splitSchemaPrefix(USER_RESOURCE, `${ENTERPRISE_USER_URN}:manager.value`)).toMatchObject({ rest: 'manager.value' });
    expect(splitSchemaPrefix(USER_RESOURCE, 'urn:unknown:attr')).toBeUndefined();
  });
});
