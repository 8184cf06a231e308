import { ScimError } from '../errors';
import { FilterNode } from '../filter/filter-ast';
import { parsePathExpression, ParsedPath } from '../filter/filter-parser';
import { parseDateTime } from '../datetime';
import { entraBoolean } from '../entra-boolean.util';
import { findAttribute, findSchema, findSubAttribute, resolveAttributeParts } from '../schemas/attribute-resolver';
import { ResourceSchema, Schema, SchemaAttribute } from '../schemas/schema-types';
import { assertSafeName } from './forbidden-names';

export type ResolvedPath =
  /** The path is a schema URN itself, e.g. the enterprise extension as a whole. */
  | { kind: 'schema'; schema: Schema }
  /** `meta` or `schemas`: common attributes (RFC 7643 §3.1) outside any schema. */
  | { kind: 'common'; name: 'meta' | 'schemas' }
  /**
   * A well-formed name the resource type does not have. Returned, not thrown: Entra's bodies
   * carry such keys on every request (`roles: []`), and an exception per key costs a stack trace.
   */
  | { kind: 'unknown'; name: string }
  | {
      kind: 'attribute';
      schema: Schema;
      definition: SchemaAttribute;
      subDefinition?: SchemaAttribute;
      filter?: FilterNode;
    };

const MAX_PATH_LENGTH = 1024;

/**
 * Resolves a PATCH path (RFC 7644 §3.5.2) or a key of a path-less value against the resource
 * type. `scope` is the schema whose object the key sits in (`{"urn:…:enterprise:2.0:User": {…}}`).
 */
export function resolvePatchPath(path: string, resource: ResourceSchema, scope?: Schema): ResolvedPath {
  const trimmed = path.trim();
  if (trimmed.length > MAX_PATH_LENGTH) throw ScimError.invalidPath(`Path is longer than ${MAX_PATH_LENGTH} characters`);
  assertSafeName(trimmed, 'path');
  if (!scope) {
    const whole = findSchema(resource, trimmed);
    if (whole) return { kind: 'schema', schema: whole };
  }

  let parsed: ParsedPath;
  try {
    parsed = parsePathExpression(trimmed);
  } catch (err) {
    throw err instanceof ScimError ? ScimError.invalidPath(`Invalid path "${trimmed}": ${err.detail.replace(/^Invalid filter: /, '')}`) : err;
  }
  const { path: attrPath, filter, filterSubAttribute } = parsed;

  const uri = attrPath.uri ?? scope?.id;
  if (uri === undefined || uri.toLowerCase() === resource.core.id.toLowerCase()) {
    const common = attrPath.attribute.toLowerCase();
    if (common === 'meta' || common === 'schemas') return { kind: 'common', name: common };
  }
  const resolved = resolveAttributeParts(resource, { uri, attribute: attrPath.attribute, subAttribute: attrPath.subAttribute });
  if (!resolved) return { kind: 'unknown', name: trimmed };
  const schema = findSchema(resource, resolved.schema) as Schema;
  const definition = findAttribute(schema, resolved.attribute) as SchemaAttribute;

  if (!filter) return { kind: 'attribute', schema, definition, subDefinition: resolved.subDefinition };
  if (definition.type !== 'complex') {
    throw ScimError.invalidPath(`"${definition.name}" is not complex; a value filter does not apply`);
  }
  let subDefinition: SchemaAttribute | undefined;
  if (filterSubAttribute !== undefined) {
    subDefinition = findSubAttribute(definition, filterSubAttribute);
    if (!subDefinition) return { kind: 'unknown', name: `${definition.name}.${filterSubAttribute}` };
  }
  return { kind: 'attribute', schema, definition, subDefinition, filter: canonicalizeFilter(filter, definition) };
}

/** Sub-attribute names to canonical casing and comparison values to the sub-attribute's type. */
function canonicalizeFilter(filter: FilterNode, parent: SchemaAttribute): FilterNode {
  switch (filter.type) {
    case 'and':
    case 'or':
      return { type: filter.type, filters: filter.filters.map((child) => canonicalizeFilter(child, parent)) };
    case 'not':
      return { type: 'not', filter: canonicalizeFilter(filter.filter, parent) };
    case 'valuePath':
      throw ScimError.invalidPath('Value filters cannot be nested');
    case 'present':
    case 'compare': {
      const written = filter.path.subAttribute === undefined ? filter.path.attribute : `${filter.path.attribute}.${filter.path.subAttribute}`;
      const sub = filter.path.uri === undefined && filter.path.subAttribute === undefined ? findSubAttribute(parent, filter.path.attribute) : undefined;
      if (!sub) throw ScimError.invalidPath(`Unknown attribute "${parent.name}.${written}" in path filter`);
      if (filter.type === 'present') return { type: 'present', path: { attribute: sub.name } };
      return { ...filter, path: { attribute: sub.name }, value: filterValue(sub, filter.value, `${parent.name}.${sub.name}`) };
    }
  }
}

function filterValue(sub: SchemaAttribute, value: string | number | boolean | null, label: string): string | number | boolean | null {
  if (value === null) return null;
  switch (sub.type) {
    case 'boolean': {
      const bool = entraBoolean(value);
      if (bool !== undefined) return bool;
      break;
    }
    case 'integer':
    case 'decimal':
      if (typeof value === 'number') return value;
      break;
    case 'dateTime':
      if (typeof value === 'string' && parseDateTime(value)) return value;
      break;
    default:
      if (typeof value === 'string' && sub.canonicalValues) {
        // A value the attribute can never hold: refused, so `add` cannot create an element of
        // a type that is not stored (issue #10: nothing is dropped silently).
        const canonical = sub.canonicalValues.find((v) => v.toLowerCase() === value.toLowerCase());
        if (canonical === undefined) {
          throw ScimError.invalidValue(
            `"${label}" must be one of ${sub.canonicalValues.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(value)}`,
          );
        }
        return canonical;
      }
      if (typeof value === 'string') return value;
  }
  throw ScimError.invalidPath(`"${label}" cannot be compared with ${JSON.stringify(value)}`);
}
