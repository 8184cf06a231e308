import { ScimError, ScimType } from '../errors';
import { ENTERPRISE_USER_URN, FRANKLI_GROUP_URN, PATCH_OP_URN } from '../messages';
import { GROUP_RESOURCE, USER_RESOURCE } from '../schemas/resource-schemas';
import { ResourceSchema } from '../schemas/schema-types';
import { MAX_PATCH_OPERATIONS, parsePatchRequest } from './patch-parser';
import { PatchOperation } from './patch-types';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENT = ENTERPRISE_USER_URN;

const body = (...operations: unknown[]) => ({ schemas: [PATCH_OP_URN], Operations: operations });
const parse = (operations: unknown[], resource: ResourceSchema = USER_RESOURCE): PatchOperation[] => parsePatchRequest(body(...operations), resource);

function expectScimError(run: () => unknown, scimType: ScimType, detail?: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ScimError);
  const error = caught as ScimError;
  expect({ status: error.status, scimType: error.scimType }).toEqual({ status: 400, scimType });
  if (detail) expect(error.detail).toMatch(detail);
}

describe('parsePatchRequest', () => {
  describe('request shapes from ENTRA.md §2.4–2.7', () => {
    it('multi-valued + single-valued replace (§2.4)', () => {
      expect(
        parsePatchRequest(
          JSON.parse(`{
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
              { "op": "Replace", "path": "emails[type eq \\"work\\"].value", "value": "updatedEmail@microsoft.com" },
              { "op": "Replace", "path": "name.familyName", "value": "updatedFamilyName" }
            ]
          }`),
          USER_RESOURCE,
        ),
      ).toEqual([
        {
          kind: 'attribute',
          op: 'replace',
          target: {
            schema: CORE,
            attribute: 'emails',
            subAttribute: 'value',
            filter: { type: 'compare', path: { attribute: 'type' }, operator: 'eq', value: 'work' },
          },
          value: 'updatedEmail@microsoft.com',
        },
        { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'name', subAttribute: 'familyName' }, value: 'updatedFamilyName' },
      ]);
    });

    it('replace multiple attributes without the feature flag (§2.4)', () => {
      const ops = parse([
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
        { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
        { op: 'Replace', path: 'externalId', value: 'Eqpj' },
        { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', value: 'Eqpj' },
      ]);
      expect(ops.map((op) => op.kind === 'attribute' && [op.op, op.target.schema, op.target.attribute, op.target.subAttribute, op.value])).toEqual([
        ['replace', CORE, 'displayName', undefined, 'Pvlo'],
        ['replace', CORE, 'emails', 'value', 'TestBcwqnm@test.microsoft.com'],
        ['replace', CORE, 'name', 'givenName', 'Gtfd'],
        ['replace', CORE, 'name', 'familyName', 'Pkqf'],
        ['replace', CORE, 'externalId', undefined, 'Eqpj'],
        ['replace', ENT, 'employeeNumber', undefined, 'Eqpj'],
      ]);
    });

    it('path-less replace with dotted and URN keys, with the feature flag (§2.4, pitfall 4)', () => {
      const ops = parse([
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
      expect(ops.slice(1)).toEqual([
        { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'displayName' }, value: 'Bjfe' },
        { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'name', subAttribute: 'givenName' }, value: 'Kkom' },
        { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'name', subAttribute: 'familyName' }, value: 'Unua' },
        { kind: 'attribute', op: 'replace', target: { schema: ENT, attribute: 'employeeNumber' }, value: 'Aklq' },
      ]);
    });

    it('path-less add with dotted keys (scimitar#123, scim-patch#132)', () => {
      expect(parse([{ op: 'add', value: { 'name.givenName': 'G', 'name.formatted': 'G F', title: 'T', displayName: 'D' } }])).toEqual([
        { kind: 'attribute', op: 'add', target: { schema: CORE, attribute: 'name', subAttribute: 'givenName' }, value: 'G' },
        { kind: 'attribute', op: 'add', target: { schema: CORE, attribute: 'name', subAttribute: 'formatted' }, value: 'G F' },
        { kind: 'attribute', op: 'add', target: { schema: CORE, attribute: 'title' }, value: 'T' },
        { kind: 'attribute', op: 'add', target: { schema: CORE, attribute: 'displayName' }, value: 'D' },
      ]);
    });

    it('nested objects in path-less values', () => {
      expect(parse([{ op: 'replace', value: { name: { givenName: 'x', FAMILYNAME: 'y' }, [ENT]: { department: 'd', Manager: 'm1' } } }])).toEqual([
        { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'name', subAttribute: 'givenName' }, value: 'x' },
        { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'name', subAttribute: 'familyName' }, value: 'y' },
        { kind: 'attribute', op: 'replace', target: { schema: ENT, attribute: 'department' }, value: 'd' },
        { kind: 'attribute', op: 'replace', target: { schema: ENT, attribute: 'manager' }, value: { value: 'm1' } },
      ]);
    });

    it('address sub-attributes as one Add each (§2.4, SimpleIdServer#808)', () => {
      const ops = parse(
        ['streetAddress', 'locality', 'region', 'postalCode', 'country'].map((sub) => ({
          op: 'Add',
          path: `addresses[type eq "work"].${sub}`,
          value: sub,
        })),
      );
      expect(ops).toHaveLength(5);
      for (const op of ops) {
        expect(op).toMatchObject({ kind: 'attribute', op: 'add', target: { schema: CORE, attribute: 'addresses', filter: { type: 'compare' } } });
      }
    });

    it.each<[string, unknown, unknown]>([
      ['validator set', { op: 'Add', path: `${ENT}:manager`, value: 'mgr-1' }, { op: 'add', value: { value: 'mgr-1' } }],
      ['validator change', { op: 'replace', path: `${ENT}:manager`, value: 'mgr-2' }, { op: 'replace', value: { value: 'mgr-2' } }],
      ['validator remove', { op: 'replace', path: `${ENT}:manager`, value: '' }, { op: 'remove' }],
      ['whitespace clears', { op: 'replace', path: `${ENT}:manager`, value: '   ' }, { op: 'remove' }],
      [
        'tenant 2024',
        { op: 'add', path: `${ENT}:manager`, value: '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2' },
        { op: 'add', value: { value: '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2' } },
      ],
      [
        'tutorial array with $ref',
        { op: 'Add', path: 'manager', value: [{ $ref: 'http://example.com/scim/Users/00aa00aa', value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' }] },
        { op: 'add', value: { value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' } },
      ],
      ['object form', { op: 'replace', path: 'manager', value: { value: 'm3', displayName: 'Boss' } }, { op: 'replace', value: { value: 'm3' } }],
      ['object with empty value', { op: 'replace', path: 'manager', value: { value: '' } }, { op: 'remove' }],
      ['empty array', { op: 'replace', path: 'manager', value: [] }, { op: 'remove' }],
      ['null', { op: 'replace', path: 'manager', value: null }, { op: 'remove' }],
      ['remove', { op: 'Remove', path: `${ENT}:manager` }, { op: 'remove' }],
      ['manager.value', { op: 'replace', path: 'manager.value', value: 'm4' }, { op: 'replace', value: 'm4', sub: 'value' }],
    ])('manager: %s (§2.4)', (_name, operation, expected) => {
      const [op] = parse([operation]);
      const { sub, ...rest } = expected as { sub?: string };
      expect(op).toEqual({
        kind: 'attribute',
        target: { schema: ENT, attribute: 'manager', ...(sub ? { subAttribute: sub } : {}) },
        ...rest,
      });
    });

    it('manager removal by filter (scim-patch#453)', () => {
      expect(parse([{ op: 'remove', path: 'manager[value eq "manager-id"]' }])).toEqual([
        {
          kind: 'attribute',
          op: 'remove',
          target: {
            schema: ENT,
            attribute: 'manager',
            filter: { type: 'compare', path: { attribute: 'value' }, operator: 'eq', value: 'manager-id' },
          },
        },
      ]);
    });

    it.each<[unknown, boolean]>([
      ['False', false],
      ['True', true],
      ['false', false],
      ['TRUE', true],
      [' true ', true],
      [false, false],
      [true, true],
    ])('active %p (§2.5, pitfall 2)', (value, expected) => {
      expect(parse([{ op: 'Replace', path: 'active', value }])).toEqual([
        { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'active' }, value: expected },
      ]);
    });

    it.each(['maybe', 'yes', 1, 0, {}])('active %p → invalidValue', (value) => {
      expectScimError(() => parse([{ op: 'replace', path: 'active', value }]), 'invalidValue', /active.*true or false/);
    });

    it('active ["true"] → invalidValue: a list where one value belongs', () => {
      expectScimError(() => parse([{ op: 'replace', path: 'active', value: ['true'] }]), 'invalidValue', /"active" is single-valued/);
    });

    it('group rename (§2.7)', () => {
      expect(parse([{ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }], GROUP_RESOURCE)).toEqual([
        {
          kind: 'attribute',
          op: 'replace',
          target: { schema: GROUP, attribute: 'displayName' },
          value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
        },
      ]);
    });

    it.each<[string, unknown, PatchOperation[]]>([
      [
        'add with $ref null',
        { op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] },
        [{ kind: 'members', action: 'add', ids: ['f648f8d5ea4e4cd38e9c'] }],
      ],
      [
        'add several',
        { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }, { value: 'a' }] },
        [{ kind: 'members', action: 'add', ids: ['a', 'b'] }],
      ],
      [
        'add with display',
        { op: 'add', path: 'members', value: [{ display: 'new User', value: 'u4', type: 'User' }] },
        [{ kind: 'members', action: 'add', ids: ['u4'] }],
      ],
      ['add a bare string (Postman garbage)', { op: 'add', path: 'members', value: 'string id 1' }, [{ kind: 'members', action: 'add', ids: ['string id 1'] }]],
      ['add bare strings', { op: 'add', path: 'members', value: ['a', 'b'] }, [{ kind: 'members', action: 'add', ids: ['a', 'b'] }]],
      ['add nothing', { op: 'add', path: 'members', value: [] }, []],
      [
        'remove by value list (documented)',
        { op: 'Remove', path: 'members', value: [{ value: 'u1091' }] },
        [{ kind: 'members', action: 'remove', ids: ['u1091'] }],
      ],
      [
        'remove by value list with $ref',
        { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1091' }] },
        [{ kind: 'members', action: 'remove', ids: ['u1091'] }],
      ],
      [
        'remove by filter (aadOptscim062020)',
        { op: 'remove', path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' },
        [{ kind: 'members', action: 'remove', ids: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'] }],
      ],
      ['remove by or-filter', { op: 'remove', path: 'members[value eq "a" or VALUE eq "b"]' }, [{ kind: 'members', action: 'remove', ids: ['a', 'b'] }]],
      ['remove all', { op: 'remove', path: 'members' }, [{ kind: 'members', action: 'removeAll', ids: [] }]],
      ['remove with null value is remove all', { op: 'remove', path: 'members', value: null }, [{ kind: 'members', action: 'removeAll', ids: [] }]],
      ['remove an empty list is nothing', { op: 'remove', path: 'members', value: [] }, []],
      ['replace', { op: 'replace', path: 'members', value: [{ value: 'x' }] }, [{ kind: 'members', action: 'replace', ids: ['x'] }]],
      ['replace with nothing', { op: 'replace', path: 'members', value: [] }, [{ kind: 'members', action: 'replace', ids: [] }]],
      ['path-less add', { op: 'add', value: { members: [{ value: 'x' }] } }, [{ kind: 'members', action: 'add', ids: ['x'] }]],
      ['MEMBERS in any case', { op: 'ADD', path: 'Members', value: [{ Value: 'x' }] }, [{ kind: 'members', action: 'add', ids: ['x'] }]],
    ])('members: %s (§2.7, pitfall 3)', (_name, operation, expected) => {
      expect(parse([operation], GROUP_RESOURCE)).toEqual(expected);
    });

    it.each<[unknown, ScimType, RegExp]>([
      [{ op: 'add', path: 'members', value: [{ display: 'x' }] }, 'invalidValue', /member/],
      [{ op: 'add', path: 'members', value: [{ value: '' }] }, 'invalidValue', /member/],
      [{ op: 'add', path: 'members', value: [42] }, 'invalidValue', /member/],
      [{ op: 'add', path: 'members' }, 'invalidValue', /requires a "value"/],
      [{ op: 'remove', path: 'members[display eq "x"]' }, 'invalidFilter', /members\[value eq/],
      [{ op: 'remove', path: 'members[value ne "x"]' }, 'invalidFilter', /members\[value eq/],
      [{ op: 'replace', path: 'members[value eq "x"]', value: { value: 'y' } }, 'invalidPath', /not supported/],
      [{ op: 'remove', path: 'members.value' }, 'invalidPath', /members/],
    ])('members: rejects %j', (operation, scimType, detail) => {
      expectScimError(() => parse([operation], GROUP_RESOURCE), scimType, detail);
    });

    it.each<[string, unknown]>([
      ['path, URN-qualified', { op: 'replace', path: `${FRANKLI_GROUP_URN}:grantsAdmin`, value: true }],
      ['path, URN in another case', { op: 'Add', path: `${FRANKLI_GROUP_URN.toUpperCase()}:GRANTSADMIN`, value: 'True' }],
      ['path, unqualified', { op: 'replace', path: 'grantsAdmin', value: true }],
      ['path, unqualified, odd case', { op: 'REPLACE', path: 'AutoInvite', value: 'true' }],
      ['path, remove', { op: 'remove', path: `${FRANKLI_GROUP_URN}:autoInvite` }],
      ['path, remove the whole extension', { op: 'remove', path: FRANKLI_GROUP_URN.toLowerCase() }],
    ])('group entitlements are readOnly: %s is 400 mutability', (_, operation) => {
      expectScimError(() => parse([operation], GROUP_RESOURCE), 'mutability', /is readOnly/);
    });

    // In a value object a readOnly attribute is compared with the current value once the group
    // is known (patch-applier.spec): equal is ignored (Okta's rename), different is mutability.
    it.each<[string, unknown]>([
      ['path, the whole extension', { op: 'replace', path: FRANKLI_GROUP_URN, value: { grantsAdmin: true } }],
      ['path-less, extension object', { op: 'replace', value: { [FRANKLI_GROUP_URN]: { autoInvite: 'True', GRANTSADMIN: false } } }],
      ['path-less, URN-qualified key', { op: 'add', value: { [`${FRANKLI_GROUP_URN}:grantsAdmin`]: true } }],
      ['path-less, plain key', { op: 'replace', value: { displayName: 'G', grantsAdmin: true } }],
    ])('group entitlements in a value object (%s) become readOnly checks', (_, operation) => {
      const ops = parse([operation], GROUP_RESOURCE);
      expect(ops.filter((op) => op.kind === 'readOnly').length).toBeGreaterThan(0);
      expect(ops.filter((op) => op.kind === 'attribute' && op.target.schema === FRANKLI_GROUP_URN)).toEqual([]);
    });
  });

  describe('tolerance', () => {
    it.each(['add', 'Add', 'ADD', ' add '])('op %p', (op) => {
      expect(parse([{ op, path: 'title', value: 'x' }])[0]).toMatchObject({ op: 'add' });
    });

    it.each([
      { Operations: [{ op: 'add', path: 'title', value: 'x' }] },
      { schemas: [PATCH_OP_URN.toUpperCase()], Operations: [{ op: 'add', path: 'title', value: 'x' }] },
      { schemas: 'nonsense', operations: [{ OP: 'add', PATH: 'title', VALUE: 'x' }] },
      { id: 'ignored', schemas: [PATCH_OP_URN], Operations: [{ name: 'addMember', op: 'add', path: 'title', value: 'x' }] },
    ])('body %j', (patch) => {
      expect(parsePatchRequest(patch, USER_RESOURCE)).toEqual([{ kind: 'attribute', op: 'add', target: { schema: CORE, attribute: 'title' }, value: 'x' }]);
    });

    it.each([
      ['USERNAME', 'userName'],
      ['urn:ietf:params:scim:schemas:core:2.0:User:userName', 'userName'],
      ['URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:DisplayName', 'displayName'],
    ])('path %s → %s', (path, attribute) => {
      expect(parse([{ op: 'replace', path, value: 'x' }])[0]).toEqual({
        kind: 'attribute',
        op: 'replace',
        target: { schema: CORE, attribute },
        value: 'x',
      });
    });

    it('canonicalises names inside path filters', () => {
      expect(parse([{ op: 'replace', path: 'EMAILS[TYPE EQ "work"].VALUE', value: 'x' }])[0]).toEqual({
        kind: 'attribute',
        op: 'replace',
        target: {
          schema: CORE,
          attribute: 'emails',
          subAttribute: 'value',
          filter: { type: 'compare', path: { attribute: 'type' }, operator: 'eq', value: 'work' },
        },
        value: 'x',
      });
      expect(parse([{ op: 'remove', path: 'emails[primary eq "True"]' }])[0]).toMatchObject({
        target: { filter: { value: true } },
      });
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['an unknown attribute', { nickNames: 'Babs', title: 't' }, /Unknown attribute "nickNames"/],
      ['a misspelled URN', { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User': { department: 'x' } }, /2\.0User/],
      ['an undeclared extension attribute', { 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CustomAttribute': 'x' }, /CustomAttribute/],
      ['an unknown sub-attribute', { 'name.nickName': 'x' }, /name\.nickName/],
      ['a malformed key', { 'emails[type eq': 'x' }, /emails\[type eq/],
      ['two unknown keys', { a1: 'x', b2: 'y' }, /Unknown attributes "a1", "b2"/],
    ])('refuses %s in a path-less value (400 invalidSyntax naming it)', (_, value, detail) => {
      expectScimError(() => parse([{ op: 'replace', value }]), 'invalidSyntax', detail);
    });

    it('accepts keys of unknown attributes whose value carries no data, and schemas', () => {
      expect(parse([{ op: 'replace', value: { schemas: ['whatever'], roles: [], extra: null, blank: ' ', title: 'kept' } }])).toEqual([
        { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'title' }, value: 'kept' },
      ]);
    });

    it.each([
      ['an unknown attribute', { op: 'Add', path: 'nickNames', value: 'Babs' }],
      ['an unknown sub-attribute', { op: 'add', path: 'name.nickName', value: 'x' }],
      ['an unknown extension attribute', { op: 'add', path: `${ENT}:costCentre`, value: 'x' }],
      ['an unknown schema URN', { op: 'replace', path: 'urn:x:y:2.0:User:title', value: 'x' }],
      ['a misspelled URN', { op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User:department', value: 'x' }],
      ['members on a User', { op: 'add', path: 'members', value: [{ value: 'x' }] }],
      ['a remove of an unknown attribute', { op: 'remove', path: 'nickNames' }],
      ['an unknown sub-attribute after a filter', { op: 'add', path: 'emails[type eq "work"].display', value: 'x' }],
    ])('refuses a path to %s (400 invalidPath)', (_, unknown) => {
      expectScimError(() => parse([{ op: 'replace', path: 'title', value: 'Boss' }, unknown]), 'invalidPath', /Operations\[1\]: Unknown attribute/);
    });

    it('ignores path "schemas"', () => {
      expect(parse([{ op: 'replace', path: 'schemas', value: [CORE] }])).toEqual([]);
    });

    it('turns empty and whitespace strings into remove', () => {
      expect(
        parse([
          { op: 'replace', path: 'title', value: '' },
          { op: 'replace', path: 'emails[type eq "work"].value', value: '  ' },
          { op: 'replace', value: { displayName: '', 'name.givenName': ' ', [`${ENT}:department`]: '' } },
          { op: 'add', path: 'active', value: '' },
          { op: 'replace', path: 'name', value: { givenName: '' } },
          { op: 'replace', path: 'addresses[type eq "work"]', value: { streetAddress: '' } },
        ]).map((op) => op.kind === 'attribute' && `${op.op} ${op.target.attribute}${op.target.subAttribute ? `.${op.target.subAttribute}` : ''}`),
      ).toEqual([
        'remove title',
        'remove emails.value',
        'remove displayName',
        'remove name.givenName',
        'remove department',
        'remove active',
        'remove name.givenName',
        'remove addresses',
      ]);
    });

    it('checks multi-valued values: canonical names and types, canonical spelling of type', () => {
      expect(
        parse([
          { op: 'add', path: 'emails', value: [{ Value: 'a@x', TYPE: 'Work', primary: 'True' }, { value: '', type: 'other' }, null] },
          { op: 'replace', path: 'phoneNumbers', value: [{ value: '+1', type: 'mobile' }] },
          { op: 'replace', path: 'emails', value: [] },
          { op: 'add', path: 'emails', value: [] },
        ]),
      ).toEqual([
        {
          kind: 'attribute',
          op: 'add',
          target: { schema: CORE, attribute: 'emails' },
          value: [
            { value: 'a@x', type: 'work', primary: true },
            { value: null, type: 'other' },
          ],
        },
        { kind: 'attribute', op: 'replace', target: { schema: CORE, attribute: 'phoneNumbers' }, value: [{ value: '+1', type: 'mobile' }] },
        { kind: 'attribute', op: 'remove', target: { schema: CORE, attribute: 'emails' } },
      ]);
    });

    it.each<[string, unknown, ScimType, RegExp]>([
      ['one element where a list belongs', { op: 'replace', path: 'phoneNumbers', value: { value: '+1', type: 'mobile' } }, 'invalidValue', /multi-valued/],
      ['a string where a list belongs', { op: 'replace', path: 'emails', value: 'a@x' }, 'invalidValue', /multi-valued/],
      ['an unknown sub-attribute', { op: 'add', path: 'emails', value: [{ value: 'a@x', unknown: 1 }] }, 'invalidSyntax', /"emails\.unknown"/],
      ['a type outside canonicalValues', { op: 'add', path: 'emails', value: [{ value: 'a@x', type: 'private' }] }, 'invalidValue', /"work", "home", "other"/],
      [
        'two primaries',
        {
          op: 'add',
          path: 'emails',
          value: [
            { value: 'a@x', primary: true },
            { value: 'b@x', type: 'other', primary: true },
          ],
        },
        'invalidValue',
        /one value.*primary/,
      ],
      ['a number for a string', { op: 'replace', path: `${ENT}:employeeNumber`, value: 12345 }, 'invalidValue', /must be a string/],
      [
        'a value filter on a type outside canonicalValues',
        { op: 'add', path: 'addresses[type eq "home"].locality', value: 'X' },
        'invalidValue',
        /"addresses\.type" must be one of/,
      ],
      ['a string for a boolean sub-attribute', { op: 'add', path: 'emails', value: [{ value: 'a@x', primary: 'yes' }] }, 'invalidValue', /true or false/],
    ])('refuses %s', (_, operation, scimType, detail) => {
      expectScimError(() => parse([operation]), scimType, detail);
    });

    it('expands a path that is an extension URN', () => {
      expect(parse([{ op: 'replace', path: ENT, value: { department: 'd', 'manager.value': 'm' } }])).toEqual([
        { kind: 'attribute', op: 'replace', target: { schema: ENT, attribute: 'department' }, value: 'd' },
        { kind: 'attribute', op: 'replace', target: { schema: ENT, attribute: 'manager', subAttribute: 'value' }, value: 'm' },
      ]);
      expect(parse([{ op: 'remove', path: ENT }]).map((op) => op.kind === 'attribute' && op.target.attribute)).toEqual([
        'employeeNumber',
        'costCenter',
        'organization',
        'division',
        'department',
        'manager',
      ]);
    });

    it('keeps a remove of a multi-valued attribute with a value list', () => {
      expect(parse([{ op: 'remove', path: 'emails', value: [{ value: 'a@x' }] }])).toEqual([
        { kind: 'attribute', op: 'remove', target: { schema: CORE, attribute: 'emails' }, value: [{ value: 'a@x' }] },
      ]);
      // A value list that names nothing removes nothing, never everything.
      expect(parse([{ op: 'remove', path: 'emails', value: [] }])).toEqual([]);
      expect(parse([{ op: 'remove', path: 'emails', value: [{ value: '' }, { type: null }] }])).toEqual([]);
      expect(parse([{ op: 'remove', path: 'emails', value: null }])).toEqual([
        { kind: 'attribute', op: 'remove', target: { schema: CORE, attribute: 'emails' } },
      ]);
    });
  });

  describe('errors', () => {
    it.each<[string, unknown, ScimType, RegExp]>([
      ['a non-object body', [], 'invalidSyntax', /JSON object/],
      ['a string body', '{"Operations":[]}', 'invalidSyntax', /JSON object/],
      ['null', null, 'invalidSyntax', /JSON object/],
      ['missing Operations', { schemas: [PATCH_OP_URN] }, 'invalidSyntax', /"Operations" is required/],
      ['Operations as an object', { Operations: { op: 'add' } }, 'invalidSyntax', /must be an array/],
      ['Operations as a string', { Operations: 'add' }, 'invalidSyntax', /must be an array/],
      ['an operation that is not an object', body('add'), 'invalidSyntax', /Operations\[0\]: Each operation must be a JSON object/],
      ['an unknown op', body({ op: 'delete', path: 'title' }), 'invalidSyntax', /Unsupported op "delete"/],
      ['a missing op', body({ path: 'title', value: 'x' }), 'invalidSyntax', /Unsupported op null/],
      ['a numeric op', body({ op: 1, path: 'title' }), 'invalidSyntax', /Unsupported op 1/],
      ['a non-string path', body({ op: 'add', path: 5, value: 'x' }), 'invalidPath', /"path" must be a string/],
      ['remove without path', body({ op: 'remove' }), 'noTarget', /requires a "path"/],
      ['remove with empty path', body({ op: 'Remove', path: '' }), 'noTarget', /requires a "path"/],
      ['add without value', body({ op: 'add', path: 'title' }), 'invalidValue', /requires a "value"/],
      ['replace without value or path', body({ op: 'replace' }), 'invalidValue', /requires a "value"/],
      ['path-less add of a string', body({ op: 'add', value: 'x' }), 'invalidValue', /object "value"/],
      ['path-less add of an array', body({ op: 'add', value: [{ title: 'x' }] }), 'invalidValue', /object "value"/],
      ['an unclosed filter', body({ op: 'add', path: 'emails[type eq "work"', value: 'x' }), 'invalidPath', /Invalid path.*expected "\]"/],
      ['a bad filter value', body({ op: 'add', path: 'emails[type eq work].value', value: 'x' }), 'invalidPath', /Invalid path/],
      ['a filter on an unknown sub-attribute', body({ op: 'add', path: 'emails[kind eq "work"].value', value: 'x' }), 'invalidPath', /emails.kind/],
      ['a filter on a simple attribute', body({ op: 'remove', path: 'title[value eq "x"]' }), 'invalidPath', /not complex/],
      ['a filter of the wrong type', body({ op: 'remove', path: 'emails[primary eq "x"]' }), 'invalidPath', /emails.primary/],
      ['a nested filter', body({ op: 'remove', path: 'emails[type eq "work" and addresses[type eq "x"]]' }), 'invalidPath', /nested/],
      ['trailing garbage', body({ op: 'remove', path: 'title title' }), 'invalidPath', /Invalid path/],
      ['a very long path', body({ op: 'remove', path: `emails[value eq "${'x'.repeat(3000)}"]` }), 'invalidPath', /longer than/],
      ['removing the core schema', body({ op: 'remove', path: CORE }), 'invalidPath', /core schema/],
      ['id', body({ op: 'replace', path: 'id', value: 'x' }), 'mutability', /"id" is readOnly/],
      ['meta', body({ op: 'replace', path: 'meta.lastModified', value: 'x' }), 'mutability', /"meta" is readOnly/],
      ['groups', body({ op: 'add', path: 'groups', value: [{ value: 'g' }] }), 'mutability', /"groups" is readOnly/],
      ['remove groups', body({ op: 'remove', path: 'groups[value eq "g"]' }), 'mutability', /readOnly/],
      ['manager.displayName', body({ op: 'replace', path: 'manager.displayName', value: 'x' }), 'mutability', /manager.displayName/],
      ['an id with a filter', body({ op: 'remove', path: 'groups[value eq "x"]' }), 'mutability', /"groups" is readOnly/],
      ['meta in a path-less value', body({ op: 'replace', value: { meta: { resourceType: 'User' } } }), 'mutability', /"meta"/],
      ['a non-string title', body({ op: 'replace', path: 'title', value: { a: 1 } }), 'invalidValue', /"title" must be a string/],
      ['an array for title', body({ op: 'replace', path: 'title', value: ['x'] }), 'invalidValue', /"title" is single-valued/],
      ['a boolean for title', body({ op: 'replace', path: 'title', value: true }), 'invalidValue', /"title" must be a string/],
      ['a string for name', body({ op: 'replace', path: 'name', value: 'Bob' }), 'invalidValue', /"name" takes an object/],
      ['two managers', body({ op: 'replace', path: 'manager', value: [{ value: 'a' }, { value: 'b' }] }), 'invalidValue', /single value/],
      ['a manager object without a usable value', body({ op: 'replace', path: 'manager', value: { value: 5 > 4 } }), 'invalidValue', /manager/],
      ['a number as an email', body({ op: 'add', path: 'emails', value: [5] }), 'invalidValue', /emails/],
      ['a bad primary', body({ op: 'add', path: 'emails', value: [{ value: 'a', primary: 'yes' }] }), 'invalidValue', /emails.primary/],
      ['a path-less extension with a bad value', body({ op: 'add', value: { [ENT]: { manager: [true] } } }), 'invalidValue', /manager/],
    ])('%s', (_name, patch, scimType, detail) => {
      expectScimError(() => parsePatchRequest(patch, USER_RESOURCE), scimType, detail);
    });

    it(`rejects more than ${MAX_PATCH_OPERATIONS} operations with tooMany`, () => {
      const op = { op: 'add', path: 'title', value: 'x' };
      expect(parse(Array.from({ length: MAX_PATCH_OPERATIONS }, () => op))).toHaveLength(MAX_PATCH_OPERATIONS);
      expectScimError(() => parse(Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => op)), 'tooMany', /At most 1000/);
    });

    it('names the failing operation', () => {
      expectScimError(
        () => parse([{ op: 'add', path: 'title', value: 'ok' }, { op: 'add', path: 'title', value: 'ok' }, { op: 'bogus' }]),
        'invalidSyntax',
        /^Operations\[2\]: /,
      );
    });

    it("refuses a member sub-attribute RFC 7643 §4.2 does not declare (Postman's displayName), naming it", () => {
      expectScimError(
        () => parse([{ op: 'add', path: 'members', value: [{ displayName: 'new User', value: 'u4' }] }], GROUP_RESOURCE),
        'invalidSyntax',
        /"members\.displayName"/,
      );
    });

    it('handles a huge member list quickly', () => {
      const ids = Array.from({ length: 50_000 }, (_, i) => ({ value: `user-${i}` }));
      const started = Date.now();
      const [op] = parse([{ op: 'add', path: 'members', value: ids }], GROUP_RESOURCE);
      expect(op).toMatchObject({ kind: 'members', action: 'add' });
      expect((op as { ids: string[] }).ids).toHaveLength(50_000);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('rejects deeply nested values without overflowing the stack', () => {
      let nested: unknown = { __proto__x: 1 };
      for (let i = 0; i < 100_000; i++) nested = { a: nested };
      // The forbidden-key and duplicate-key scan walks it iteratively, then the key is refused.
      expectScimError(() => parse([{ op: 'add', value: { unknownThing: nested, title: 'x' } }]), 'invalidSyntax', /unknownThing/);
    });
  });

  describe('prototype pollution', () => {
    afterEach(() => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(Object.keys(Object.prototype)).toEqual([]);
    });

    it.each([
      '__proto__',
      '__proto__.polluted',
      'constructor',
      'constructor.prototype.polluted',
      'prototype',
      'name.__proto__',
      '__PROTO__',
      `${ENT}:__proto__`,
      'emails[__proto__ eq "x"].value',
      'emails[type eq "work"].__proto__',
      'emails[type eq "__proto__"].value',
    ])('path %p → invalidPath', (path) => {
      for (const op of ['add', 'replace', 'remove']) {
        expectScimError(() => parse([{ op, path, value: { polluted: true } }]), 'invalidPath', /is not allowed in a path/);
      }
    });

    it.each([
      '{"op":"add","value":{"__proto__":{"polluted":true}}}',
      '{"op":"replace","value":{"constructor":{"prototype":{"polluted":true}}}}',
      '{"op":"add","value":{"name":{"__proto__":{"polluted":true}}}}',
      '{"op":"add","value":{"name.__proto__":{"polluted":true}}}',
      '{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"__proto__":{"polluted":true}}}}',
      '{"op":"add","path":"emails","value":[{"value":"a","__proto__":{"polluted":true}}]}',
      '{"op":"add","path":"manager","value":[{"value":"a","constructor":{"polluted":true}}]}',
      '{"op":"add","value":{"unknown":{"deep":[{"prototype":{"polluted":true}}]}}}',
      '{"op":"remove","path":"members","value":[{"value":"a","__proto__":{"polluted":true}}]}',
    ])('value %s → invalidPath', (operation) => {
      expectScimError(
        () =>
          parsePatchRequest(
            JSON.parse(`{"Operations":[${operation}]}`),
            GROUP_RESOURCE.name === 'Group' && operation.includes('members') ? GROUP_RESOURCE : USER_RESOURCE,
          ),
        'invalidPath',
        /is not allowed in a key/,
      );
    });

    it('a __proto__ key in the body itself is harmless', () => {
      expect(parsePatchRequest(JSON.parse('{"__proto__":{"polluted":true},"Operations":[]}'), USER_RESOURCE)).toEqual([]);
    });

    it('allows the words inside longer names and values', () => {
      expect(parse([{ op: 'replace', path: 'title', value: '__proto__' }])).toHaveLength(1);
      expect(parse([{ op: 'replace', value: { title: 'constructor' } }])).toHaveLength(1);
      expectScimError(() => parse([{ op: 'replace', value: { constructorName: 'x' } }]), 'invalidSyntax', /Unknown attribute "constructorName"/);
    });
  });
});
