import { ScimError } from '../errors';
import { isPresent } from '../filter/filter-evaluator';
import { getProperty, isJsonObject, JsonObject } from '../json-object';
import { ResourceSchema } from '../schemas/schema-types';
import { applyPatch } from './patch-applier';
import { parseResourceOperations } from './patch-parser';

/**
 * Reads a POST/PUT body into a canonical resource with the PATCH engine's coercions: keys in
 * canonical casing, extension attributes under their URN key, `active: "True"` → true, manager
 * in any shape → `{value}`, `""`/null → absent, unknown and readOnly attributes (`id`, `meta`,
 * `groups`, misspelled schema URNs) dropped. A Group's `members` comes back as `[{value}]`.
 * Throws `ScimError(400, 'invalidValue')` when a required attribute is missing.
 */
export function parseResourceBody(body: unknown, resource: ResourceSchema): JsonObject {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax(`The ${resource.name} body must be a JSON object`);
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
