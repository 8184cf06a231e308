import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/page.dto';
import type { PersonStatus } from '../../users/dto/user.dto';

export class ListGroupsQuery extends PageQuery {
  /** Only the groups of this directory. @example "6d089ccc-c3b0-4b37-8849-f0ddcb198797" */
  @IsOptional()
  @IsUUID()
  directoryId?: string;
}

export class UpdateGroupRequest {
  /**
   * Invite members automatically: switching it on invites the uninvited members at once, and
   * while it is on, uninvited people who join the group are invited too.
   * @example true
   */
  @IsOptional()
  @IsBoolean()
  autoInvite?: boolean;

  /** Make members app administrators for as long as they are members; takes effect at once. @example false */
  @IsOptional()
  @IsBoolean()
  grantsAdmin?: boolean;
}

/** A group a directory provisions, with the app settings admins give it. */
export class GroupResponse {
  /** Also the SCIM id. @example "933bf562-cb8c-47ec-8c15-0c158d44fea3" */
  id!: string;
  /** @example "Contoso Engineering" */
  displayName!: string;
  /** The directory's own id for the group (Entra: the object id). @example "d8680e96-52c1-4d0c-bcf2-fd9f5a124670" */
  externalId!: string | null;
  /** The directory that provisions this group. @example "6d089ccc-c3b0-4b37-8849-f0ddcb198797" */
  directoryId!: string;
  /** Members are invited automatically. @example true */
  autoInvite!: boolean;
  /** Members are app administrators while they are members. @example false */
  grantsAdmin!: boolean;
  /** Members the directory can see (people it deleted are not counted). @example 37 */
  memberCount!: number;
  /** @example "2026-09-14T08:12:45.000Z" */
  createdAt!: string;
  /** @example "2026-11-22T09:30:00.000Z" */
  updatedAt!: string;
}

export class GroupPage {
  items!: GroupResponse[];
  /** Groups in all pages (numbered paging only). @example 12 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}

export class GroupMemberResponse {
  /** The person's id in /api/v1/users. @example "3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b" */
  id!: string;
  /** @example "Ada Lovelace" */
  displayName!: string | null;
  /** @example "ada.lovelace@contoso.com" */
  email!: string | null;
  /** `uninvited`, `invited`, `active` or `archived`. @example "active" */
  status!: PersonStatus;
}

export class GroupMemberPage {
  items!: GroupMemberResponse[];
  /** Members in all pages (numbered paging only). @example 37 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}
