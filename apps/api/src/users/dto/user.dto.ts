import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IntersectionType } from '@nestjs/swagger';
import { PageQuery } from '../../common/page';

export const PERSON_STATUSES = ['uninvited', 'invited', 'active', 'archived'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** Which people a list or a bulk action covers. */
export class UserFilter {
  /** `archived` lists archived people; the other statuses list people who are not archived. */
  @IsOptional()
  @IsIn(PERSON_STATUSES)
  status?: PersonStatus;

  /** Matches the start of a name, email or userName, case-insensitively. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  q?: string;

  @IsOptional()
  @IsUUID()
  siteId?: string;

  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @IsOptional()
  @IsUUID()
  roleId?: string;

  @IsOptional()
  @IsUUID()
  directoryId?: string;
}

export class ListUsersQuery extends IntersectionType(PageQuery, UserFilter) {}

export class EntityRef {
  id!: string;
  name!: string;
}

export class ManagerRef {
  id!: string;
  displayName!: string | null;
}

export class UserResponse {
  /** Also the SCIM id. */
  id!: string;
  email!: string | null;
  userName!: string | null;
  firstName!: string | null;
  lastName!: string | null;
  displayName!: string | null;
  title!: string | null;
  /** `uninvited`, `invited`, `active` or `archived`. */
  status!: PersonStatus;
  /** The directory that manages this person, or null for people created in-app. */
  directoryId!: string | null;
  externalId!: string | null;
  site!: EntityRef | null;
  department!: EntityRef | null;
  role!: EntityRef | null;
  manager!: ManagerRef | null;
  /** One of the role's grades (app-owned). */
  grade!: string | null;
  /** Admin rights: set in the app, or granted by a group with grantsAdmin while a member. */
  isAdmin!: boolean;
  /** True when a group grants the rights (they end when the person leaves the group). */
  adminByGroup!: boolean;
  createdAt!: string;
  updatedAt!: string;
  archivedAt!: string | null;
}

export class UserPage {
  items!: UserResponse[];
  total!: number;
  page!: number;
  limit!: number;
}
