import { applyDecorators, Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { DirectoriesService } from '../directories/directories.service';
import { ErrorResponse } from '../errors/error-response.dto';
import { UsersQueryService } from '../users/users-query.service';
import { DirectoryHealthService } from './directory-health.service';
import { DirectoryHealthResponse, EventsQuery, ProvisioningEventPage } from './dto/provisioning-log.dto';
import { ProvisioningLog } from './provisioning-log.service';
import { EventScope, ProvisioningEventsService, toCsv } from './provisioning-events.service';

/**
 * An events route (a directory's, a person's): GET `path`, its `:id`, JSON or CSV, and the 404
 * of an unknown id.
 */
const EventsRoute = (path: string, idDescription: string, idExample: string, notFound: string): MethodDecorator =>
  applyDecorators(
    Get(path),
    ApiParam({ name: 'id', description: idDescription, example: idExample }),
    ApiProduces('application/json', 'text/csv'),
    ApiOkResponse({ type: ProvisioningEventPage, description: 'A page of events (or CSV text with Accept: text/csv / format=csv)' }),
    ApiNotFoundResponse({ type: ErrorResponse, description: notFound }),
  );

/** The operator's view of provisioning: what arrived from each directory, and how it is going. */
@ApiTags('Provisioning log')
@AdminAuth()
@Controller('api/v1')
export class ProvisioningLogController {
  constructor(
    private readonly events: ProvisioningEventsService,
    private readonly log: ProvisioningLog,
    private readonly health: DirectoryHealthService,
    private readonly directories: DirectoriesService,
    private readonly users: UsersQueryService,
  ) {}

  /**
   * The directory's provisioning log, newest first: every SCIM write and every failed request
   * (lookups only when they fail). Keyset paging: pass `nextCursor` as `cursor`. `Accept: text/csv`
   * or `format=csv` exports the same selection as CSV (up to 10,000 rows; `X-Next-Cursor` names the rest).
   */
  @EventsRoute('directories/:id/events', 'The directory id', '6d089ccc-c3b0-4b37-8849-f0ddcb198797', 'DIRECTORY_NOT_FOUND')
  async directoryEvents(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Query() q: EventsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProvisioningEventPage | string> {
    await this.directories.get(admin.organizationId, id);
    return this.answer({ organizationId: admin.organizationId, directoryId: id }, q, accept, reply);
  }

  /** One person's provisioning history (as a SCIM User of any directory), newest first; same filters and paging. */
  @EventsRoute('users/:id/events', 'The person id (also their SCIM id)', '2819c223-7f76-453a-919d-413861904646', 'USER_NOT_FOUND')
  async userEvents(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Query() q: EventsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProvisioningEventPage | string> {
    await this.users.get(admin.organizationId, id);
    return this.answer({ organizationId: admin.organizationId, userId: id }, q, accept, reply);
  }

  /** The directory's health: state (rules in the README), recent counts, top errors, expiring tokens, initial-cycle progress. */
  @Get('directories/:id/health')
  @ApiParam({ name: 'id', description: 'The directory id', example: '6d089ccc-c3b0-4b37-8849-f0ddcb198797' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'DIRECTORY_NOT_FOUND' })
  directoryHealth(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<DirectoryHealthResponse> {
    return this.health.health(admin.organizationId, id);
  }

  private async answer(scope: EventScope, q: EventsQuery, accept: string | undefined, reply: FastifyReply): Promise<ProvisioningEventPage | string> {
    // This process's own queued events are written first, so what it just answered is listed.
    await this.log.flush();
    const csv = q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/i.test(accept ?? ''));
    const page = await this.events.page(scope, q, csv);
    if (!csv) return page;
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="provisioning-events.csv"');
    if (page.nextCursor) void reply.header('x-next-cursor', page.nextCursor);
    return toCsv(page.items);
  }
}
