import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ListResponse } from '@app/scim-protocol';
import { CurrentDirectory } from '../auth/current-principal.decorator';
import { DirectoryAuth } from '../auth/route-access.decorator';
import type { DirectoryPrincipal } from '../auth/principal.types';
import type { VersionPrecondition } from '../common/version-precondition.util';
import { SCIM_PATH } from '../directories/directory-urls.util';
import { LogNote, type OperationNote } from '../provisioning-log/operation-note.decorator';
import { Json, Projection, ScimQuery, sendCreated, sendPatched, sendResource } from './scim-http.util';
import { IfMatch, IfNoneMatch, ScimContentType, ScimReply } from './scim-params.decorator';
import { ScimGroupsService } from './scim-groups.service';
import type { ListQuery } from './scim-users.service';

/** SCIM 2.0 Groups (RFC 7644 §3, ENTRA.md §2.7). Documented by /scim/v2/Schemas rather than OpenAPI. */
@ApiExcludeController()
@DirectoryAuth()
@Controller(`${SCIM_PATH}/Groups`)
export class ScimGroupsController {
  constructor(private readonly groups: ScimGroupsService) {}

  @Get()
  @ScimContentType()
  list(@CurrentDirectory() dir: DirectoryPrincipal, @ScimQuery() query: ListQuery): Promise<ListResponse<Json>> {
    return this.groups.list(dir, query);
  }

  @Get(':id')
  @ScimContentType()
  async get(
    @CurrentDirectory() dir: DirectoryPrincipal,
    @Param('id') id: string,
    @ScimQuery() projection: Projection,
    @IfNoneMatch() cached: VersionPrecondition | undefined,
    @ScimReply() reply: FastifyReply,
  ): Promise<Json | undefined> {
    return sendResource(reply, await this.groups.get(dir, id, projection), cached);
  }

  @Post()
  @HttpCode(201)
  async create(
    @CurrentDirectory() dir: DirectoryPrincipal,
    @Body() body: unknown,
    @ScimReply() reply: FastifyReply,
    @LogNote() note: OperationNote,
  ): Promise<Json> {
    return sendCreated(reply, await this.groups.create(dir, body, note));
  }

  @Put(':id')
  @ScimContentType()
  async replace(
    @CurrentDirectory() dir: DirectoryPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
    @IfMatch() ifMatch: VersionPrecondition | undefined,
    @ScimReply() reply: FastifyReply,
    @LogNote() note: OperationNote,
  ): Promise<Json | undefined> {
    return sendResource(reply, await this.groups.replace(dir, id, body, ifMatch, note), undefined);
  }

  /** 204 (ENTRA.md §3: "Returning a body with a list of all the members isn't advisable"); 200 when the client asks for attributes. */
  @Patch(':id')
  async patch(
    @CurrentDirectory() dir: DirectoryPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
    @ScimQuery() projection: Projection,
    @IfMatch() ifMatch: VersionPrecondition | undefined,
    @ScimReply() reply: FastifyReply,
    @LogNote() note: OperationNote,
  ): Promise<Json | undefined> {
    return sendPatched(reply, await this.groups.patch(dir, id, body, projection, ifMatch, note));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @CurrentDirectory() dir: DirectoryPrincipal,
    @Param('id') id: string,
    @IfMatch() ifMatch: VersionPrecondition | undefined,
    @LogNote() note: OperationNote,
  ): Promise<void> {
    await this.groups.remove(dir, id, ifMatch, note);
  }
}
