// Small helpers for JSON objects from request bodies, whose keys are case-insensitive in SCIM.

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The actual key of `object` matching `name` case-insensitively (an exact match wins). */
export function findKey(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

export function getProperty(object: JsonObject, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

export function hasProperty(object: JsonObject, name: string): boolean {
  return findKey(object, name) !== undefined;
}

/** Sets `name` in canonical casing, dropping any differently-cased duplicate. */
export function setProperty(object: JsonObject, name: string, value: unknown): void {
  deleteProperty(object, name);
  // defineProperty, not assignment: even a hostile name can never reach a prototype setter.
  defineEntry(object, name, value);
}

/** Plain `object[key] = value`, except that a `__proto__` key stays an ordinary data property. */
export function defineEntry(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

export function deleteProperty(object: JsonObject, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) delete object[key];
  }
}

/**
 * Deep copy of JSON-like data (plain objects, arrays, Dates, primitives). Keys are copied with
 * defineProperty so an own `__proto__` key stays data and never changes a prototype.
 */
export function cloneJson<T>(value: T): T {
  return cloneValue(value) as T;
}

function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (value instanceof Date) return new Date(value.getTime());
  if (value !== null && typeof value === 'object') {
    const copy: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      defineEntry(copy, key, cloneValue(child));
    }
    return copy;
  }
  return value;
}
