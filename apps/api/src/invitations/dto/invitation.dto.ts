import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { UserFilter } from '../../users/dto/user.dto';

/** Invite many people: either `userIds`, or a `filter` such as every uninvited person of a department. */
export class BulkInvitationRequest {
  /** Up to 1000 people. @example ["3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b", "9c6cb534-8348-4ea1-86f7-aa4591d1ebe7"] */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  userIds?: string[];

  /** Everyone matching it (same fields as `GET /api/v1/users`). @example { "status": "uninvited", "departmentId": "f3ae653c-f3c8-44f0-841c-484373e26407" } */
  @IsOptional()
  @ValidateNested()
  @Type(() => UserFilter)
  filter?: UserFilter;
}

/** People a bulk invitation left out, by reason. */
export class InvitationSkips {
  /** Ids that are not people of this organisation. @example 0 */
  notFound!: number;
  /** Archived people are never invited. @example 2 */
  archived!: number;
  /** People who already accepted. @example 5 */
  active!: number;
  /** People without an email address. @example 1 */
  noEmail!: number;
}

export class BulkInvitationResponse {
  /** People invited for the first time. @example 42 */
  invited!: number;
  /** People who had an invitation: it was replaced and sent again. @example 3 */
  resent!: number;
  skipped!: InvitationSkips;
}

export class InvitationResponse {
  /** @example "3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b" */
  userId!: string;
  /** @example "6b872e50-8b8a-4fb1-9446-79075f1820df" */
  invitationId!: string;
  /** The link stops working then; invite again for a new one. @example "2026-11-29T10:00:00.000Z" */
  expiresAt!: string;
  /** True when an earlier invitation was replaced by this one. @example false */
  resent!: boolean;
}
