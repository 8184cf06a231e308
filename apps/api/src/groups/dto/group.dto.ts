import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/page';
import type { PersonStatus } from '../../users/dto/user.dto';

export class ListGroupsQuery extends PageQuery {
  /** Only the groups of this directory. */
  @IsOptional()
  @IsUUID()
  directoryId?: string;
}

export class UpdateGroupRequest {
  /**
   * Invite members automatically. Stored and returned only: the effect arrives with the
   * invitation system.
   */
  @IsOptional()
  @IsBoolean()
  autoInvite?: boolean;

  /** Make members app administrators. Stored and returned only, like autoInvite. */
  @IsOptional()
  @IsBoolean()
  grantsAdmin?: boolean;
}

export class GroupResponse {
  /** Also the SCIM id. */
  id!: string;
  displayName!: string;
  externalId!: string | null;
  /** The directory that provisions this group. */
  directoryId!: string;
  autoInvite!: boolean;
  grantsAdmin!: boolean;
  /** Members the directory can see (people it deleted are not counted). */
  memberCount!: number;
  createdAt!: string;
  updatedAt!: string;
}

export class GroupPage {
  items!: GroupResponse[];
  total!: number;
  page!: number;
  limit!: number;
}

export class GroupMemberResponse {
  id!: string;
  displayName!: string | null;
  email!: string | null;
  /** `uninvited`, `invited`, `active` or `archived`. */
  status!: PersonStatus;
}

export class GroupMemberPage {
  items!: GroupMemberResponse[];
  total!: number;
  page!: number;
  limit!: number;
}
