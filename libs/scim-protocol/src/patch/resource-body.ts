import { ScimError } from '../errors';
import { isPresent } from '../filter/filter-evaluator';
import { getProperty, isJsonObject, JsonObject } from '../json-object';
import { ResourceSchema } from '../schemas/schema-types';
import { applyPatch } from './patch-applier';
import { parseResourceOperations } from './patch-parser';

/**
 * Reads a POST/PUT body into a canonical resource, checked against the declared schema with the
 * PATCH engine's rules: keys in canonical casing, extension attributes under their URN key,
 * `active: "True"` → true, manager in any shape → `{value}`, `""`/null → absent, readOnly
 * attributes (`id`, `meta`, `groups`) ignored. `schemas` must name the endpoint's core schema
 * and otherwise only its declared extensions; unknown attributes, sub-attributes and URNs are a
 * 400 invalidSyntax naming them; wrong types, lists where one value belongs (and the reverse),
 * values outside canonicalValues and two primaries are a 400 invalidValue. A Group's `members`
 * comes back as `[{value}]`. A missing required attribute is a 400 invalidValue.
 */
export function parseResourceBody(body: unknown, resource: ResourceSchema): JsonObject {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax(`The ${resource.name} body must be a JSON object`);
  assertSchemas(body, resource);
  const operations = parseResourceOperations(body, resource);
  const start: JsonObject = { schemas: [resource.core.id] };
  if (resource.name === 'Group') start.members = [];
  const parsed = applyPatch(start, operations, resource);
  for (const attribute of resource.core.attributes) {
    if (attribute.required && !isPresent(getProperty(parsed, attribute.name))) {
      throw ScimError.invalidValue(`"${attribute.name}" is required`);
    }
  }
  return parsed;
}

/** RFC 7643 §3: `schemas` names the resource's core schema and the extensions the body uses. */
function assertSchemas(body: JsonObject, resource: ResourceSchema): void {
  const schemas = getProperty(body, 'schemas');
  if (!Array.isArray(schemas) || schemas.some((urn) => typeof urn !== 'string')) {
    throw ScimError.invalidSyntax(`"schemas" must be a list naming "${resource.core.id}"`);
  }
  const known = new Set([resource.core.id, ...resource.extensions.map((e) => e.id), ...(resource.toleratedSchemas ?? [])].map((urn) => urn.toLowerCase()));
  const unknown = (schemas as string[]).filter((urn) => !known.has(urn.trim().toLowerCase()));
  if (unknown.length > 0) {
    throw ScimError.invalidSyntax(
      `Unknown schema${unknown.length > 1 ? 's' : ''} ${unknown.map((urn) => JSON.stringify(urn)).join(', ')} for ${resource.name}; see GET /Schemas`,
    );
  }
  if (!(schemas as string[]).some((urn) => urn.trim().toLowerCase() === resource.core.id.toLowerCase())) {
    throw ScimError.invalidSyntax(`"schemas" must name "${resource.core.id}" at /${resource.name}s`);
  }
}
