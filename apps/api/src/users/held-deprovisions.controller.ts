import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { byKeyset, keysetPageOf, pageOf, PageQuery } from '../common/page.dto';
import { ErrorResponse } from '../errors/error-response.dto';
import { DeprovisionGuardService } from './deprovision-guard.service';
import { HeldDeprovisionDecisionDto, HeldDeprovisionDecisionResponse, HeldDeprovisionPage } from './dto/held-deprovision.dto';
import { mapHeldDeprovision } from './users.mapper';

const DIRECTORY_ID = ApiParam({ name: 'id', description: 'The directory id', example: '6d089ccc-c3b0-4b37-8849-f0ddcb198797' });
const NOT_FOUND = ApiNotFoundResponse({ type: ErrorResponse, description: 'DIRECTORY_NOT_FOUND' });
const BAD_INPUT = ApiBadRequestResponse({ type: ErrorResponse, description: 'VALIDATION_FAILED: userIds is not a list of ids' });

/** The people a directory's mass-deprovisioning guard holds (issue 11 §3), and the admin's decision on them. */
@ApiTags('Directories')
@AdminAuth()
@Controller('api/v1/directories/:id/held-deprovisions')
export class HeldDeprovisionsController {
  constructor(private readonly guard: DeprovisionGuardService) {}

  /** The held people: oldest request first with numbered pages, in id order by keyset (`?cursor=`). */
  @Get()
  @DIRECTORY_ID
  @NOT_FOUND
  async list(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Query() q: PageQuery): Promise<HeldDeprovisionPage> {
    if (byKeyset(q)) {
      const { rows, more } = await this.guard.heldByKeyset(admin.organizationId, id, q);
      return keysetPageOf(rows.map(mapHeldDeprovision), rows.at(-1)?.id, more, q);
    }
    const [items, total] = await this.guard.held(admin.organizationId, id, { offset: (q.page - 1) * q.limit, limit: q.limit });
    return pageOf(items.map(mapHeldDeprovision), total, q);
  }

  /** Archives the held people named (all when `userIds` is omitted) exactly as an unguarded request would have; the guard re-arms. */
  @Post('approve')
  @HttpCode(200)
  @DIRECTORY_ID
  @NOT_FOUND
  @BAD_INPUT
  async approve(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: HeldDeprovisionDecisionDto,
  ): Promise<HeldDeprovisionDecisionResponse> {
    const userIds = await this.guard.decide(admin.organizationId, id, 'approve', body?.userIds);
    return { decision: 'approve', userIds, count: userIds.length };
  }

  /** Gives the held people named (all when omitted) their access back and keeps them as they were; the guard re-arms. */
  @Post('reject')
  @HttpCode(200)
  @DIRECTORY_ID
  @NOT_FOUND
  @BAD_INPUT
  async reject(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: HeldDeprovisionDecisionDto,
  ): Promise<HeldDeprovisionDecisionResponse> {
    const userIds = await this.guard.decide(admin.organizationId, id, 'reject', body?.userIds);
    return { decision: 'reject', userIds, count: userIds.length };
  }
}
