import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { UserFilter } from '../../users/dto/user.dto';
import { UserResponse } from '../../users/dto/user.dto';

/** Invite many people: either `userIds`, or a `filter` such as every uninvited person of a department. */
export class BulkInvitationRequest {
  /** Up to 1000 people. @example ["0d6f7e1c-2b0a-4f4e-9a57-3f1d2c3b4a5e"] */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  userIds?: string[];

  /** Everyone matching it (same fields as `GET /api/v1/users`). @example { "status": "uninvited", "departmentId": "5b0c…" } */
  @IsOptional()
  @ValidateNested()
  @Type(() => UserFilter)
  filter?: UserFilter;
}

export class InvitationSkips {
  /** Ids that are not people of this organisation. */
  notFound!: number;
  /** Archived people are never invited. */
  archived!: number;
  /** People who already accepted. */
  active!: number;
  /** People without an email address. */
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
  userId!: string;
  invitationId!: string;
  /** @example "2026-11-29T10:00:00.000Z" */
  expiresAt!: string;
  /** True when an earlier invitation was replaced by this one. */
  resent!: boolean;
}

export class AcceptInvitationRequest {
  /** The `token` parameter of the link in the invitation email (`inv_…`). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token!: string;

  /** At least 10 characters, not the email address. @example "correct horse battery staple" */
  @IsString()
  @MaxLength(256)
  password!: string;
}

export class AcceptInvitationResponse {
  /** The person, now `active`: sign in with POST /api/v1/auth/login. */
  user!: UserResponse;
}
