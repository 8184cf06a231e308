import { ScimError } from '../errors';
import { ENTERPRISE_USER_URN, FRANKLI_GROUP_URN } from '../messages';
import { GROUP_RESOURCE, USER_RESOURCE } from '../schemas/resource-schemas';
import { parseResourceBody } from './resource-body';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describe('parseResourceBody', () => {
  it('reads the POST /Users body Entra sends (ENTRA.md §2.3)', () => {
    const body = JSON.parse(`{
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
      "active": true,
      "emails": [{ "primary": true, "type": "work", "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com" }],
      "meta": { "resourceType": "User" },
      "name": { "formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName" },
      "roles": []
    }`);
    expect(parseResourceBody(body, USER_RESOURCE)).toEqual({
      schemas: [CORE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    });
  });

  it('refuses a schema URN that is not declared for the resource, naming it', () => {
    const misspelled = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User';
    expect(() => parseResourceBody({ schemas: [CORE, misspelled], userName: 'a' }, USER_RESOURCE)).toThrow(
      expect.objectContaining({ scimType: 'invalidSyntax', detail: expect.stringContaining(misspelled) }),
    );
    expect(() => parseResourceBody({ schemas: [GROUP], displayName: 'a' }, USER_RESOURCE)).toThrow(
      expect.objectContaining({ scimType: 'invalidSyntax', detail: expect.stringContaining(GROUP) }),
    );
    expect(() => parseResourceBody({ schemas: [ENTERPRISE_USER_URN], userName: 'a' }, USER_RESOURCE)).toThrow(
      expect.objectContaining({ scimType: 'invalidSyntax', detail: expect.stringContaining(CORE) }),
    );
    expect(() => parseResourceBody({ userName: 'a' }, USER_RESOURCE)).toThrow(expect.objectContaining({ scimType: 'invalidSyntax' }));
    expect(parseResourceBody({ schemas: [CORE.toUpperCase()], userName: 'a' }, USER_RESOURCE)).toEqual({ schemas: [CORE], userName: 'a' });
  });

  it('tolerates the older sample: nulls, string booleans', () => {
    const body = {
      schemas: [CORE, ENTERPRISE_USER_URN],
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: 'True',
      addresses: null,
      title: null,
      manager: null,
      displayName: 'Test',
      [ENTERPRISE_USER_URN]: { department: 'Sales', manager: [{ value: 'm1', $ref: null }] },
      id: 'ignored',
      groups: [{ value: 'g' }],
    };
    expect(parseResourceBody(body, USER_RESOURCE)).toEqual({
      schemas: [CORE, ENTERPRISE_USER_URN],
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      displayName: 'Test',
      [ENTERPRISE_USER_URN]: { department: 'Sales', manager: { value: 'm1' } },
    });
  });

  it('reads the POST /Groups body (ENTRA.md §2.7) with members as [{value}]', () => {
    const body = {
      schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    };
    expect(parseResourceBody(body, GROUP_RESOURCE)).toEqual({
      schemas: [GROUP],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      members: [],
    });
    expect(parseResourceBody({ schemas: [GROUP], displayName: 'G', members: [{ value: 'u1', display: 'x' }, { value: 'u1' }, 'u2'] }, GROUP_RESOURCE)).toEqual({
      schemas: [GROUP],
      displayName: 'G',
      members: [{ value: 'u1' }, { value: 'u2' }],
    });
  });

  it('ignores the read-only group entitlements in every shape a POST or PUT may carry them', () => {
    const body = {
      schemas: [GROUP, FRANKLI_GROUP_URN],
      displayName: 'G',
      [FRANKLI_GROUP_URN]: { autoInvite: 'true', grantsAdmin: true },
      [`${FRANKLI_GROUP_URN.toUpperCase()}:GRANTSADMIN`]: true,
      grantsAdmin: true,
      AutoInvite: true,
    };
    expect(parseResourceBody(body, GROUP_RESOURCE)).toEqual({ schemas: [GROUP], displayName: 'G', members: [] });
  });

  it.each<[unknown, string, RegExp]>([
    [{ schemas: [CORE], displayName: 'no userName' }, 'invalidValue', /"userName" is required/],
    [{ schemas: [CORE], userName: '   ' }, 'invalidValue', /"userName" is required/],
    [{ schemas: [CORE], userName: 'a', active: 'perhaps' }, 'invalidValue', /active/],
    [{ schemas: [CORE], userName: 7 }, 'invalidValue', /"userName" must be a string/],
    [{ schemas: [CORE], userName: 'a', USERNAME: 'b' }, 'invalidSyntax', /"userName" and "USERNAME"/],
    [{ schemas: [CORE], userName: 'a', nickNames: 'b' }, 'invalidSyntax', /Unknown attribute "nickNames"/],
    [[], 'invalidSyntax', /JSON object/],
    ['{}', 'invalidSyntax', /JSON object/],
    [JSON.parse(`{"schemas":["${CORE}"],"userName":"a","__proto__":{"polluted":true}}`), 'invalidPath', /__proto__/],
  ])('rejects %j', (body, scimType, detail) => {
    let caught: unknown;
    try {
      parseResourceBody(body, USER_RESOURCE);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ScimError);
    expect((caught as ScimError).scimType).toBe(scimType);
    expect((caught as ScimError).detail).toMatch(detail);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('requires a Group displayName', () => {
    expect(() => parseResourceBody({ schemas: [GROUP], members: [] }, GROUP_RESOURCE)).toThrow(/"displayName" is required/);
  });
});
