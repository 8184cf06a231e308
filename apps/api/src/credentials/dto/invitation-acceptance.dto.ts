import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { UserResponse } from '../../users/dto/user.dto';

export class AcceptInvitationRequest {
  /** The `token` parameter of the link in the invitation email (`inv_…`). @example "inv_a5A1Wtombu90mDEgtBjnJLEIpUe5TpjNRQwfcb4EsJs" */
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
