import { isBlank } from '../blank.util';
import { ScimError } from '../errors';
import { FilterNode } from '../filter/filter-ast';
import { getProperty, hasProperty, isJsonObject, JsonObject } from '../json-object';
import { findSubAttribute } from '../schemas/attribute-resolver';
import { ResourceSchema, Schema, SchemaAttribute } from '../schemas/schema-types';
import { assertSafeValue, ForbiddenNameError } from './forbidden-names';
import { resolvePatchPath, ResolvedPath } from './patch-path';
import { MembersPatchOperation, PatchOpName, PatchOperation, PatchTarget } from './patch-types';
import { CLEAR, coerceElement, coerceElements, coerceReference, coerceScalar, isReferenceComplex } from './value-coercion';

/** More operations than this in one PATCH is a 400 tooMany. */
export const MAX_PATCH_OPERATIONS = 1000;

/**
 * Validates a PatchOp body (RFC 7644 §3.5.2) and turns it into resolved, type-coerced
 * operations. Tolerant where Entra is sloppy (op and key casing, missing or odd `schemas`,
 * "True", manager shapes, dotted and URN keys in path-less values); strict where a mistake
 * would lose data (unknown paths, readOnly targets, bad values). Throws only `ScimError`.
 */
export function parsePatchRequest(body: unknown, resource: ResourceSchema): PatchOperation[] {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('The PATCH body must be a JSON object');
  // `schemas` is deliberately not checked: clients send it missing or oddly cased.
  const operations = getProperty(body, 'Operations');
  if (operations === undefined || operations === null) throw ScimError.invalidSyntax('"Operations" is required');
  if (!Array.isArray(operations)) throw ScimError.invalidSyntax('"Operations" must be an array');
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw new ScimError(400, 'tooMany', `At most ${MAX_PATCH_OPERATIONS} operations per PATCH request`);
  }
  const parser = new OperationParser(resource, 'patch');
  return operations.flatMap((raw, index) => {
    try {
      return parser.parseOperation(raw);
    } catch (err) {
      if (err instanceof ScimError) throw new ScimError(err.status, err.scimType, `Operations[${index}]: ${err.detail}`);
      throw err;
    }
  });
}

/**
 * Parses a POST/PUT body into operations that build the resource from scratch: the same
 * coercions as PATCH, but readOnly attributes (`id`, `meta`, `groups`) are ignored rather than
 * rejected (RFC 7643 §2.2). Used by `parseResourceBody`.
 */
export function parseResourceOperations(body: JsonObject, resource: ResourceSchema): PatchOperation[] {
  assertSafeValue(body);
  return new OperationParser(resource, 'resource').expandObject('replace', body, undefined);
}

type Mode = 'patch' | 'resource';

class OperationParser {
  constructor(
    private readonly resource: ResourceSchema,
    private readonly mode: Mode,
  ) {}

  parseOperation(raw: unknown): PatchOperation[] {
    if (!isJsonObject(raw)) throw ScimError.invalidSyntax('Each operation must be a JSON object');
    const opValue = getProperty(raw, 'op');
    const op = typeof opValue === 'string' ? opValue.trim().toLowerCase() : undefined;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw ScimError.invalidSyntax(`Unsupported op ${JSON.stringify(opValue ?? null)}; use add, replace or remove`);
    }
    const rawPath = getProperty(raw, 'path');
    if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
      throw ScimError.invalidPath('"path" must be a string');
    }
    const hasValue = hasProperty(raw, 'value');
    const value = getProperty(raw, 'value');
    if (hasValue) assertSafeValue(value);

    if (rawPath === undefined || rawPath === null || rawPath.trim() === '') {
      if (op === 'remove') throw ScimError.noTarget('"remove" requires a "path"');
      if (!hasValue) throw ScimError.invalidValue(`"${op}" requires a "value"`);
      if (!isJsonObject(value)) throw ScimError.invalidValue(`"${op}" without a "path" requires an object "value"`);
      return this.expandObject(op, value, undefined);
    }
    if (op !== 'remove' && !hasValue) throw ScimError.invalidValue(`"${op}" requires a "value"`);
    const path = resolvePatchPath(rawPath, this.resource);
    // A path that names nothing is refused (issue #10): answering 204 would tell the client a
    // change was stored that never was.
    if (path.kind === 'unknown') throw ScimError.invalidPath(`Unknown attribute "${path.name}" in path "${rawPath.trim()}"`);
    return this.operationsFor(op, path, value, hasValue, false);
  }

  /**
   * A path-less value (or a POST/PUT body): one operation per key. Keys may be plain, dotted
   * (`name.givenName`), URN-qualified, or a schema URN holding an object. A key that names no
   * declared attribute is a 400 invalidSyntax naming every such key, unless its value carries
   * no data (null, "", []): Entra's tutorial create sends `roles: []`, and refusing an empty
   * value of an attribute we do not keep would lose nothing but the create.
   */
  expandObject(op: 'add' | 'replace', object: JsonObject, scope: Schema | undefined): PatchOperation[] {
    const operations: PatchOperation[] = [];
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(object)) {
      let path: ResolvedPath;
      try {
        path = resolvePatchPath(key, this.resource, scope);
      } catch (err) {
        if (err instanceof ForbiddenNameError) throw err;
        // A malformed key is just a key that names nothing.
        if (err instanceof ScimError && err.scimType === 'invalidPath') path = { kind: 'unknown', name: key };
        else throw err;
      }
      if (path.kind === 'unknown') {
        if (!carriesNoData(value)) unknown.push(scope ? `${scope.id}:${key}` : key);
        continue;
      }
      if (path.kind === 'schema') {
        if (isJsonObject(value)) operations.push(...this.expandObject(op, value, path.schema));
        else if (!carriesNoData(value)) throw ScimError.invalidValue(`"${path.schema.id}" takes an object value`);
        continue;
      }
      operations.push(...this.operationsFor(op, path, value, true, true));
    }
    if (unknown.length > 0) {
      throw ScimError.invalidSyntax(
        `Unknown attribute${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => JSON.stringify(name)).join(', ')} for ${this.resource.name}; see GET /Schemas`,
      );
    }
    return operations;
  }

  private operationsFor(
    op: PatchOpName,
    path: Exclude<ResolvedPath, { kind: 'unknown' }>,
    value: unknown,
    hasValue: boolean,
    pathless: boolean,
  ): PatchOperation[] {
    if (path.kind === 'schema') return this.schemaOperations(op, path.schema, value);
    if (path.kind === 'common') {
      // Clients echo `schemas`; the server owns it. `meta` is readOnly (RFC 7643 §3.1).
      if (path.name === 'schemas' || this.mode === 'resource') return [];
      throw ScimError.mutability('"meta" is readOnly');
    }
    const { definition, subDefinition } = path;
    const readOnly = definition.mutability === 'readOnly' ? definition : subDefinition?.mutability === 'readOnly' ? subDefinition : undefined;
    const target: PatchTarget = { schema: path.schema.id, attribute: definition.name };
    if (subDefinition) target.subAttribute = subDefinition.name;
    if (path.filter) target.filter = path.filter;
    if (readOnly) {
      // RFC 7643 §2.2: readOnly values in a POST/PUT body are ignored.
      if (this.mode === 'resource') return [];
      if (pathless && op !== 'remove') return [{ kind: 'readOnly', op, target, value, ifUnchanged: true }];
      if (path.filter && op === 'replace') return [{ kind: 'readOnly', op, target, value, ifUnchanged: false }];
      throw ScimError.mutability(`"${label(definition, subDefinition)}" is readOnly`);
    }

    if (this.resource.name === 'Group' && path.schema === this.resource.core && definition.name === 'members') {
      return this.memberOperations(op, target, definition, value, hasValue);
    }
    if (op === 'remove') return this.removeOperations(target, definition, value, hasValue);
    return this.setOperations(op, target, definition, subDefinition, value);
  }

  /** `{"op":"replace","path":"urn:…:enterprise:2.0:User","value":{…}}`, or remove of a whole extension. */
  private schemaOperations(op: PatchOpName, schema: Schema, value: unknown): PatchOperation[] {
    if (op !== 'remove') {
      if (!isJsonObject(value)) throw ScimError.invalidValue(`"${schema.id}" takes an object value`);
      return this.expandObject(op, value, schema);
    }
    if (schema === this.resource.core) throw ScimError.invalidPath('The core schema cannot be removed');
    const writable = schema.attributes.filter((attribute) => attribute.mutability !== 'readOnly');
    // An extension that is read-only as a whole (the Group entitlements) cannot be removed
    // either: silently succeeding would tell the client it had turned the flags off.
    if (writable.length === 0) throw ScimError.mutability(`"${schema.id}" is readOnly`);
    return writable.map((attribute) => ({ kind: 'attribute', op: 'remove', target: { schema: schema.id, attribute: attribute.name } }));
  }

  private removeOperations(target: PatchTarget, definition: SchemaAttribute, value: unknown, hasValue: boolean): PatchOperation[] {
    // `remove` of a multi-valued attribute with a value list removes just those values (the
    // Microsoft members shape, generalised). A list that names nothing removes nothing: never
    // fall back to removing every value (ENTRA.md §6 pitfall 3).
    if (definition.multiValued && definition.type === 'complex' && !target.filter && !target.subAttribute && hasValue && value !== null) {
      const elements = coerceElements(definition, value, definition.name).map(dropNulls);
      return elements.length > 0 ? [{ kind: 'attribute', op: 'remove', target, value: elements }] : [];
    }
    return [{ kind: 'attribute', op: 'remove', target }];
  }

  private setOperations(
    op: 'add' | 'replace',
    target: PatchTarget,
    definition: SchemaAttribute,
    subDefinition: SchemaAttribute | undefined,
    value: unknown,
  ): PatchOperation[] {
    const name = label(definition, subDefinition);
    const set = (coerced: unknown): PatchOperation[] => [{ kind: 'attribute', op, target, value: coerced }];
    const clear = (): PatchOperation[] => [{ kind: 'attribute', op: 'remove', target }];

    if (subDefinition) {
      const coerced = coerceScalar(subDefinition, value, name);
      return coerced === CLEAR ? clear() : set(coerced);
    }
    if (definition.type !== 'complex') {
      if (definition.multiValued) {
        if (!Array.isArray(value)) throw ScimError.invalidValue(`"${name}" is multi-valued; send a list`);
        const items = value.map((item) => coerceScalar(definition, item, name)).filter((item) => item !== CLEAR);
        if (items.length === 0) return op === 'replace' ? clear() : [];
        return set(items);
      }
      const coerced = coerceScalar(definition, value, name);
      return coerced === CLEAR ? clear() : set(coerced);
    }
    if (target.filter) {
      // One value selected by a filter: `addresses[type eq "work"]` with an object value.
      const item: unknown = Array.isArray(value) && value.length === 1 ? value[0] : value;
      if (isBlank(item)) return clear();
      if (!definition.multiValued && isReferenceComplex(definition)) {
        const reference = coerceReference(definition, item, name);
        return reference === CLEAR ? clear() : set(reference);
      }
      const element = coerceElement(definition, item, name);
      return Object.values(element).some((v) => v !== null) ? set(element) : clear();
    }
    if (definition.multiValued) {
      const elements = coerceElements(definition, value, name);
      if (elements.length === 0) return op === 'replace' ? clear() : [];
      return set(elements);
    }
    if (isReferenceComplex(definition)) {
      const reference = coerceReference(definition, value, name);
      return reference === CLEAR ? clear() : set(reference);
    }
    // A single complex attribute such as `name`: sub-attributes not sent stay unchanged
    // (RFC 7644 §3.5.2.1/§3.5.2.3), so it becomes one operation per sub-attribute sent.
    if (isBlank(value)) return clear();
    if (!isJsonObject(value)) throw ScimError.invalidValue(`"${name}" takes an object value`);
    const operations: PatchOperation[] = [];
    for (const [key, subValue] of Object.entries(value)) {
      const sub = findSubAttribute(definition, key.trim());
      if (!sub) throw ScimError.invalidSyntax(`Unknown attribute "${name}.${key}"`);
      if (sub.mutability === 'readOnly') continue;
      operations.push(...this.setOperations(op, { ...target, subAttribute: sub.name }, definition, sub, subValue));
    }
    return operations;
  }

  private memberOperations(op: PatchOpName, target: PatchTarget, definition: SchemaAttribute, value: unknown, hasValue: boolean): MembersPatchOperation[] {
    if (target.subAttribute) throw ScimError.invalidPath('Use the path "members" or "members[value eq \\"id\\"]"');
    if (target.filter) {
      if (op !== 'remove') throw ScimError.invalidPath(`"${op}" with a members filter is not supported; use the path "members"`);
      return [{ kind: 'members', action: 'remove', ids: memberIdsFromFilter(target.filter) }];
    }
    if (op === 'remove') {
      // Entra's documented removal: path "members" plus a value list removes only those
      // members, never all of them (ENTRA.md §6 pitfall 3).
      if (!hasValue || value === null) return [{ kind: 'members', action: 'removeAll', ids: [] }];
      const ids = memberIds(definition, value);
      return ids.length === 0 ? [] : [{ kind: 'members', action: 'remove', ids }];
    }
    const ids = memberIds(definition, value);
    if (op === 'add') return ids.length === 0 ? [] : [{ kind: 'members', action: 'add', ids }];
    return [{ kind: 'members', action: 'replace', ids }];
  }
}

/** Null, blank, an empty list (or one of nulls and blanks) or `{}`: a value that stores nothing. */
function carriesNoData(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(isBlank);
  if (isJsonObject(value)) return Object.keys(value).length === 0;
  return isBlank(value);
}

function label(definition: SchemaAttribute, sub: SchemaAttribute | undefined): string {
  return sub ? `${definition.name}.${sub.name}` : definition.name;
}

function dropNulls(element: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(element).filter(([, value]) => value !== null));
}

/**
 * Members as `[{value}]` (with or without `$ref`/`display`/`type`), `["id"]`, `{value}` or
 * `"id"`. Sub-attributes are checked like any complex value: an undeclared one (e.g.
 * `displayName`, which RFC 7643 §4.2 does not give members) is a 400 naming it.
 */
function memberIds(definition: SchemaAttribute, value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items: unknown[] = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const item of items) {
    if (isJsonObject(item)) {
      for (const key in item) {
        // `{value}` is the common shape of large member lists: no lookup for it.
        if (key !== 'value' && !findSubAttribute(definition, key.trim())) throw ScimError.invalidSyntax(`Unknown attribute "${definition.name}.${key}"`);
      }
    }
    const raw = isJsonObject(item) ? getProperty(item, 'value') : item;
    if (typeof raw !== 'string' || raw.trim() === '') {
      throw ScimError.invalidValue('Each member must be {"value": "<id>"} with a non-empty id');
    }
    ids.push(raw.trim());
  }
  return [...new Set(ids)];
}

/** `members[value eq "a"]`, or an `or` of such comparisons; other member filters are not supported. */
function memberIdsFromFilter(filter: FilterNode): string[] {
  const comparisons = filter.type === 'or' ? filter.filters : [filter];
  const ids = comparisons.map((node) => {
    if (node.type === 'compare' && node.operator === 'eq' && node.path.attribute === 'value' && typeof node.value === 'string' && node.value.trim() !== '') {
      return node.value.trim();
    }
    throw ScimError.invalidFilter('Only members[value eq "<id>"] filters are supported');
  });
  return [...new Set(ids)];
}
