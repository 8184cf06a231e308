import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/page';

export const PERSON_STATUSES = ['uninvited', 'invited', 'active', 'archived'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

export class ListUsersQuery extends PageQuery {
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
  isAdmin!: boolean;
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
