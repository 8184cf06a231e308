import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IntersectionType } from '@nestjs/swagger';
import { PageQuery } from '../../common/page.dto';

export const PERSON_STATUSES = ['uninvited', 'invited', 'active', 'archived'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** Which people a list or a bulk action covers. */
export class UserFilter {
  /** `archived` lists archived people; the other statuses list people who are not archived. @example "uninvited" */
  @IsOptional()
  @IsIn(PERSON_STATUSES)
  status?: PersonStatus;

  /** Matches the start of a name, email, userName or employee number, case-insensitively. @example "ada" */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  q?: string;

  /** @example "d93c8df6-764c-4339-b356-9b5ccf5ea36e" */
  @IsOptional()
  @IsUUID()
  siteId?: string;

  /** @example "f3ae653c-f3c8-44f0-841c-484373e26407" */
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  /** @example "0efcb387-ea96-4a09-b4b4-97139f370425" */
  @IsOptional()
  @IsUUID()
  roleId?: string;

  /** Exact employee number (enterprise employeeNumber). @example "E-1042" */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  employeeNumber?: string;

  /** Exact cost center, case-insensitively. @example "CC-200" */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  costCenter?: string;

  /** Exact division, case-insensitively. @example "Research" */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  division?: string;

  /** Only the people this directory manages. @example "6d089ccc-c3b0-4b37-8849-f0ddcb198797" */
  @IsOptional()
  @IsUUID()
  directoryId?: string;
}

export class ListUsersQuery extends IntersectionType(PageQuery, UserFilter) {}

/** A site, department or role a person belongs to. */
export class EntityRef {
  /** @example "f3ae653c-f3c8-44f0-841c-484373e26407" */
  id!: string;
  /** @example "Engineering" */
  name!: string;
}

export class ManagerRef {
  /** @example "9c6cb534-8348-4ea1-86f7-aa4591d1ebe7" */
  id!: string;
  /** @example "Charles Babbage" */
  displayName!: string | null;
}

/**
 * HR fields. For a person a directory manages they are the directory's (Entra's default
 * mapping: SCIM attribute in brackets) and read-only here; for a person added in the app an
 * admin sets them.
 */
export class HrFields {
  /** [enterprise employeeNumber] @example "E-1042" */
  employeeNumber!: string | null;
  /** [enterprise costCenter] @example "CC-200" */
  costCenter!: string | null;
  /** [enterprise organization] @example "Contoso Ltd" */
  organization!: string | null;
  /** [enterprise division] @example "Research" */
  division!: string | null;
  /** [userType] @example "Employee" */
  userType!: string | null;
  /** [nickName] @example "Ada" */
  nickName!: string | null;
  /** [name.middleName] @example "King" */
  middleName!: string | null;
  /** [name.honorificPrefix] @example "Dr." */
  honorificPrefix!: string | null;
  /** [name.honorificSuffix] @example "PhD" */
  honorificSuffix!: string | null;
  /** [preferredLanguage] @example "en-GB" */
  preferredLanguage!: string | null;
  /** [locale] @example "en-GB" */
  locale!: string | null;
  /** [timezone] @example "Europe/London" */
  timezone!: string | null;
  /** [phoneNumbers type work] @example "+44 20 7946 0000" */
  workPhone!: string | null;
  /** [phoneNumbers type mobile] @example "+44 7700 900000" */
  mobilePhone!: string | null;
  /** [phoneNumbers type fax] @example "+44 20 7946 0001" */
  fax!: string | null;
  /** [addresses type other, formatted: Entra's physicalDeliveryOfficeName] @example "Building 4, room 210" */
  office!: string | null;
}

/** A person of the organisation, provisioned by a directory or added in the app. */
export class UserResponse {
  /** Also the SCIM id. @example "3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b" */
  id!: string;
  /** Sign-in and invitation address. @example "ada.lovelace@contoso.com" */
  email!: string | null;
  /** The directory's userName (often the UPN); null for people added in the app. @example "ada.lovelace@contoso.com" */
  userName!: string | null;
  /** @example "Ada" */
  firstName!: string | null;
  /** @example "Lovelace" */
  lastName!: string | null;
  /** @example "Ada Lovelace" */
  displayName!: string | null;
  /** Job title. @example "Software Engineer" */
  title!: string | null;
  /** `uninvited`, `invited`, `active` or `archived`. @example "active" */
  status!: PersonStatus;
  /** The directory that manages this person, or null for people created in-app. @example "6d089ccc-c3b0-4b37-8849-f0ddcb198797" */
  directoryId!: string | null;
  /** The directory's own id for the person (Entra: the object id). @example "319c387f-2500-4e49-a68a-d2a6d81bb3b7" */
  externalId!: string | null;
  /** @example { "id": "d93c8df6-764c-4339-b356-9b5ccf5ea36e", "name": "London HQ" } */
  site!: EntityRef | null;
  /** @example { "id": "f3ae653c-f3c8-44f0-841c-484373e26407", "name": "Engineering" } */
  department!: EntityRef | null;
  /** @example { "id": "0efcb387-ea96-4a09-b4b4-97139f370425", "name": "Software Engineer" } */
  role!: EntityRef | null;
  /** @example { "id": "9c6cb534-8348-4ea1-86f7-aa4591d1ebe7", "displayName": "Charles Babbage" } */
  manager!: ManagerRef | null;
  /** One of the role's grades (app-owned). @example "L3" */
  grade!: string | null;
  hr!: HrFields;
  /** Admin rights: set in the app, or granted by a group with grantsAdmin while a member. @example false */
  isAdmin!: boolean;
  /** True when a group grants the rights (they end when the person leaves the group). @example false */
  adminByGroup!: boolean;
  /** @example "2026-09-14T08:12:45.000Z" */
  createdAt!: string;
  /** @example "2026-11-22T09:30:00.000Z" */
  updatedAt!: string;
  /** Null unless the person is archived. @example "2026-11-23T17:05:00.000Z" */
  archivedAt!: string | null;
  /**
   * Set while the person has no access but is not archived: their directory deprovisioned them and
   * the mass-deprovisioning guard's grace period is running, or the guard holds them for review.
   * @example "2026-11-23T17:05:00.000Z"
   */
  suspendedAt!: string | null;
}

export class UserPage {
  items!: UserResponse[];
  /** People matching the filter, in all pages (numbered paging only). @example 128 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}
