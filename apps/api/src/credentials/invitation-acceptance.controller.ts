import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiGoneResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/route-access.decorator';
import { ErrorResponse } from '../errors/error-response.dto';
import { mapUser } from '../users/users.mapper';
import { UsersQueryService } from '../users/users-query.service';
import { AcceptInvitationRequest, AcceptInvitationResponse } from './dto/invitation-acceptance.dto';
import { InvitationAcceptanceService } from './invitation-acceptance.service';

@ApiTags('Invitations')
@Controller('api/v1')
export class InvitationAcceptanceController {
  constructor(
    private readonly acceptance: InvitationAcceptanceService,
    private readonly users: UsersQueryService,
  ) {}

  /** Accepts an invitation: sets the password and makes the person active. No authentication: the token is the proof. */
  @Post('invitations/accept')
  @Public()
  @HttpCode(200)
  @ApiGoneResponse({ type: ErrorResponse, description: 'INVITATION_EXPIRED' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'INVITATION_INVALID (used, replaced or mistyped) or PASSWORD_TOO_WEAK' })
  async accept(@Body() body: AcceptInvitationRequest): Promise<AcceptInvitationResponse> {
    const { organizationId, userId } = await this.acceptance.accept(body.token, body.password);
    return { user: mapUser(await this.users.get(organizationId, userId)) };
  }
}
