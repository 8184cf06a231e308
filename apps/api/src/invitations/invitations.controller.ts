import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { DomainError } from '../common/domain.errors';
import { ErrorResponse } from '../errors/error-response.dto';
import { BulkInvitationRequest, BulkInvitationResponse, InvitationResponse } from './dto/invitation.dto';
import { InvitationsService } from './invitations.service';

@ApiTags('Invitations')
@Controller('api/v1')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /** Invites one person by email, or sends a new link if they were invited already (the old link stops working). */
  @Post('users/:id/invitation')
  @AdminAuth()
  @ApiParam({ name: 'id', description: 'The person to invite', example: '3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'USER_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'USER_ARCHIVED, USER_ALREADY_ACTIVE (has a password already) or USER_HAS_NO_EMAIL' })
  async inviteOne(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<InvitationResponse> {
    const { invitation, resent } = await this.invitations.inviteOne(admin, id);
    return { userId: id, invitationId: invitation.id, expiresAt: invitation.expiresAt.toISOString(), resent };
  }

  /**
   * Invites many people, by `userIds` or by `filter`, and answers the counts. People who cannot
   * be invited (archived, already active, without email) are counted, not errors.
   */
  @Post('invitations')
  @HttpCode(200)
  @AdminAuth()
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'VALIDATION_FAILED: send either userIds or filter' })
  async inviteMany(@CurrentAdmin() admin: AdminPrincipal, @Body() body: BulkInvitationRequest): Promise<BulkInvitationResponse> {
    if ((body.userIds === undefined) === (body.filter === undefined)) {
      throw new DomainError('VALIDATION_FAILED', 'Send either userIds or filter');
    }
    return body.userIds ? this.invitations.inviteMany(admin, body.userIds) : this.invitations.inviteMatching(admin, body.filter!);
  }
}
