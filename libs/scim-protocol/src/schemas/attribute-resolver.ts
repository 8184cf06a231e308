import { ResourceSchema, Schema, SchemaAttribute } from './schema-types';

/** An attribute name resolved against a resource type, in canonical casing. */
export interface ResolvedAttribute {
  /** URN of the schema that owns the attribute. */
  schema: string;
  attribute: string;
  subAttribute?: string;
  definition: SchemaAttribute;
  subDefinition?: SchemaAttribute;
  /** True when the attribute lives under the extension URN key of the resource. */
  extension: boolean;
}

/** Name parts as written by a client, before resolution. */
export interface AttributeNameParts {
  uri?: string;
  attribute: string;
  subAttribute?: string;
}

const attributeIndex = new WeakMap<readonly SchemaAttribute[], Map<string, SchemaAttribute>>();

function indexOf(attributes: readonly SchemaAttribute[]): Map<string, SchemaAttribute> {
  let index = attributeIndex.get(attributes);
  if (!index) {
    index = new Map(attributes.map((attr) => [attr.name.toLowerCase(), attr]));
    attributeIndex.set(attributes, index);
  }
  return index;
}

/** Attribute names are case-insensitive (RFC 7643 §2.1). */
export function findAttribute(schema: Schema, name: string): SchemaAttribute | undefined {
  return indexOf(schema.attributes).get(name.toLowerCase());
}

export function findSubAttribute(parent: SchemaAttribute, name: string): SchemaAttribute | undefined {
  return parent.subAttributes ? indexOf(parent.subAttributes).get(name.toLowerCase()) : undefined;
}

export function allSchemas(resource: ResourceSchema): readonly Schema[] {
  return [resource.core, ...resource.extensions];
}

/** The core schema or an extension of `resource`, by URN in any casing. */
export function findSchema(resource: ResourceSchema, urn: string): Schema | undefined {
  const wanted = urn.toLowerCase();
  return allSchemas(resource).find((schema) => schema.id.toLowerCase() === wanted);
}

/**
 * Splits `urn:…:User:name.givenName` into the known schema and `name.givenName`.
 * A prefix match on known URNs, because schema URNs themselves contain ':' and '.'.
 */
export function splitSchemaPrefix(resource: ResourceSchema, name: string): { schema: Schema; rest: string } | undefined {
  const lower = name.toLowerCase();
  let best: Schema | undefined;
  for (const schema of allSchemas(resource)) {
    const prefix = `${schema.id.toLowerCase()}:`;
    if (lower.startsWith(prefix) && (!best || schema.id.length > best.id.length)) best = schema;
  }
  return best ? { schema: best, rest: name.slice(best.id.length + 1) } : undefined;
}

/**
 * Resolves already-split name parts. Unqualified names look in the core schema first
 * (RFC 7644 §3.10), then in the extensions when exactly one of them has the name.
 */
export function resolveAttributeParts(resource: ResourceSchema, parts: AttributeNameParts): ResolvedAttribute | undefined {
  let candidates: readonly Schema[];
  if (parts.uri !== undefined) {
    const schema = findSchema(resource, parts.uri);
    if (!schema) return undefined;
    candidates = [schema];
  } else {
    candidates = findAttribute(resource.core, parts.attribute) ? [resource.core] : resource.extensions.filter((ext) => findAttribute(ext, parts.attribute));
    if (candidates.length !== 1) return undefined;
  }
  const schema = candidates[0];
  const definition = findAttribute(schema, parts.attribute);
  if (!definition) return undefined;
  const resolved: ResolvedAttribute = {
    schema: schema.id,
    attribute: definition.name,
    definition,
    extension: schema !== resource.core,
  };
  if (parts.subAttribute !== undefined) {
    const subDefinition = findSubAttribute(definition, parts.subAttribute);
    if (!subDefinition) return undefined;
    resolved.subAttribute = subDefinition.name;
    resolved.subDefinition = subDefinition;
  }
  return resolved;
}

/**
 * Resolves `"NAME.GIVENNAME"`, `"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName"` or
 * `"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"` to canonical casing;
 * undefined when the resource type has no such attribute.
 */
export function resolveAttribute(resource: ResourceSchema, name: string): ResolvedAttribute | undefined {
  const trimmed = name.trim();
  let uri: string | undefined;
  let rest = trimmed;
  if (/^urn:/i.test(trimmed)) {
    const split = splitSchemaPrefix(resource, trimmed);
    if (!split) return undefined;
    uri = split.schema.id;
    rest = split.rest;
  }
  const segments = rest.split('.');
  if (segments.length > 2 || segments.some((segment) => segment === '')) return undefined;
  return resolveAttributeParts(resource, { uri, attribute: segments[0], subAttribute: segments[1] });
}
