import { ScimError, ScimType } from '../errors';
import { ENTERPRISE_USER_URN, FRANKLI_GROUP_URN, PATCH_OP_URN } from '../messages';
import { GROUP_RESOURCE, USER_RESOURCE } from '../schemas/resource-schemas';
import { ResourceSchema } from '../schemas/schema-types';
import { applyPatch } from './patch-applier';
import { parsePatchRequest } from './patch-parser';
import { PatchOperation } from './patch-types';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = ENTERPRISE_USER_URN;

type Resource = Record<string, unknown>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Parses and applies like the Users/Groups services will; the input is frozen to prove it is never mutated. */
function patch(resource: Resource, operations: unknown[], schema: ResourceSchema = USER_RESOURCE): Resource {
  const before = JSON.stringify(resource);
  const frozen = deepFreeze(structuredClone(resource));
  const result = applyPatch(frozen, parsePatchRequest({ schemas: [PATCH_OP_URN], Operations: operations }, schema), schema);
  expect(JSON.stringify(frozen)).toBe(before);
  expect(result).not.toBe(frozen);
  return result;
}

function expectPatchError(resource: Resource, operations: unknown[], scimType: ScimType, detail?: RegExp, schema = USER_RESOURCE): void {
  const frozen = deepFreeze(structuredClone(resource));
  let caught: unknown;
  try {
    applyPatch(frozen, parsePatchRequest({ Operations: operations }, schema), schema);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ScimError);
  expect((caught as ScimError).scimType).toBe(scimType);
  if (detail) expect((caught as ScimError).detail).toMatch(detail);
  expect(frozen).toEqual(resource);
}

/** A user as the Users service would render it before a PATCH. */
const USER: Resource = {
  schemas: [CORE, ENT],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'bjensen',
  userName: 'bjensen@example.com',
  name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  title: 'Tour Guide',
  active: true,
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
  [ENT]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    location: 'https://example.com/scim/v2/Users/2819c223-7f76-453a-919d-413861904646',
  },
};

const BARE_USER: Resource = { schemas: [CORE], id: 'u1', userName: 'bare@example.com', active: true };

describe('applyPatch', () => {
  describe('Entra user updates (ENTRA.md §2.4)', () => {
    it('multi-valued + single-valued replace', () => {
      const result = patch(USER, [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ]);
      expect(result.emails).toEqual([{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
      expect(result.name).toEqual({ formatted: 'Barbara Jensen', familyName: 'updatedFamilyName', givenName: 'Barbara' });
    });

    it('single-valued userName replace', () => {
      expect(patch(USER, [{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }]).userName).toBe(
        '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
      );
    });

    it('replace multiple attributes, without the feature flag', () => {
      const result = patch(USER, [
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
        { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
        { op: 'Replace', path: 'externalId', value: 'Eqpj' },
        { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', value: 'Eqpj' },
      ]);
      expect(result).toMatchObject({
        displayName: 'Pvlo',
        emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work', primary: true }],
        name: { givenName: 'Gtfd', familyName: 'Pkqf' },
        externalId: 'Eqpj',
        [ENT]: { employeeNumber: 'Eqpj', department: 'Tour Operations' },
      });
    });

    it('replace multiple attributes, with the feature flag (path-less, dotted and URN keys)', () => {
      const result = patch(USER, [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Bjfe',
            'name.givenName': 'Kkom',
            'name.familyName': 'Unua',
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
          },
        },
      ]);
      expect(result).toMatchObject({
        displayName: 'Bjfe',
        name: { formatted: 'Barbara Jensen', givenName: 'Kkom', familyName: 'Unua' },
        emails: [{ value: 'TestMhvaes@test.microsoft.com', type: 'work', primary: true }],
        [ENT]: { employeeNumber: 'Aklq' },
      });
      // Dotted keys are paths, never literal keys (pitfall 4).
      expect(result).not.toHaveProperty(['name.givenName']);
      expect(Object.keys(result)).not.toContain('name.givenName');
    });

    it('path-less add with dotted keys on a user without those attributes', () => {
      const result = patch(BARE_USER, [{ op: 'add', value: { 'name.givenName': 'Given', 'name.formatted': 'Given Family', title: 'CTO', displayName: 'GF' } }]);
      expect(result).toEqual({ ...BARE_USER, name: { givenName: 'Given', formatted: 'Given Family' }, title: 'CTO', displayName: 'GF' });
    });

    it('add on an existing single value replaces it (scim2#281)', () => {
      expect(patch(USER, [{ op: 'Add', path: 'title', value: 'Chief' }]).title).toBe('Chief');
      expect(patch(USER, [{ op: 'Add', path: 'name.givenName', value: 'Barb' }]).name).toMatchObject({ givenName: 'Barb' });
    });

    it('address sub-attributes, one Add each, merge into one created work address (pitfall 5)', () => {
      const result = patch(BARE_USER, [
        { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: 'Street' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Locality' },
        { op: 'Add', path: 'addresses[type eq "work"].region', value: 'Region' },
        { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: 'PostalCode' },
        { op: 'Add', path: 'addresses[type eq "work"].country', value: 'Country' },
      ]);
      expect(result.addresses).toEqual([
        { type: 'work', streetAddress: 'Street', locality: 'Locality', region: 'Region', postalCode: 'PostalCode', country: 'Country' },
      ]);
    });

    it('address sub-attributes merge into an existing work address and leave others alone', () => {
      const user = {
        ...BARE_USER,
        addresses: [
          { type: 'work', formatted: 'Old', locality: 'Old town' },
          { type: 'other', formatted: 'Home' },
        ],
      };
      const result = patch(user, [
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'New town' },
        { op: 'Add', path: 'addresses[type eq "work"].country', value: 'NZ' },
      ]);
      expect(result.addresses).toEqual([
        { type: 'work', formatted: 'Old', locality: 'New town', country: 'NZ' },
        { type: 'other', formatted: 'Home' },
      ]);
    });

    it('add to emails[type eq "work"].value creates the work email when absent (SCIM-SDK#416)', () => {
      expect(patch(BARE_USER, [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'new@x.com' }]).emails).toEqual([
        { type: 'work', value: 'new@x.com' },
      ]);
    });

    it('replace through a value filter that selects nothing is 400 noTarget (RFC 7644 §3.5.2.3)', () => {
      expect(() => patch(BARE_USER, [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@x.com' }])).toThrow(
        expect.objectContaining({ scimType: 'noTarget' }),
      );
      expect(() => patch(BARE_USER, [{ op: 'replace', path: 'groups[value eq "g"]', value: { value: 'g' } }])).toThrow(
        expect.objectContaining({ scimType: 'noTarget' }),
      );
      const withEmail = patch(BARE_USER, [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'a@x.com' }]);
      expect(patch(withEmail, [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'b@x.com' }]).emails).toEqual([
        { type: 'work', value: 'b@x.com' },
      ]);
    });

    it('a readOnly attribute in a path-less value is ignored when unchanged, 400 mutability otherwise', () => {
      const user = { ...BARE_USER, id: 'u-1' };
      expect(patch(user, [{ op: 'replace', value: { id: 'u-1', title: 'T' } }])).toMatchObject({ id: 'u-1', title: 'T' });
      expect(() => patch(user, [{ op: 'replace', value: { id: 'u-2', title: 'T' } }])).toThrow(expect.objectContaining({ scimType: 'mutability' }));
      expect(() => patch(user, [{ op: 'replace', path: 'id', value: 'u-1' }])).toThrow(expect.objectContaining({ scimType: 'mutability' }));
    });

    it('creates phone numbers per type and keeps types unique', () => {
      const result = patch(USER, [
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 mobile' },
        { op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 work' },
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+2 mobile' },
      ]);
      expect(result.phoneNumbers).toEqual([
        { value: '+1 work', type: 'work' },
        { type: 'mobile', value: '+2 mobile' },
      ]);
    });

    it('filters match type case-insensitively', () => {
      expect(patch(USER, [{ op: 'replace', path: 'emails[type eq "WORK"].value', value: 'x@y' }]).emails).toEqual([
        { value: 'x@y', type: 'work', primary: true },
      ]);
    });

    it('creates an element from an and-filter of equalities', () => {
      expect(patch(BARE_USER, [{ op: 'add', path: 'emails[type eq "work" and primary eq true].value', value: 'a@b' }]).emails).toEqual([
        { type: 'work', primary: true, value: 'a@b' },
      ]);
    });

    it('refuses to invent an element a filter does not describe (noTarget)', () => {
      expectPatchError(USER, [{ op: 'replace', path: 'emails[value co "nomatch"].value', value: 'x' }], 'noTarget', /matches the path filter/);
      expectPatchError(BARE_USER, [{ op: 'add', path: 'emails[type eq "work" or type eq "home"].value', value: 'x' }], 'noTarget');
      expectPatchError(BARE_USER, [{ op: 'add', path: 'emails[not (type eq "work")].value', value: 'x' }], 'noTarget');
      expectPatchError(BARE_USER, [{ op: 'add', path: 'emails[type pr].value', value: 'x' }], 'noTarget');
      // Values are unique per type: without a type there is no slot to create.
      expectPatchError(BARE_USER, [{ op: 'replace', path: 'emails[value eq "a@b"].value', value: 'x' }], 'noTarget');
      expectPatchError(USER, [{ op: 'replace', path: 'manager[value eq "someone-else"]', value: { value: 'x' } }], 'noTarget');
    });

    it('remove of a filtered element and of a filtered sub-attribute', () => {
      const user = {
        ...BARE_USER,
        addresses: [
          { type: 'work', locality: 'A', country: 'B' },
          { type: 'other', formatted: 'Home' },
        ],
      };
      expect(patch(user, [{ op: 'Remove', path: 'addresses[type eq "work"]' }]).addresses).toEqual([{ type: 'other', formatted: 'Home' }]);
      expect(patch(user, [{ op: 'Remove', path: 'addresses[type eq "work"].locality' }]).addresses).toEqual([
        { type: 'work', country: 'B' },
        { type: 'other', formatted: 'Home' },
      ]);
      // An element left with only type/primary is dropped; an empty list disappears.
      expect(patch(USER, [{ op: 'remove', path: 'emails[type eq "work"].value' }])).not.toHaveProperty('emails');
      expect(patch(USER, [{ op: 'replace', path: 'emails[type eq "work"].value', value: '' }])).not.toHaveProperty('emails');
      // Nothing matches: nothing to do.
      expect(patch(USER, [{ op: 'remove', path: 'addresses[type eq "work"]' }])).toEqual(USER);
    });

    it('replace of a filtered element replaces it but keeps its type', () => {
      const user = { ...BARE_USER, addresses: [{ type: 'work', locality: 'A', country: 'B' }] };
      expect(patch(user, [{ op: 'replace', path: 'addresses[type eq "work"]', value: { locality: 'C' } }]).addresses).toEqual([
        { type: 'work', locality: 'C' },
      ]);
      expect(patch(user, [{ op: 'add', path: 'addresses[type eq "work"]', value: { locality: 'C' } }]).addresses).toEqual([
        { type: 'work', locality: 'C', country: 'B' },
      ]);
      expect(patch(BARE_USER, [{ op: 'add', path: 'addresses[type eq "work"]', value: { locality: 'C' } }]).addresses).toEqual([
        { type: 'work', locality: 'C' },
      ]);
    });

    it('path-less replace of a multi-valued attribute replaces the list', () => {
      const result = patch(USER, [{ op: 'replace', value: { emails: [{ value: 'only@x', type: 'work', primary: true }] } }]);
      expect(result.emails).toEqual([{ value: 'only@x', type: 'work', primary: true }]);
      expect(patch(USER, [{ op: 'replace', path: 'phoneNumbers', value: [{ value: '1', type: 'mobile' }] }]).phoneNumbers).toEqual([
        { value: '1', type: 'mobile' },
      ]);
    });

    it('add of a multi-valued attribute merges by type', () => {
      const result = patch(USER, [
        {
          op: 'add',
          path: 'phoneNumbers',
          value: [
            { value: 'new work', type: 'Work' },
            { value: 'mobile', type: 'mobile' },
          ],
        },
      ]);
      expect(result.phoneNumbers).toEqual([
        { value: 'new work', type: 'work' },
        { value: 'mobile', type: 'mobile' },
      ]);
    });

    it('keeps a single primary', () => {
      const user = { ...BARE_USER, phoneNumbers: [{ value: '1', type: 'work', primary: true }] };
      expect(patch(user, [{ op: 'add', path: 'phoneNumbers', value: [{ value: '2', type: 'mobile', primary: 'True' }] }]).phoneNumbers).toEqual([
        { value: '1', type: 'work', primary: false },
        { value: '2', type: 'mobile', primary: true },
      ]);
    });

    it('removes values of a multi-valued attribute given as a value list', () => {
      const user = {
        ...BARE_USER,
        phoneNumbers: [
          { value: '1', type: 'work' },
          { value: '2', type: 'mobile' },
        ],
      };
      expect(patch(user, [{ op: 'remove', path: 'phoneNumbers', value: [{ value: '2' }] }]).phoneNumbers).toEqual([{ value: '1', type: 'work' }]);
      expect(patch(user, [{ op: 'remove', path: 'phoneNumbers' }])).not.toHaveProperty('phoneNumbers');
    });
  });

  describe('manager (ENTRA.md §2.4, pitfall 6)', () => {
    const managerOf = (resource: Resource): unknown => (resource[ENT] as Resource | undefined)?.manager;

    it.each<[string, unknown]>([
      ['bare string, add', { op: 'Add', path: `${ENT}:manager`, value: 'mgr-1' }],
      ['bare string, replace', { op: 'replace', path: `${ENT}:manager`, value: 'mgr-1' }],
      ['object', { op: 'replace', path: 'manager', value: { value: 'mgr-1' } }],
      ['array with $ref', { op: 'Add', path: 'manager', value: [{ $ref: 'http://x/scim/Users/mgr-1', value: 'mgr-1' }] }],
      ['manager.value', { op: 'replace', path: `${ENT}:manager.value`, value: 'mgr-1' }],
      ['path-less nested', { op: 'add', value: { [ENT]: { manager: 'mgr-1' } } }],
      ['path-less URN key', { op: 'add', value: { [`${ENT}:manager`]: { value: 'mgr-1' } } }],
    ])('sets {value} under the extension key: %s', (_name, operation) => {
      const result = patch(BARE_USER, [operation]);
      expect(result[ENT]).toEqual({ manager: { value: 'mgr-1' } });
      // The extension URN joins `schemas` when the extension gains a value.
      expect(result.schemas).toEqual([CORE, ENT]);
      expect(result).not.toHaveProperty('manager');
    });

    it('changes the manager', () => {
      expect(managerOf(patch(USER, [{ op: 'replace', path: `${ENT}:manager`, value: 'mgr-2' }]))).toEqual({ value: 'mgr-2' });
    });

    it.each<[string, unknown]>([
      ['"" (Microsoft validator)', { op: 'replace', path: `${ENT}:manager`, value: '' }],
      ['whitespace', { op: 'replace', path: 'manager', value: ' ' }],
      ['remove', { op: 'remove', path: `${ENT}:manager` }],
      ['remove by filter', { op: 'remove', path: 'manager[value eq "26118915-6090-4610-87e4-49d8ca9f808d"]' }],
      ['empty array', { op: 'replace', path: 'manager', value: [] }],
      ['{value: ""}', { op: 'replace', path: 'manager', value: { value: '' } }],
    ])('clears it: %s', (_name, operation) => {
      const result = patch(USER, [operation]);
      expect(managerOf(result)).toBeUndefined();
      expect(result[ENT]).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });
    });

    it('keeps it when the remove filter names someone else', () => {
      expect(managerOf(patch(USER, [{ op: 'remove', path: 'manager[value eq "someone-else"]' }]))).toEqual({
        value: '26118915-6090-4610-87e4-49d8ca9f808d',
      });
    });

    it('drops the extension object, and its schema URN, once empty', () => {
      const result = patch(USER, [
        { op: 'remove', path: 'manager' },
        { op: 'replace', value: { [ENT]: { employeeNumber: '', department: ' ' } } },
      ]);
      expect(result).not.toHaveProperty([ENT]);
      expect(result.schemas).toEqual([CORE]);
    });
  });

  describe('disable / enable (ENTRA.md §2.5)', () => {
    it.each<[unknown, boolean]>([
      ['False', false],
      [false, false],
      ['false', false],
      ['True', true],
      [true, true],
    ])('active %p', (value, expected) => {
      expect(patch(USER, [{ op: 'Replace', path: 'active', value }]).active).toBe(expected);
    });
  });

  describe('Microsoft validator null update (ENTRA.md §2.4 clearing)', () => {
    it('clears optional attributes sent as ""', () => {
      const result = patch(USER, [
        {
          op: 'replace',
          value: {
            displayName: '',
            title: '',
            'name.givenName': '',
            'name.familyName': '',
            'name.formatted': '',
            'emails[type eq "work"].value': '',
            [`${ENT}:department`]: '',
          },
        },
      ]);
      expect(result).not.toHaveProperty('displayName');
      expect(result).not.toHaveProperty('title');
      expect(result).not.toHaveProperty('name');
      expect(result).not.toHaveProperty('emails');
      expect(result[ENT]).toEqual({ employeeNumber: '701984', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } });
    });

    it('refuses to clear a required attribute', () => {
      expectPatchError(USER, [{ op: 'replace', path: 'userName', value: '' }], 'invalidValue', /"userName" is required/);
      expectPatchError(USER, [{ op: 'remove', path: 'userName' }], 'invalidValue', /"userName" is required/);
    });
  });

  describe('groups (ENTRA.md §2.7)', () => {
    const GROUP: Resource = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'g1',
      displayName: 'displayName',
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      members: [{ value: 'u1' }, { value: 'u2', display: 'User Two' }],
    };

    it('renames', () => {
      expect(patch(GROUP, [{ op: 'Replace', path: 'displayName', value: 'updatedDisplayName' }], GROUP_RESOURCE).displayName).toBe('updatedDisplayName');
    });

    it.each<[string, unknown[], unknown]>([
      ['adds with $ref null', [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }], ['u1', 'u2', 'f648f8d5ea4e4cd38e9c']],
      ['adds idempotently', [{ op: 'Add', path: 'members', value: [{ value: 'u1' }, { value: 'u3' }] }], ['u1', 'u2', 'u3']],
      ['removes by value list', [{ op: 'Remove', path: 'members', value: [{ value: 'u1' }] }], ['u2']],
      ['removes by filter', [{ op: 'remove', path: 'members[value eq "u2"]' }], ['u1']],
      ['removes an absent member as a no-op', [{ op: 'remove', path: 'members[value eq "nobody"]' }], ['u1', 'u2']],
      ['removes all', [{ op: 'remove', path: 'members' }], []],
      ['replaces', [{ op: 'replace', path: 'members', value: [{ value: 'u2' }, { value: 'u9' }] }], ['u2', 'u9']],
      [
        'applies several in order',
        [
          { op: 'remove', path: 'members' },
          { op: 'add', path: 'members', value: ['a', 'b'] },
          { op: 'remove', path: 'members', value: [{ value: 'a' }] },
        ],
        ['b'],
      ],
    ])('members in memory: %s', (_name, operations, ids) => {
      const result = patch(GROUP, operations, GROUP_RESOURCE);
      expect((result.members as { value: string }[]).map((member) => member.value)).toEqual(ids);
    });

    it('keeps what it knew about remaining members', () => {
      const result = patch(GROUP, [{ op: 'replace', path: 'members', value: [{ value: 'u2' }] }], GROUP_RESOURCE);
      expect(result.members).toEqual([{ value: 'u2', display: 'User Two' }]);
    });

    it('skips member operations when the service did not load members', () => {
      const { members: _members, ...withoutMembers } = GROUP;
      const result = patch(
        withoutMembers,
        [
          { op: 'Add', path: 'members', value: [{ value: 'x' }] },
          { op: 'Replace', path: 'displayName', value: 'New' },
        ],
        GROUP_RESOURCE,
      );
      expect(result).toEqual({ ...withoutMembers, displayName: 'New' });
    });

    it('refuses to set the frankli group entitlements (read-only), and still renames', () => {
      expectPatchError(GROUP, [{ op: 'add', path: `${FRANKLI_GROUP_URN}:autoInvite`, value: 'True' }], 'mutability', /autoInvite" is readOnly/, GROUP_RESOURCE);
      expectPatchError(GROUP, [{ op: 'replace', value: { grantsAdmin: true } }], 'mutability', /grantsAdmin" is readOnly/, GROUP_RESOURCE);
      expect(patch(GROUP, [{ op: 'replace', path: 'displayName', value: 'New' }], GROUP_RESOURCE).displayName).toBe('New');
    });

    it('refuses to remove the displayName', () => {
      expectPatchError(GROUP, [{ op: 'remove', path: 'displayName' }], 'invalidValue', /displayName/, GROUP_RESOURCE);
    });
  });

  describe('read-only and schemas', () => {
    it.each<[unknown, RegExp]>([
      [{ op: 'replace', path: 'id', value: 'x' }, /"id" is readOnly/],
      [{ op: 'remove', path: 'id' }, /"id" is readOnly/],
      [{ op: 'replace', path: 'meta', value: {} }, /"meta" is readOnly/],
      [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }, /"groups" is readOnly/],
      [{ op: 'replace', value: { groups: [] } }, /"groups" is readOnly/],
    ])('%j → mutability', (operation, detail) => {
      expectPatchError(USER, [operation], 'mutability', detail);
    });

    it('ignores changes to schemas', () => {
      expect(
        patch(USER, [
          { op: 'replace', path: 'schemas', value: ['x'] },
          { op: 'replace', value: { schemas: ['y'] } },
        ]),
      ).toEqual(USER);
    });
  });

  describe('atomicity and immutability', () => {
    it('applies nothing when a later operation fails, and leaves the input untouched', () => {
      const input = deepFreeze(structuredClone(USER));
      const operations = parsePatchRequest(
        {
          Operations: [
            { op: 'replace', path: 'displayName', value: 'Changed' },
            { op: 'add', path: 'addresses[type eq "work"].locality', value: 'Town' },
            { op: 'replace', path: 'emails[value eq "nomatch"].value', value: 'x' },
          ],
        },
        USER_RESOURCE,
      );
      expect(() => applyPatch(input, operations, USER_RESOURCE)).toThrow(ScimError);
      expect(input).toEqual(USER);
    });

    it('returns a copy that shares nothing with the input', () => {
      const input = deepFreeze(structuredClone(USER));
      const result = applyPatch(input, [], USER_RESOURCE);
      expect(result).toEqual(USER);
      expect(result.emails).not.toBe(input.emails);
      expect(result[ENT]).not.toBe(input[ENT]);
      (result.emails as Resource[])[0].value = 'mutated';
      expect((input.emails as Resource[])[0].value).toBe('bjensen@example.com');
    });

    it('keeps canonical casing and drops differently-cased duplicates', () => {
      const input = { schemas: [CORE], id: 'u', userName: 'a', DisplayName: 'old' };
      const result = patch(input, [{ op: 'replace', path: 'DISPLAYNAME', value: 'new' }]);
      expect(result).toEqual({ schemas: [CORE], id: 'u', userName: 'a', displayName: 'new' });
    });

    it('rejects hand-built operations on unknown or read-only attributes', () => {
      const unknown: PatchOperation = { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'nickNames' }, value: 'x' };
      expect(() => applyPatch(USER, [unknown], USER_RESOURCE)).toThrow(/Unknown attribute/);
      const readOnly: PatchOperation = { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'id' }, value: 'x' };
      expect(() => applyPatch(USER, [readOnly], USER_RESOURCE)).toThrow(/readOnly/);
    });
  });

  describe('prototype pollution', () => {
    afterEach(() => {
      expect(({} as Resource).polluted).toBeUndefined();
      expect(Object.keys(Object.prototype)).toEqual([]);
    });

    it('copies an own __proto__ key of the resource as plain data', () => {
      const input = JSON.parse('{"schemas":[],"id":"u","userName":"a","__proto__":{"polluted":true}}') as Resource;
      const result = applyPatch(input, [], USER_RESOURCE);
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(result.polluted).toBeUndefined();
    });

    it('never lets a request reach a prototype', () => {
      const bodies = [
        '{"Operations":[{"op":"add","value":{"__proto__":{"polluted":true}}}]}',
        '{"Operations":[{"op":"add","path":"__proto__.polluted","value":true}]}',
        '{"Operations":[{"op":"add","path":"constructor.prototype.polluted","value":true}]}',
        '{"Operations":[{"op":"add","path":"emails[type eq \\"__proto__\\"].value","value":"x"}]}',
        '{"Operations":[{"op":"add","path":"emails","value":[{"type":"work","__proto__":{"polluted":true}}]}]}',
      ];
      for (const raw of bodies) {
        expect(() => applyPatch(USER, parsePatchRequest(JSON.parse(raw), USER_RESOURCE), USER_RESOURCE)).toThrow(ScimError);
      }
    });
  });
});
