import { blankToNull, CORE_USER_URN, ENTERPRISE_USER_URN } from '@app/scim-protocol';
import type { GroupRef } from '../groups/groups-sync.service';
import type { ManagedUser } from '../users/users-sync.service';
import { directoryActive } from '../users/users-lifecycle.service';
import { DIRECTORY_TEXT_FIELD_NAMES } from '../users/user-fields.util';
import type { DirectoryTextField, DirectoryUserFields, EmailField } from '../users/user-fields.util';
import { splitBinding, TextBinding, USER_TEXT_BINDINGS } from './user-attributes.constants';

type Json = Record<string, unknown>;

/** Drops null/undefined members: SCIM responses omit unassigned attributes rather than send null. */
function compact<T extends Json>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
// Values arrive checked against the schema (strings are strings); blank clears (blankToNull).
const sameType = (e: Json, type: string): boolean => typeof e.type === 'string' && e.type.toLowerCase() === type;

/** The object a binding's attribute lives in: the resource, or its enterprise extension object. */
function containerOf(resource: Json, binding: TextBinding, create: boolean): Json {
  const { urn } = splitBinding(binding);
  if (!urn) return resource;
  if (create && resource[urn] === undefined) resource[urn] = {};
  return obj(resource[urn]);
}

/** Writes one stored value at its SCIM place (`name.givenName`, `addresses[type eq "other"].locality`…). */
function place(resource: Json, binding: TextBinding, value: string): void {
  const container = containerOf(resource, binding, true);
  const { name } = splitBinding(binding);
  if (binding.type) {
    const values = (container[name] ??= []) as Json[];
    let element = values.find((e) => e.type === binding.type);
    if (!element) {
      element = { type: binding.type, ...(binding.primary ? { primary: true } : {}) };
      values.push(element);
    }
    element[binding.sub as string] = value;
  } else if (binding.sub) {
    ((container[name] ??= {}) as Json)[binding.sub] = value;
  } else {
    container[name] = value;
  }
}

/** Reads one value from its SCIM place; absent → null. */
function pick(resource: Json, binding: TextBinding): string | null {
  const container = containerOf(resource, binding, false);
  const { name } = splitBinding(binding);
  if (binding.type) return blankToNull(list(container[name]).find((e) => sameType(e, binding.type as string))?.[binding.sub as string]);
  if (binding.sub) return blankToNull(obj(container[name])[binding.sub]);
  return blankToNull(container[name]);
}

/**
 * A person in SCIM shape, with the enterprise manager as `{value, $ref, displayName}` and the
 * read-only `groups` (when given and not empty) as `{value, $ref, display}`.
 */
export function toScimUser(mu: ManagedUser, baseUrl: string, groups: GroupRef[] = []): Json {
  const u = mu.user;
  const resource: Json = {
    schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
    id: u.id,
    userName: u.userName,
    // What the directory asked for: false while a deprovisioning is pending, held or rejected too.
    active: directoryActive(u),
  };
  for (const binding of USER_TEXT_BINDINGS) {
    const value = u[binding.field];
    if (value !== null && value !== undefined) place(resource, binding, value);
  }
  if (mu.emails.length) resource.emails = mu.emails.map((e) => compact({ value: e.value, type: e.type, primary: e.primary }));
  if (mu.manager) {
    const enterprise = obj((resource[ENTERPRISE_USER_URN] ??= {}));
    enterprise.manager = compact({ value: mu.manager.id, $ref: `${baseUrl}/Users/${mu.manager.id}`, displayName: mu.manager.displayName });
  }
  if (groups.length) resource.groups = groups.map((g) => ({ value: g.id, $ref: `${baseUrl}/Groups/${g.id}`, display: g.displayName }));
  resource.meta = {
    resourceType: 'User',
    created: u.createdAt.toISOString(),
    lastModified: u.updatedAt.toISOString(),
    location: `${baseUrl}/Users/${u.id}`,
    version: `W/"${u.version}"`,
  };
  return compact(resource);
}

/**
 * Reads a canonical SCIM user (from parseResourceBody or applyPatch, so already checked against
 * the schema) into the fields a directory owns. Attributes absent from the resource are cleared,
 * which is what PUT and a PATCH's "remove" mean.
 */
export function fieldsFromScim(resource: Json): DirectoryUserFields {
  const enterprise = obj(resource[ENTERPRISE_USER_URN]);
  const emails: EmailField[] = list(resource.emails).flatMap((e) => {
    const value = blankToNull(e.value);
    return value ? [{ value, type: blankToNull(e.type)?.toLowerCase() ?? null, primary: e.primary === true }] : [];
  });
  const text = Object.fromEntries(DIRECTORY_TEXT_FIELD_NAMES.map((field) => [field, null])) as Record<DirectoryTextField, string | null>;
  for (const binding of USER_TEXT_BINDINGS) text[binding.field] = pick(resource, binding);
  return {
    userName: blankToNull(resource.userName) ?? '',
    text,
    emails,
    managerId: blankToNull(obj(enterprise.manager).value),
    // RFC 7643: a user is active unless told otherwise.
    active: resource.active !== false,
  };
}
