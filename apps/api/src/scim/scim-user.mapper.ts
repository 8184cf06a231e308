import { CORE_USER_URN, ENTERPRISE_USER_URN } from '@app/scim-protocol';
import type { GroupRef } from '../groups/directory-groups.service';
import type { ManagedUser } from '../users/managed-users.service';
import { workAddressOf } from '../users/user-fields';
import type { AddressFields, DirectoryUserFields, EmailField } from '../users/user-fields';

type Json = Record<string, unknown>;

const PHONE_TYPES = ['work', 'mobile', 'fax'] as const;

/** Drops null/undefined members: SCIM responses omit unassigned attributes rather than send null. */
function compact<T extends Json>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

const nonEmpty = (o: Json): Json | undefined => (Object.keys(o).length ? o : undefined);

/**
 * A person in SCIM shape, with the enterprise manager as `{value, $ref, displayName}` and the
 * read-only `groups` (when given and not empty) as `{value, $ref, display}`.
 */
export function toScimUser(mu: ManagedUser, baseUrl: string, groups: GroupRef[] = []): Json {
  const u = mu.user;
  const location = `${baseUrl}/Users/${u.id}`;
  const enterprise = compact({
    employeeNumber: u.employeeNumber,
    department: u.department,
    manager: mu.manager
      ? compact({ value: mu.manager.id, $ref: `${baseUrl}/Users/${mu.manager.id}`, displayName: mu.manager.displayName })
      : undefined,
  });
  const address = compact({ type: 'work', ...workAddressOf(u) });
  const phones = PHONE_TYPES.flatMap((type) => {
    const value = { work: u.phoneWork, mobile: u.phoneMobile, fax: u.phoneFax }[type];
    return value ? [{ value, type, ...(type === 'work' ? { primary: true } : {}) }] : [];
  });
  return compact({
    schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
    id: u.id,
    externalId: u.externalId,
    userName: u.userName,
    name: nonEmpty(compact({ formatted: u.nameFormatted, familyName: u.familyName, givenName: u.givenName })),
    displayName: u.displayName,
    title: u.title,
    preferredLanguage: u.preferredLanguage,
    active: u.archivedAt === null,
    emails: mu.emails.length ? mu.emails.map((e) => compact({ value: e.value, type: e.type, primary: e.primary })) : undefined,
    phoneNumbers: phones.length ? phones : undefined,
    addresses: Object.keys(address).length > 1 ? [{ ...address, primary: true }] : undefined,
    groups: groups.length ? groups.map((g) => ({ value: g.id, $ref: `${baseUrl}/Groups/${g.id}`, display: g.displayName })) : undefined,
    [ENTERPRISE_USER_URN]: nonEmpty(enterprise),
    meta: {
      resourceType: 'User',
      created: u.createdAt.toISOString(),
      lastModified: u.updatedAt.toISOString(),
      location,
      version: `W/"${u.version}"`,
    },
  });
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : null);
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const typeOf = (e: Json): string | null => str(e.type)?.toLowerCase() ?? null;

/**
 * Reads a canonical SCIM user (from parseResourceBody or applyPatch) into the fields a directory
 * owns. Attributes absent from the resource are cleared, which is what PUT and a PATCH's
 * "remove" mean. Only the types the app keeps are read (phones: work, mobile, fax; addresses: work).
 */
export function fieldsFromScim(resource: Json): DirectoryUserFields {
  const name = obj(resource.name);
  const enterprise = obj(resource[ENTERPRISE_USER_URN]);
  const emails: EmailField[] = list(resource.emails).flatMap((e) => {
    const value = str(e.value);
    return value ? [{ value, type: typeOf(e), primary: e.primary === true }] : [];
  });
  const phones = list(resource.phoneNumbers);
  const phone = (type: string): string | null => str(phones.find((p) => typeOf(p) === type)?.value);
  const work = list(resource.addresses).find((a) => typeOf(a) === 'work') ?? {};
  const address: AddressFields = {
    formatted: str(work.formatted),
    streetAddress: str(work.streetAddress),
    locality: str(work.locality),
    region: str(work.region),
    postalCode: str(work.postalCode),
    country: str(work.country),
  };
  return {
    userName: str(resource.userName) ?? '',
    externalId: str(resource.externalId),
    givenName: str(name.givenName),
    familyName: str(name.familyName),
    nameFormatted: str(name.formatted),
    displayName: str(resource.displayName),
    title: str(resource.title),
    preferredLanguage: str(resource.preferredLanguage),
    employeeNumber: str(enterprise.employeeNumber),
    department: str(enterprise.department),
    emails,
    phones: { work: phone('work'), mobile: phone('mobile'), fax: phone('fax') },
    address,
    managerId: str(obj(enterprise.manager).value),
    // RFC 7643: a user is active unless told otherwise.
    active: resource.active !== false,
  };
}
