import { defineEntry, isJsonObject, JsonObject } from './json-object';
import { findAttribute, findSchema, findSubAttribute, resolveAttribute } from './schemas/attribute-resolver';
import { ResourceSchema, Schema, SchemaAttribute } from './schemas/schema-types';

export interface ProjectionParams {
  /** Comma-separated attribute names (RFC 7644 §3.4.2.5); repeated query values may be an array. */
  attributes?: string | readonly string[];
  excludedAttributes?: string | readonly string[];
}

/** Always returned whatever the parameters say (`id` is returned "always"; the rest are common attributes). */
const ALWAYS = new Set(['id', 'schemas', 'meta']);

/** Per schema URN (lower-cased), per attribute (lower-cased): the whole attribute or some sub-attributes. */
type Selection = Map<string, Map<string, 'all' | Set<string>>>;

interface ParsedParams {
  attributes?: { selection: Selection; wholeSchemas: Set<string> };
  excluded: { selection: Selection; wholeSchemas: Set<string> };
}

function parseNames(raw: string | readonly string[] | undefined, resource: ResourceSchema) {
  const selection: Selection = new Map();
  const wholeSchemas = new Set<string>();
  const text = typeof raw === 'string' ? raw : (raw ?? []).join(',');
  for (let name of text.split(',')) {
    name = name.trim();
    // `emails[type eq "work"]` (sent by Microsoft's test collection) selects `emails`.
    const bracket = name.indexOf('[');
    if (bracket !== -1) {
      const close = name.lastIndexOf(']');
      const after = close === -1 ? '' : name.slice(close + 1);
      name = name.slice(0, bracket) + (after.startsWith('.') ? after : '');
    }
    if (name === '') continue;
    const schema = findSchema(resource, name);
    if (schema) {
      wholeSchemas.add(schema.id.toLowerCase());
      continue;
    }
    // Unknown names select nothing rather than failing the request.
    const resolved = resolveAttribute(resource, name);
    if (!resolved) continue;
    const schemaKey = resolved.schema.toLowerCase();
    const perSchema = selection.get(schemaKey) ?? new Map<string, 'all' | Set<string>>();
    selection.set(schemaKey, perSchema);
    const attributeKey = resolved.attribute.toLowerCase();
    const existing = perSchema.get(attributeKey);
    if (resolved.subAttribute === undefined) {
      perSchema.set(attributeKey, 'all');
    } else if (existing !== 'all') {
      const subs = existing ?? new Set<string>();
      subs.add(resolved.subAttribute.toLowerCase());
      perSchema.set(attributeKey, subs);
    }
  }
  return { selection, wholeSchemas };
}

function parseParams(params: ProjectionParams, resource: ResourceSchema): ParsedParams {
  const hasAttributes =
    params.attributes !== undefined && (typeof params.attributes === 'string' ? params.attributes.trim() !== '' : params.attributes.length > 0);
  return {
    attributes: hasAttributes ? parseNames(params.attributes, resource) : undefined,
    excluded: parseNames(params.excludedAttributes, resource),
  };
}

/** What to keep of one attribute: everything, nothing, or a sub-attribute filter. */
type Decision = { keep: false } | { keep: true; subs?: (sub: SchemaAttribute) => boolean };

function decide(schema: Schema, definition: SchemaAttribute, parsed: ParsedParams): Decision {
  if (definition.returned === 'never') return { keep: false };
  const neverSubs = (sub: SchemaAttribute): boolean => sub.returned !== 'never';
  if (definition.returned === 'always') return { keep: true, subs: neverSubs };
  const schemaKey = schema.id.toLowerCase();
  const attributeKey = definition.name.toLowerCase();
  if (parsed.attributes) {
    const wanted = parsed.attributes.wholeSchemas.has(schemaKey) ? 'all' : parsed.attributes.selection.get(schemaKey)?.get(attributeKey);
    if (wanted === undefined) return { keep: false };
    if (wanted === 'all') return { keep: true, subs: neverSubs };
    return {
      keep: true,
      subs: (sub) => sub.returned === 'always' || (sub.returned !== 'never' && wanted.has(sub.name.toLowerCase())),
    };
  }
  if (definition.returned === 'request') return { keep: false };
  if (parsed.excluded.wholeSchemas.has(schemaKey)) return { keep: false };
  const excluded = parsed.excluded.selection.get(schemaKey)?.get(attributeKey);
  if (excluded === 'all') return { keep: false };
  if (excluded === undefined) return { keep: true, subs: neverSubs };
  return {
    keep: true,
    subs: (sub) => sub.returned === 'always' || (sub.returned !== 'never' && sub.returned !== 'request' && !excluded.has(sub.name.toLowerCase())),
  };
}

function projectValue(value: unknown, definition: SchemaAttribute, keepSub: ((sub: SchemaAttribute) => boolean) | undefined): unknown {
  if (definition.type !== 'complex' || !keepSub) return value;
  const projectElement = (element: unknown): unknown => {
    if (!isJsonObject(element)) return element;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(element)) {
      const sub = findSubAttribute(definition, key);
      // Sub-attributes the schema does not know are the service's business; keep them unless filtering.
      if (sub && keepSub(sub)) defineEntry(out, key, child);
    }
    return out;
  };
  if (Array.isArray(value)) {
    return value.map(projectElement).filter((element) => !isJsonObject(element) || Object.keys(element).length > 0);
  }
  return projectElement(value);
}

function isEmpty(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (isJsonObject(value) && Object.keys(value).length === 0);
}

function projectAttributes(object: JsonObject, schema: Schema, parsed: ParsedParams, isCore: boolean, into: JsonObject): void {
  for (const [key, value] of Object.entries(object)) {
    if (isCore && ALWAYS.has(key.toLowerCase())) {
      defineEntry(into, key, value);
      continue;
    }
    const definition = findAttribute(schema, key);
    if (!definition) {
      // Keys outside the schema (extension objects are handled by the caller) pass through
      // only when the client did not ask for specific attributes.
      if (!parsed.attributes) defineEntry(into, key, value);
      continue;
    }
    const decision = decide(schema, definition, parsed);
    if (!decision.keep) continue;
    const projected = projectValue(value, definition, decision.subs);
    // An empty complex value after sub-attribute filtering is omitted, but an empty list as
    // stored (e.g. a Group's `members: []`) is returned as it is.
    if (isEmpty(projected) && !isEmpty(value)) continue;
    defineEntry(into, key, projected);
  }
}

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) to a resource: names are
 * comma-separated, case-insensitive and may be URN-qualified; `id`, `schemas` and `meta` are
 * always returned, `returned: "never"` never. Returns a new object.
 */
export function projectResource<T extends object>(resource: T, params: ProjectionParams, schema: ResourceSchema): T {
  const parsed = parseParams(params, schema);
  const source = resource as unknown as JsonObject;
  const core: JsonObject = {};
  const extensions: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    const extension = schema.extensions.find((ext) => ext.id.toLowerCase() === key.toLowerCase());
    if (extension) {
      if (!isJsonObject(value)) continue;
      const projected: JsonObject = {};
      projectAttributes(value, extension, parsed, false, projected);
      if (Object.keys(projected).length > 0) defineEntry(extensions, key, projected);
    } else {
      defineEntry(core, key, value);
    }
  }
  const out: JsonObject = {};
  projectAttributes(core, schema.core, parsed, true, out);
  // Keep the original key order: core attributes first, then extensions, as built by the service.
  const ordered: JsonObject = {};
  for (const key of Object.keys(source)) {
    if (Object.hasOwn(out, key)) defineEntry(ordered, key, out[key]);
    else if (Object.hasOwn(extensions, key)) defineEntry(ordered, key, extensions[key]);
  }
  return ordered as T;
}

/**
 * Whether `name` (or part of it) would appear in a response for these parameters, so a service
 * can skip work, e.g. reading group members when `excludedAttributes=members`.
 */
export function isAttributeRequested(name: string, params: ProjectionParams, schema: ResourceSchema): boolean {
  if (ALWAYS.has(name.trim().toLowerCase())) return true;
  const parsed = parseParams(params, schema);
  const wholeSchema = findSchema(schema, name.trim());
  if (wholeSchema) {
    if (parsed.attributes) {
      return parsed.attributes.wholeSchemas.has(wholeSchema.id.toLowerCase()) || (parsed.attributes.selection.get(wholeSchema.id.toLowerCase())?.size ?? 0) > 0;
    }
    return !parsed.excluded.wholeSchemas.has(wholeSchema.id.toLowerCase());
  }
  const resolved = resolveAttribute(schema, name);
  if (!resolved) return !parsed.attributes;
  const owner = findSchema(schema, resolved.schema) as Schema;
  const decision = decide(owner, resolved.definition, parsed);
  if (!decision.keep) return false;
  if (!resolved.subDefinition || !decision.subs) return true;
  return decision.subs(resolved.subDefinition);
}
