import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@app/config';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { byKeyset, keysetPageOf, pageOf, PageQuery } from '../common/page.dto';
import { ErrorResponse } from '../errors/error-response.dto';
import { DirectoriesService } from './directories.service';
import { mapDirectory, mapDirectoryToken } from './directories.mapper';
import { DirectoryStates } from './directory-states.service';
import {
  CreateDirectoryDto,
  CreateDirectoryTokenDto,
  CreatedDirectoryResponse,
  CreatedDirectoryTokenResponse,
  DirectoryPage,
  DirectoryResponse,
  DirectoryTokenPage,
  UpdateDirectoryDto,
} from './dto/directory.dto';

/** Documents the `:id` of a directory route and its 404. */
const DirectoryId = (): MethodDecorator =>
  applyDecorators(
    ApiParam({ name: 'id', description: 'The directory id', example: '6d089ccc-c3b0-4b37-8849-f0ddcb198797' }),
    ApiNotFoundResponse({ type: ErrorResponse, description: 'DIRECTORY_NOT_FOUND: no such directory in this organisation' }),
  );

/**
 * Directories and their tokens. `DELETE /api/v1/directories/:id` lives in
 * DirectoryRemovalController: deleting a directory also deletes its groups, which this module
 * (below groups in the layering) cannot reach.
 */
@ApiTags('Directories')
@AdminAuth()
@Controller('api/v1/directories')
export class DirectoriesController {
  constructor(
    private readonly directories: DirectoriesService,
    private readonly states: DirectoryStates,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates a directory and its first SCIM token: paste `scimBaseUrl` and `token` into Entra. */
  @Post()
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'VALIDATION_FAILED: the body breaks a rule (message lists them)' })
  async create(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreateDirectoryDto): Promise<CreatedDirectoryResponse> {
    const { directory, token, secret } = await this.directories.create(admin.organizationId, body.name);
    return { ...mapDirectory(directory, this.config.publicUrl), token: secret, tokenId: token.id };
  }

  /** The organisation's directories, oldest first, with their health `state`, without their tokens. */
  @Get()
  async list(@CurrentAdmin() admin: AdminPrincipal, @Query() q: PageQuery): Promise<DirectoryPage> {
    if (byKeyset(q)) {
      const { rows, more } = await this.directories.listByKeyset(admin.organizationId, q);
      const states = await this.states.of(rows);
      const guards = await this.directories.guardsOf(rows.map((d) => d.id));
      return keysetPageOf(
        rows.map((d) => ({ ...mapDirectory(d, this.config.publicUrl, guards.get(d.id)), state: states.get(d.id) })),
        rows.at(-1)?.id,
        more,
        q,
      );
    }
    const [items, total] = await this.directories.list(admin.organizationId, q);
    const states = await this.states.of(items);
    const guards = await this.directories.guardsOf(items.map((d) => d.id));
    return pageOf(
      items.map((d) => ({ ...mapDirectory(d, this.config.publicUrl, guards.get(d.id)), state: states.get(d.id) })),
      total,
      q,
    );
  }

  /** One directory, with the `scimBaseUrl` to give its identity provider and its health `state`. */
  @Get(':id')
  @DirectoryId()
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<DirectoryResponse> {
    const directory = await this.directories.get(admin.organizationId, id);
    const states = await this.states.of([directory]);
    const guards = await this.directories.guardsOf([directory.id]);
    return { ...mapDirectory(directory, this.config.publicUrl, guards.get(directory.id)), state: states.get(directory.id) };
  }

  /**
   * Renames, pauses (`status: "paused"`) or resumes (`status: "active"`) a directory, or opts it in
   * to Entra-issued tokens (`entraTenantId`; `null` opts out), or changes its mass-deprovisioning
   * guard (`deprovisionGuard`). 409 ENTRA_TENANT_TAKEN when another directory accepts that tenant.
   */
  @Patch(':id')
  @DirectoryId()
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'VALIDATION_FAILED: the body breaks a rule (message lists them)' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'ENTRA_TENANT_TAKEN: another directory accepts tokens of this Entra tenant' })
  async update(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: UpdateDirectoryDto): Promise<DirectoryResponse> {
    const directory = await this.directories.update(admin.organizationId, id, body);
    const guards = await this.directories.guardsOf([directory.id]);
    return mapDirectory(directory, this.config.publicUrl, guards.get(directory.id));
  }

  /** Mints another named SCIM token (for rotation without downtime). */
  @Post(':id/tokens')
  @DirectoryId()
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'VALIDATION_FAILED: the body breaks a rule, or expiresAt is not in the future' })
  async mintToken(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: CreateDirectoryTokenDto,
  ): Promise<CreatedDirectoryTokenResponse> {
    const { token, secret } = await this.directories.mintToken(admin.organizationId, id, {
      name: body.name,
      description: body.description ?? null,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
    });
    return { ...mapDirectoryToken(token), token: secret };
  }

  /** Lists the directory's tokens, revoked ones included; secrets are never shown again. */
  @Get(':id/tokens')
  @DirectoryId()
  async listTokens(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Query() q: PageQuery): Promise<DirectoryTokenPage> {
    const now = new Date();
    if (byKeyset(q)) {
      const { rows, more } = await this.directories.listTokensByKeyset(admin.organizationId, id, q);
      return keysetPageOf(
        rows.map((t) => mapDirectoryToken(t, now)),
        rows.at(-1)?.id,
        more,
        q,
      );
    }
    const [items, total] = await this.directories.listTokens(admin.organizationId, id, q);
    return pageOf(
      items.map((t) => mapDirectoryToken(t, now)),
      total,
      q,
    );
  }

  /** Revokes a token: it answers 401 from the next request on. */
  @Delete(':id/tokens/:tokenId')
  @HttpCode(204)
  @ApiParam({ name: 'id', description: 'The directory id', example: '6d089ccc-c3b0-4b37-8849-f0ddcb198797' })
  @ApiParam({ name: 'tokenId', description: 'The token id', example: 'd1bf374f-e3e9-4ad2-8fc3-68f69bac38c1' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'DIRECTORY_NOT_FOUND or DIRECTORY_TOKEN_NOT_FOUND' })
  async revokeToken(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Param('tokenId') tokenId: string): Promise<void> {
    await this.directories.revokeToken(admin.organizationId, id, tokenId);
  }
}
