import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CurrentDirectory } from '../auth/current-principal.decorator';
import { DirectoryAuth } from '../auth/guards';
import type { DirectoryPrincipal } from '../auth/principals';
import { SCIM_CONTENT_TYPE } from '../errors/scim-error';
import { ScimUsersService, ScimListResponse } from './scim-users.service';

/** SCIM 2.0 Users (RFC 7644). Documented by /scim/v2/Schemas rather than OpenAPI. */
@ApiExcludeController()
@DirectoryAuth()
@Controller('scim/v2/Users')
export class ScimUsersController {
  constructor(private readonly users: ScimUsersService) {}

  @Get()
  @Header('content-type', SCIM_CONTENT_TYPE)
  list(
    @CurrentDirectory() directory: DirectoryPrincipal,
    @Query('filter') filter?: string,
    @Query('startIndex') startIndex?: string,
    @Query('count') count?: string,
  ): Promise<ScimListResponse> {
    return this.users.list(directory, { filter, startIndex, count });
  }
}
