import { compileFilter, parseFilter, resolveAttribute, SchemaAttribute, USER_RESOURCE } from '@app/scim-protocol';
import type { ManagedUser } from '../users/users-sync.service';
import { DIRECTORY_TEXT_FIELD_NAMES } from '../users/user-fields.util';
import { USER_ATTRIBUTE_MAP } from './user-attribute-map.constants';
import { USER_TEXT_BINDINGS } from './user-attributes.constants';
import { fieldsFromScim, toScimUser } from './scim-user.mapper';

// The declared schema (what /Schemas serves and requests are checked against), the storage
// bindings, the filter map and the mapper must agree: these tests fail when one changes alone.

/** Writable leaf attributes of the declared User schema, as `attr`, `attr.sub` or `attr[type].sub`. */
function declaredLeaves(): string[] {
  const leaves: string[] = [];
  for (const schema of [USER_RESOURCE.core, ...USER_RESOURCE.extensions]) {
    const prefix = schema === USER_RESOURCE.core ? '' : `${schema.id}:`;
    for (const attribute of schema.attributes) {
      if (attribute.mutability === 'readOnly') continue;
      const subs = (attribute.subAttributes ?? []).filter((sub: SchemaAttribute) => sub.mutability !== 'readOnly' && sub.name !== '$ref');
      if (attribute.type !== 'complex') leaves.push(`${prefix}${attribute.name}`);
      else if (!attribute.multiValued) for (const sub of subs) leaves.push(`${prefix}${attribute.name}.${sub.name}`);
      else {
        const types = attribute.subAttributes?.find((sub) => sub.name === 'type')?.canonicalValues ?? [];
        for (const type of types) {
          for (const sub of subs) if (sub.name !== 'type' && sub.name !== 'primary') leaves.push(`${prefix}${attribute.name}[${type}].${sub.name}`);
        }
      }
    }
  }
  return leaves;
}

const bound = (): string[] => USER_TEXT_BINDINGS.map((b) => (b.type ? `${b.attribute}[${b.type}].${b.sub}` : b.sub ? `${b.attribute}.${b.sub}` : b.attribute));

/** Declared attributes with a shape of their own, stored beside the text bindings. */
const SPECIAL = /^(userName|active|emails\[\w+\]\.value|urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:manager\.value)$/;

describe('User attribute declaration', () => {
  it('stores every writable declared attribute: each has a binding or a shape of its own', () => {
    const missing = declaredLeaves().filter((leaf) => !SPECIAL.test(leaf) && !bound().includes(leaf));
    expect(missing).toEqual([]);
  });

  it('declares every bound attribute, writable, with the type a string column holds', () => {
    for (const b of USER_TEXT_BINDINGS) {
      const resolved = resolveAttribute(USER_RESOURCE, b.sub ? `${b.attribute}.${b.sub}` : b.attribute);
      expect(resolved).toBeDefined();
      const leaf = resolved?.subDefinition ?? resolved?.definition;
      expect([b.attribute, leaf?.type, leaf?.mutability]).toEqual([b.attribute, 'string', 'readWrite']);
      if (b.type) expect(resolved?.definition.subAttributes?.find((s) => s.name === 'type')?.canonicalValues).toContain(b.type);
      if (!b.type) expect(b.caseExact ?? false).toBe(leaf?.caseExact);
    }
  });

  it('binds every text field of a person exactly once, with no binding twice', () => {
    expect([...USER_TEXT_BINDINGS.map((b) => b.field)].sort()).toEqual([...DIRECTORY_TEXT_FIELD_NAMES].sort());
    expect(new Set(bound()).size).toBe(bound().length);
  });

  it('filters on every bound attribute, and the filter map names only declared attributes', () => {
    for (const leaf of bound()) {
      const filter = leaf.replace(/\[(\w+)\]/, '[type eq "$1"]').replace(/^(.*)$/, '$1 eq "x"');
      expect(() => compileFilter(parseFilter(filter), USER_ATTRIBUTE_MAP, 'sqlite')).not.toThrow();
    }
    for (const key of Object.keys(USER_ATTRIBUTE_MAP.attributes)) {
      if (key.startsWith('meta.')) continue;
      expect([key, resolveAttribute(USER_RESOURCE, key) !== undefined]).toEqual([key, true]);
    }
  });

  it('the mapper writes and reads back every stored field', () => {
    const user = Object.fromEntries(DIRECTORY_TEXT_FIELD_NAMES.map((field) => [field, `v-${field}`])) as unknown as ManagedUser['user'];
    Object.assign(user, { id: 'u1', userName: 'a@x', archivedAt: null, createdAt: new Date(0), updatedAt: new Date(0), version: 1 });
    const mu: ManagedUser = { user, emails: [{ value: 'a@x', type: 'work', primary: true }], manager: null } as unknown as ManagedUser;
    const fields = fieldsFromScim(toScimUser(mu, 'https://h/scim/v2'));
    expect(fields.text).toEqual(Object.fromEntries(DIRECTORY_TEXT_FIELD_NAMES.map((field) => [field, `v-${field}`])));
  });
});
