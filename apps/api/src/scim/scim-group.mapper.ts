import { blankToNull, CORE_GROUP_URN, FRANKLI_GROUP_URN } from '@app/scim-protocol';
import type { DirectoryGroup, GroupFields } from '../groups/groups-sync.service';

type Json = Record<string, unknown>;

/**
 * A group in SCIM shape. `members` is present only when it was read (not for
 * `excludedAttributes=members`); each member's `display` is the user's own displayName. The
 * frankli extension is always present, with both flags, read-only (the admin API sets them).
 */
export function toScimGroup(dg: DirectoryGroup, baseUrl: string): Json {
  const g = dg.group;
  return {
    schemas: [CORE_GROUP_URN, FRANKLI_GROUP_URN],
    id: g.id,
    ...(g.externalId !== null ? { externalId: g.externalId } : {}),
    displayName: g.displayName,
    ...(dg.members
      ? {
          members: dg.members.map((m) => ({
            value: m.id,
            $ref: `${baseUrl}/Users/${m.id}`,
            ...(m.displayName !== null ? { display: m.displayName } : {}),
          })),
        }
      : {}),
    [FRANKLI_GROUP_URN]: { autoInvite: g.autoInvite, grantsAdmin: g.grantsAdmin },
    meta: {
      resourceType: 'Group',
      created: g.createdAt.toISOString(),
      lastModified: g.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${g.id}`,
      version: `W/"${g.version}"`,
    },
  };
}

const str = (v: unknown): string | null => (typeof v === 'number' ? String(v) : blankToNull(v));
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/**
 * Reads a canonical SCIM group (from parseResourceBody or applyPatch) into the fields a
 * directory owns; absent ones are cleared (PUT replaces). The entitlement flags are not among
 * them: they are the organisation's (issue #9), read-only in the SCIM schema, and set only
 * through the admin API.
 */
export function groupFieldsFromScim(resource: Json): GroupFields {
  return {
    displayName: str(resource.displayName) ?? '',
    externalId: str(resource.externalId),
  };
}

/** The member ids of a parsed body (`[{value}]`). */
export function memberIdsFromScim(resource: Json): string[] {
  const members = Array.isArray(resource.members) ? resource.members : [];
  return [...new Set(members.map((m) => str(obj(m).value)).filter((id): id is string => id !== null))];
}
