import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@app/config';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { byKeyset, keysetPageOf, pageOf, PageQuery } from '../common/page.dto';
import { ErrorResponse } from '../errors/error-response.dto';
import { mapOAuthClient } from './directories.mapper';
import { oauthTokenUrl } from './directory-urls.util';
import { CreatedOAuthClientResponse, CreateOAuthClientDto, OAuthClientPage } from './dto/oauth-client.dto';
import { OAuthClientsService } from './oauth-clients.service';

/** OAuth 2.0 clients of a directory: the client credentials Microsoft's gallery apps use for SCIM. */
@ApiTags('Directories')
@AdminAuth()
@ApiParam({ name: 'id', description: 'The directory id', example: '6d089ccc-c3b0-4b37-8849-f0ddcb198797' })
@Controller('api/v1/directories/:id/oauth-clients')
export class OAuthClientsController {
  constructor(
    private readonly clients: OAuthClientsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Mints a client: `clientId` and `clientSecret` (shown once) for POST /oauth/token. */
  @Post()
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'DIRECTORY_NOT_FOUND: no such directory in this organisation' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'VALIDATION_FAILED: the body breaks a rule (message lists them)' })
  async create(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: CreateOAuthClientDto): Promise<CreatedOAuthClientResponse> {
    const { client, secret } = await this.clients.mint(admin.organizationId, id, body.name);
    return { ...mapOAuthClient(client), clientSecret: secret, tokenUrl: oauthTokenUrl(this.config.publicUrl) };
  }

  /** The directory's clients, revoked ones included; secrets are never shown again. */
  @Get()
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'DIRECTORY_NOT_FOUND: no such directory in this organisation' })
  async list(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Query() q: PageQuery): Promise<OAuthClientPage> {
    if (byKeyset(q)) {
      const { rows, more } = await this.clients.listByKeyset(admin.organizationId, id, q);
      return keysetPageOf(rows.map(mapOAuthClient), rows.at(-1)?.id, more, q);
    }
    const [items, total] = await this.clients.list(admin.organizationId, id, q);
    return pageOf(items.map(mapOAuthClient), total, q);
  }

  /** Revokes a client: it gets no new token, and its access tokens answer 401 from the next request on. */
  @Delete(':clientId')
  @HttpCode(204)
  @ApiParam({ name: 'clientId', description: 'The client id', example: '0b6f3f5e-1c1a-4a3e-9f59-5d1f2f0f7c11' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'DIRECTORY_NOT_FOUND or OAUTH_CLIENT_NOT_FOUND' })
  async revoke(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Param('clientId') clientId: string): Promise<void> {
    await this.clients.revoke(admin.organizationId, id, clientId);
  }
}
