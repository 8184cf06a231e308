import { CORE_GROUP_URN, CORE_USER_URN, ENTERPRISE_USER_URN, FRANKLI_GROUP_URN } from '../messages';
import { ALL_SCHEMAS, GROUP_RESOURCE, USER_RESOURCE } from './resource-schemas';
import { SchemaAttribute } from './schema-types';

const TYPES = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'binary', 'reference', 'complex'];
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED = ['always', 'never', 'default', 'request'];
const UNIQUENESS = ['none', 'server', 'global'];

function describeAttributes(attributes: readonly SchemaAttribute[], prefix = ''): string[] {
  return attributes.flatMap((attribute) => [`${prefix}${attribute.name}`, ...describeAttributes(attribute.subAttributes ?? [], `${prefix}${attribute.name}.`)]);
}

/** RFC 7643 §7 checks for one attribute and its sub-attributes. */
function checkAttribute(attribute: SchemaAttribute, isSub: boolean): void {
  expect(attribute.name).toMatch(/^[A-Za-z$][A-Za-z0-9_$-]*$/);
  expect(TYPES).toContain(attribute.type);
  expect(typeof attribute.multiValued).toBe('boolean');
  expect(attribute.description.length).toBeGreaterThan(5);
  expect(typeof attribute.required).toBe('boolean');
  expect(MUTABILITY).toContain(attribute.mutability);
  expect(RETURNED).toContain(attribute.returned);
  expect(UNIQUENESS).toContain(attribute.uniqueness);
  if (attribute.type === 'complex') {
    expect(attribute).not.toHaveProperty('caseExact');
    expect(isSub).toBe(false);
    expect(attribute.subAttributes?.length).toBeGreaterThan(0);
    const names = attribute.subAttributes?.map((sub) => sub.name.toLowerCase()) ?? [];
    expect(new Set(names).size).toBe(names.length);
    for (const sub of attribute.subAttributes ?? []) checkAttribute(sub, true);
  } else {
    expect(typeof attribute.caseExact).toBe('boolean');
    expect(attribute).not.toHaveProperty('subAttributes');
  }
  if (attribute.type === 'reference') expect(attribute.referenceTypes?.length).toBeGreaterThan(0);
  else expect(attribute).not.toHaveProperty('referenceTypes');
  if (attribute.canonicalValues) expect(attribute.type).toBe('string');
}

describe('schemas', () => {
  it.each(ALL_SCHEMAS.map((schema) => [schema.id, schema] as const))('%s is a valid RFC 7643 §7 schema', (_id, schema) => {
    expect(schema.id).toMatch(/^urn:ietf:params:scim:schemas:/);
    expect(schema.name).toMatch(/^\w+$/);
    expect(schema.description).not.toBe('');
    // No nulls or undefined anywhere: the JSON form is the object itself.
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(JSON.stringify(schema)).not.toContain('null');
    const names = schema.attributes.map((attribute) => attribute.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    for (const attribute of schema.attributes) checkAttribute(attribute, false);
  });

  it('are frozen, so no caller can change them for everyone', () => {
    expect(Object.isFrozen(USER_RESOURCE.core.attributes[0])).toBe(true);
    expect(() => {
      (USER_RESOURCE.core.attributes as SchemaAttribute[]).push(USER_RESOURCE.core.attributes[0]);
    }).toThrow(TypeError);
  });

  it('describe exactly what the server supports for a User', () => {
    expect(USER_RESOURCE.core.id).toBe(CORE_USER_URN);
    expect(describeAttributes(USER_RESOURCE.core.attributes)).toEqual([
      'id',
      'externalId',
      'userName',
      'name',
      'name.formatted',
      'name.familyName',
      'name.givenName',
      'name.middleName',
      'name.honorificPrefix',
      'name.honorificSuffix',
      'displayName',
      'nickName',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'emails',
      'emails.value',
      'emails.type',
      'emails.primary',
      'phoneNumbers',
      'phoneNumbers.value',
      'phoneNumbers.type',
      'phoneNumbers.primary',
      'addresses',
      'addresses.formatted',
      'addresses.streetAddress',
      'addresses.locality',
      'addresses.region',
      'addresses.postalCode',
      'addresses.country',
      'addresses.type',
      'addresses.primary',
      'groups',
      'groups.value',
      'groups.$ref',
      'groups.display',
    ]);
    expect(USER_RESOURCE.extensions.map((schema) => schema.id)).toEqual([ENTERPRISE_USER_URN]);
    expect(describeAttributes(USER_RESOURCE.extensions[0].attributes)).toEqual([
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
      'manager',
      'manager.value',
      'manager.$ref',
      'manager.displayName',
    ]);
  });

  it('describe exactly what the server supports for a Group', () => {
    expect(GROUP_RESOURCE.core.id).toBe(CORE_GROUP_URN);
    expect(describeAttributes(GROUP_RESOURCE.core.attributes)).toEqual([
      'id',
      'externalId',
      'displayName',
      'members',
      'members.value',
      'members.$ref',
      'members.display',
      'members.type',
    ]);
    expect(GROUP_RESOURCE.extensions.map((schema) => schema.id)).toEqual([FRANKLI_GROUP_URN]);
    // The entitlements are the organisation's (issue #9): /Schemas tells clients they are read-only.
    expect(GROUP_RESOURCE.extensions[0].attributes.map((attribute) => [attribute.name, attribute.type, attribute.mutability])).toEqual([
      ['autoInvite', 'boolean', 'readOnly'],
      ['grantsAdmin', 'boolean', 'readOnly'],
    ]);
  });

  it.each<[string, Partial<SchemaAttribute>]>([
    ['id', { mutability: 'readOnly', returned: 'always', caseExact: true, uniqueness: 'server' }],
    ['userName', { required: true, caseExact: false, uniqueness: 'server' }],
    ['externalId', { caseExact: true }],
    ['active', { type: 'boolean' }],
    ['groups', { mutability: 'readOnly', multiValued: true }],
    ['emails', { multiValued: true, type: 'complex' }],
  ])('User %s has %j', (name, expected) => {
    expect(USER_RESOURCE.core.attributes.find((attribute) => attribute.name === name)).toMatchObject(expected);
  });

  it('lists the canonical type values per multi-valued attribute', () => {
    const typeOf = (name: string): unknown =>
      USER_RESOURCE.core.attributes.find((attribute) => attribute.name === name)?.subAttributes?.find((sub) => sub.name === 'type')?.canonicalValues;
    // What Entra's default mapping sends (ENTRA.md §4.1): proxy addresses are emails of type
    // other, the office is an address of type other.
    expect(typeOf('emails')).toEqual(['work', 'home', 'other']);
    expect(typeOf('phoneNumbers')).toEqual(['work', 'mobile', 'fax']);
    expect(typeOf('addresses')).toEqual(['work', 'other']);
  });

  it('marks Group displayName required and members writable', () => {
    expect(GROUP_RESOURCE.core.attributes.find((attribute) => attribute.name === 'displayName')).toMatchObject({ required: true });
    expect(GROUP_RESOURCE.core.attributes.find((attribute) => attribute.name === 'members')).toMatchObject({ mutability: 'readWrite', multiValued: true });
  });
});
