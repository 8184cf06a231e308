import { isBlank } from '../blank.util';
import { parseDateTime } from '../datetime';
import { entraBoolean } from '../entra-boolean.util';
import { ScimError } from '../errors';
import { getProperty, isJsonObject, JsonObject } from '../json-object';
import { findSubAttribute } from '../schemas/attribute-resolver';
import { SchemaAttribute } from '../schemas/schema-types';

/** `CLEAR` stands for "unassign": null, "" or whitespace (ENTRA.md §2.4: "" clears). */
export const CLEAR = Symbol('clear');
export type Coerced<T> = T | typeof CLEAR;

export type Scalar = string | number | boolean;

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

/**
 * Checks a value for a non-complex attribute against its schema type. No coercion (issue #10):
 * a number is not a string and a string is not a list; the one exception is Entra's documented
 * `"True"`/`"False"` for booleans. A canonical value comes back in its declared spelling.
 */
export function coerceScalar(definition: SchemaAttribute, raw: unknown, label: string): Coerced<Scalar> {
  if (isBlank(raw)) return CLEAR;
  if (Array.isArray(raw)) throw ScimError.invalidValue(`"${label}" is single-valued, not a list`);
  switch (definition.type) {
    case 'boolean': {
      const bool = entraBoolean(raw);
      if (bool !== undefined) return bool;
      throw ScimError.invalidValue(`"${label}" must be true or false, not ${describe(raw)}`);
    }
    case 'integer':
    case 'decimal': {
      const number = typeof raw === 'number' ? raw : NaN;
      if (!Number.isFinite(number) || (definition.type === 'integer' && !Number.isInteger(number))) {
        throw ScimError.invalidValue(`"${label}" must be ${definition.type === 'integer' ? 'an integer' : 'a number'}, not ${describe(raw)}`);
      }
      return number;
    }
    case 'dateTime':
      if (typeof raw === 'string' && parseDateTime(raw)) return raw;
      throw ScimError.invalidValue(`"${label}" must be an ISO 8601 dateTime, not ${describe(raw)}`);
    case 'complex':
      throw ScimError.invalidValue(`"${label}" is complex; send an object`);
    default:
      // string, reference, binary. Stored as sent (no trimming).
      if (typeof raw !== 'string') throw ScimError.invalidValue(`"${label}" must be a string, not ${describe(raw)}`);
      if (definition.canonicalValues) {
        const canonical = definition.canonicalValues.find((value) => value.toLowerCase() === raw.trim().toLowerCase());
        if (canonical === undefined) {
          throw ScimError.invalidValue(
            `"${label}" must be one of ${definition.canonicalValues.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(raw)}`,
          );
        }
        return canonical;
      }
      return raw;
  }
}

/**
 * True for complex attributes that point at another resource by `value` (manager, members,
 * groups). Clients send them as a bare id, `{value}`, or a one-element array.
 */
export function isReferenceComplex(definition: SchemaAttribute): boolean {
  return definition.type === 'complex' && findSubAttribute(definition, 'value') !== undefined && findSubAttribute(definition, '$ref') !== undefined;
}

/** manager as `"id"`, `{value:"id"}`, `[{value:"id", $ref:"…"}]` → `{value:"id"}`; empty → CLEAR. */
export function coerceReference(definition: SchemaAttribute, raw: unknown, label: string): Coerced<{ value: string }> {
  let current = raw;
  if (Array.isArray(current)) {
    if (current.length === 0) return CLEAR;
    if (current.length > 1) throw ScimError.invalidValue(`"${label}" takes a single value, not ${current.length}`);
    current = current[0];
  }
  if (isJsonObject(current)) current = getProperty(coerceElement(definition, current, label), 'value');
  if (current === null || current === undefined) return CLEAR;
  if (typeof current !== 'string') throw ScimError.invalidValue(`"${label}" must be an id or {"value": id}, not ${describe(current)}`);
  const id = current.trim();
  return id === '' ? CLEAR : { value: id };
}

/**
 * Checks one value of a complex attribute: sub-attribute names to canonical casing, values to
 * their type. An unknown sub-attribute is a 400 naming it (a mapping mistake must not lose data
 * silently); readOnly ones and `$ref` (the server derives it from `value`) are ignored. Cleared
 * sub-attributes map to null so a merge can unset them. A bare id stands for `{value}` only for
 * references (manager, members), the shapes Entra sends.
 */
export function coerceElement(parent: SchemaAttribute, raw: unknown, label: string): JsonObject {
  const source = typeof raw === 'string' && isReferenceComplex(parent) ? { value: raw } : raw;
  if (!isJsonObject(source)) throw ScimError.invalidValue(`"${label}" values must be objects, not ${describe(raw)}`);
  const unknown = Object.keys(source).filter((key) => !findSubAttribute(parent, key.trim()));
  if (unknown.length > 0) {
    throw ScimError.invalidSyntax(`Unknown attribute${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${label}.${key}"`).join(', ')}`);
  }
  const element: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    const sub = findSubAttribute(parent, key.trim()) as SchemaAttribute;
    if (sub.mutability === 'readOnly' || sub.name === '$ref') continue;
    const coerced = coerceScalar(sub, value, `${label}.${sub.name}`);
    element[sub.name] = coerced === CLEAR ? null : coerced;
  }
  return element;
}

/**
 * A multi-valued complex value: a list (not one element: single vs multi-valued is checked) →
 * elements with something in them, at most one of them `primary` (RFC 7643 §2.4).
 */
export function coerceElements(parent: SchemaAttribute, raw: unknown, label: string): JsonObject[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw ScimError.invalidValue(`"${label}" is multi-valued; send a list, not ${describe(raw)}`);
  const elements = raw
    .filter((item) => !isBlank(item))
    .map((item) => coerceElement(parent, item, label))
    .filter((element) => Object.values(element).some((value) => value !== null));
  assertOnePrimary(elements, label);
  return elements;
}

/** "The primary attribute value true MUST appear no more than once" (RFC 7643 §2.4). */
export function assertOnePrimary(elements: readonly JsonObject[], label: string): void {
  if (elements.filter((element) => element.primary === true).length > 1) {
    throw ScimError.invalidValue(`At most one value of "${label}" may be primary`);
  }
}
