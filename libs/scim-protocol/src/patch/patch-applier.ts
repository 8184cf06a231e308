import { ScimError } from '../errors';
import { FilterNode } from '../filter/filter-ast';
import { isPresent, matchesValueFilter } from '../filter/filter-evaluator';
import { cloneJson, deleteProperty, getProperty, isJsonObject, JsonObject, setProperty } from '../json-object';
import { findAttribute, findSchema, findSubAttribute } from '../schemas/attribute-resolver';
import { ResourceSchema, Schema, SchemaAttribute } from '../schemas/schema-types';
import { AttributePatchOperation, MembersPatchOperation, PatchOperation, ReadOnlyPatchOperation } from './patch-types';
import { CLEAR, coerceScalar, isReferenceComplex } from './value-coercion';

/**
 * Applies parsed operations to a SCIM resource and returns the new resource. The input is
 * never mutated: everything happens on a deep copy, so when an operation throws, the caller
 * still holds the untouched original and nothing is half-applied.
 *
 * Member operations of a Group change an in-memory `members` array only when the resource has
 * one; otherwise they are skipped, because the Groups service applies them with SQL.
 */
export function applyPatch<T extends object>(resource: T, operations: readonly PatchOperation[], schema: ResourceSchema): T {
  const draft: unknown = cloneJson(resource);
  if (!isJsonObject(draft)) throw new TypeError('applyPatch expects a plain resource object');
  const requiredBefore = schema.core.attributes.filter((attribute) => attribute.required && isPresent(getProperty(draft, attribute.name)));
  for (const operation of operations) {
    if (operation.kind === 'members') applyMembers(draft, operation);
    else if (operation.kind === 'readOnly') checkReadOnly(draft, operation, schema);
    else applyAttribute(draft, operation, schema);
  }
  for (const attribute of requiredBefore) {
    if (!isPresent(getProperty(draft, attribute.name))) {
      throw ScimError.invalidValue(`"${attribute.name}" is required and cannot be removed`);
    }
  }
  return draft as T;
}

function applyAttribute(draft: JsonObject, operation: AttributePatchOperation, resource: ResourceSchema): void {
  const { target } = operation;
  const schema = findSchema(resource, target.schema);
  const definition = schema && findAttribute(schema, target.attribute);
  if (!schema || !definition) throw ScimError.invalidPath(`Unknown attribute "${target.attribute}"`);
  const subDefinition = target.subAttribute === undefined ? undefined : findSubAttribute(definition, target.subAttribute);
  if (target.subAttribute !== undefined && !subDefinition) {
    throw ScimError.invalidPath(`Unknown attribute "${definition.name}.${target.subAttribute}"`);
  }
  if (definition.mutability === 'readOnly' || subDefinition?.mutability === 'readOnly') {
    throw ScimError.mutability(`"${definition.name}" is readOnly`);
  }

  const isCore = schema === resource.core;
  const container = isCore ? draft : extensionObject(draft, schema, operation.op !== 'remove');
  if (!container) return;
  if (definition.type !== 'complex') applySimple(container, operation, definition);
  else if (definition.multiValued) applyMultiValued(container, operation, definition, subDefinition?.name);
  else applySingleComplex(container, operation, definition, subDefinition?.name);
  if (!isCore) dropEmptyExtension(draft, schema);
}

/**
 * A readOnly target changes nothing; it answers 400 mutability unless the path-less value equals
 * the current one (ignored), or its value filter selects nothing (noTarget, checked first).
 */
function checkReadOnly(draft: JsonObject, operation: ReadOnlyPatchOperation, resource: ResourceSchema): void {
  const { target } = operation;
  const schema = findSchema(resource, target.schema) as Schema;
  const definition = findAttribute(schema, target.attribute) as SchemaAttribute;
  const container = schema === resource.core ? draft : getProperty(draft, schema.id);
  const current = isJsonObject(container) ? getProperty(container, definition.name) : undefined;
  const name = target.subAttribute ? `${definition.name}.${target.subAttribute}` : definition.name;
  if (target.filter) {
    const values = (Array.isArray(current) ? current : current === undefined ? [] : [current]).filter(isJsonObject);
    // Group members are not loaded into the draft (the service applies them in SQL): no answer but mutability.
    const unloaded = resource.name === 'Group' && definition.name === 'members' && !Array.isArray(current);
    if (!unloaded && !values.some((value) => matchesValueFilter(value, target.filter as FilterNode, definition))) {
      throw ScimError.noTarget(`No value of "${definition.name}" matches the path filter`);
    }
  } else if (operation.ifUnchanged && target.subAttribute === undefined && sameScalar(definition, current, operation.value, name)) {
    return;
  }
  throw ScimError.mutability(`"${name}" is readOnly`);
}

function sameScalar(definition: SchemaAttribute, current: unknown, sent: unknown, name: string): boolean {
  if (definition.type === 'complex' || definition.multiValued) return false;
  const value = coerceScalar(definition, sent, name);
  if (value === CLEAR) return current === undefined || current === null;
  if (typeof value === 'string' && typeof current === 'string' && !definition.caseExact) return value.toLowerCase() === current.toLowerCase();
  return value === current;
}

/** Extension attributes live under the extension URN key (ENTRA.md §2.4 manager placement). */
function extensionObject(draft: JsonObject, schema: Schema, create: boolean): JsonObject | undefined {
  const existing = getProperty(draft, schema.id);
  if (isJsonObject(existing)) return existing;
  if (!create) return undefined;
  const created: JsonObject = {};
  setProperty(draft, schema.id, created);
  const schemas = getProperty(draft, 'schemas');
  if (Array.isArray(schemas) && !schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === schema.id.toLowerCase())) {
    schemas.push(schema.id);
  }
  return created;
}

function dropEmptyExtension(draft: JsonObject, schema: Schema): void {
  const extension = getProperty(draft, schema.id);
  if (isJsonObject(extension) && Object.keys(extension).length > 0) return;
  deleteProperty(draft, schema.id);
  const schemas = getProperty(draft, 'schemas');
  if (Array.isArray(schemas)) {
    setProperty(
      draft,
      'schemas',
      schemas.filter((urn) => !(typeof urn === 'string' && urn.toLowerCase() === schema.id.toLowerCase())),
    );
  }
}

function applySimple(container: JsonObject, operation: AttributePatchOperation, definition: SchemaAttribute): void {
  if (operation.op === 'remove') {
    deleteProperty(container, definition.name);
  } else if (definition.multiValued && operation.op === 'add') {
    const current = getProperty(container, definition.name);
    const merged = [...(Array.isArray(current) ? (current as unknown[]) : []), ...(operation.value as unknown[])];
    setProperty(container, definition.name, [...new Set(merged)]);
  } else {
    // `add` on a single value replaces it (RFC 7644 §3.5.2.1).
    setProperty(container, definition.name, operation.value);
  }
}

function applySingleComplex(container: JsonObject, operation: AttributePatchOperation, definition: SchemaAttribute, subAttribute: string | undefined): void {
  const current = getProperty(container, definition.name);
  let object = isJsonObject(current) ? current : undefined;
  const { filter } = operation.target;
  if (filter && !(object && matchesValueFilter(object, filter, definition))) {
    // `remove manager[value eq "x"]` when the manager is already someone else: nothing to do.
    if (operation.op === 'remove') return;
    throw ScimError.noTarget(`No value of "${definition.name}" matches the path filter`);
  }
  if (operation.op === 'remove') {
    if (subAttribute === undefined) deleteProperty(container, definition.name);
    else if (object) deleteProperty(object, subAttribute);
  } else if (subAttribute !== undefined) {
    object ??= {};
    setProperty(object, subAttribute, operation.value);
    setProperty(container, definition.name, object);
  } else if (isReferenceComplex(definition)) {
    setProperty(container, definition.name, { ...(operation.value as JsonObject) });
  } else {
    object ??= {};
    mergeInto(object, operation.value as JsonObject);
    setProperty(container, definition.name, object);
  }
  const after = getProperty(container, definition.name);
  if (isJsonObject(after) && !isPresent(after)) deleteProperty(container, definition.name);
}

function applyMultiValued(container: JsonObject, operation: AttributePatchOperation, definition: SchemaAttribute, subAttribute: string | undefined): void {
  const current = getProperty(container, definition.name);
  let list: JsonObject[] = (Array.isArray(current) ? current : current === undefined ? [] : [current]).filter(isJsonObject);
  const touched: JsonObject[] = [];
  const { filter } = operation.target;
  const matches = (element: JsonObject): boolean => !filter || matchesValueFilter(element, filter, definition);

  if (!filter && subAttribute === undefined) {
    if (operation.op === 'remove') {
      const patterns = Array.isArray(operation.value) ? operation.value.filter(isJsonObject) : undefined;
      list = patterns ? list.filter((element) => !patterns.some((pattern) => sameValues(element, pattern, definition))) : [];
    } else {
      if (operation.op === 'replace') list = [];
      for (const element of operation.value as JsonObject[]) mergeOrAppend(list, element, definition, touched);
    }
  } else if (operation.op === 'remove') {
    if (subAttribute === undefined) {
      list = list.filter((element) => !matches(element));
    } else {
      for (const element of list.filter(matches)) deleteProperty(element, subAttribute);
    }
  } else {
    let selected = list.filter(matches);
    if (selected.length === 0) {
      // RFC 7644 §3.5.2.3: a replace whose filter selects nothing fails; only add creates.
      if (operation.op === 'replace' && filter) throw ScimError.noTarget(`No value of "${definition.name}" matches the path filter`);
      // Entra adds `emails[type eq "work"].value` and `addresses[type eq "work"].locality` to
      // users that have no such value yet: create it from the filter (ENTRA.md §6 pitfall 5).
      const created = filter ? elementFromFilter(filter) : {};
      if (!created) throw ScimError.noTarget(`No value of "${definition.name}" matches the path filter`);
      list.push(created);
      selected = [created];
    }
    for (const element of selected) {
      if (subAttribute !== undefined) {
        setProperty(element, subAttribute, operation.value);
      } else {
        if (operation.op === 'replace') {
          // Replace the selected value, keeping what the filter pinned down (e.g. its type).
          const pinned = (filter && elementFromFilter(filter)) ?? (typeof element.type === 'string' ? { type: element.type } : {});
          for (const key of Object.keys(element)) delete element[key];
          mergeInto(element, pinned);
        }
        mergeInto(element, operation.value as JsonObject);
      }
      touched.push(element);
    }
  }

  enforceSinglePrimary(list, touched);
  list = list.filter(hasContent);
  if (list.length === 0) deleteProperty(container, definition.name);
  else setProperty(container, definition.name, list);
}

/** Adds a value, merging into the existing one of the same `type` (types stay unique per attribute). */
function mergeOrAppend(list: JsonObject[], element: JsonObject, definition: SchemaAttribute, touched: JsonObject[]): void {
  const type = element.type;
  if (typeof type === 'string') {
    const existing = list.find((item) => typeof item.type === 'string' && item.type.toLowerCase() === type.toLowerCase());
    if (existing) {
      // The existing value keeps its own spelling of the type.
      const { type: _type, ...rest } = element;
      mergeInto(existing, rest);
      touched.push(existing);
      return;
    }
  } else if (list.some((item) => sameValues(item, element, definition))) {
    return;
  }
  const added: JsonObject = {};
  mergeInto(added, element);
  list.push(added);
  touched.push(added);
}

/** Copies canonical sub-attributes; null means "unset". */
function mergeInto(target: JsonObject, source: JsonObject): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === null) deleteProperty(target, key);
    else setProperty(target, key, value);
  }
}

/** True when every sub-attribute given in `pattern` equals the element's (caseExact-aware). */
function sameValues(element: JsonObject, pattern: JsonObject, definition: SchemaAttribute): boolean {
  const entries = Object.entries(pattern).filter(([, value]) => value !== null);
  return (
    entries.length > 0 &&
    entries.every(([key, expected]) => {
      const actual = getProperty(element, key);
      if (typeof actual === 'string' && typeof expected === 'string' && !findSubAttribute(definition, key)?.caseExact) {
        return actual.toLowerCase() === expected.toLowerCase();
      }
      return actual === expected;
    })
  );
}

/**
 * The value a filter of `eq` comparisons describes (`type eq "work"` → `{type: "work"}`), or
 * undefined when it does not pin one down (`value co "x"`, `or`, `not`). It must name the
 * `type`: values are unique per type, so a typed slot is what Entra means to create; without
 * one, RFC 7644 §3.5.2.3's noTarget applies.
 */
function elementFromFilter(filter: FilterNode): JsonObject | undefined {
  const parts = filter.type === 'and' ? filter.filters : [filter];
  const element: JsonObject = {};
  for (const part of parts) {
    if (part.type !== 'compare' || part.operator !== 'eq' || part.value === null) return undefined;
    setProperty(element, part.path.attribute, part.value);
  }
  return typeof element.type === 'string' ? element : undefined;
}

/** "The primary attribute value true MUST appear no more than once" (RFC 7643 §2.4). */
function enforceSinglePrimary(list: JsonObject[], touched: JsonObject[]): void {
  const winner = [...touched].reverse().find((element) => element.primary === true);
  if (!winner) return;
  for (const element of list) {
    if (element !== winner && element.primary === true) element.primary = false;
  }
}

/** A value with nothing but `type`/`primary` left is dropped (e.g. after removing `.value`). */
function hasContent(element: JsonObject): boolean {
  return Object.entries(element).some(([key, value]) => key !== 'type' && key !== 'primary' && isPresent(value));
}

function applyMembers(draft: JsonObject, operation: MembersPatchOperation): void {
  const current = getProperty(draft, 'members');
  if (!Array.isArray(current)) return;
  const members = current.filter(isJsonObject);
  const idOf = (member: JsonObject): unknown => member.value;
  let next: JsonObject[];
  switch (operation.action) {
    case 'add': {
      const present = new Set(members.map(idOf));
      next = [...members, ...operation.ids.filter((id) => !present.has(id)).map((id) => ({ value: id }))];
      break;
    }
    case 'remove': {
      const removed = new Set<unknown>(operation.ids);
      next = members.filter((member) => !removed.has(idOf(member)));
      break;
    }
    case 'removeAll':
      next = [];
      break;
    case 'replace':
      next = operation.ids.map((id) => members.find((member) => idOf(member) === id) ?? { value: id });
      break;
  }
  setProperty(draft, 'members', next);
}
