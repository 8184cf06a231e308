import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../errors/error-response.dto';
import type { FastifyRequest } from 'fastify';
import { UsersQueryService } from '../users/users-query.service';
import { mapUser } from '../users/users.mapper';
import { UserResponse } from '../users/dto/user.dto';
import { ApiTokensService } from './api-tokens.service';
import { CurrentAdmin, CurrentPerson } from '../auth/current-principal.decorator';
import { ApiTokenList, ApiTokenResponse, CreateApiTokenRequest, CreatedApiTokenResponse, LoginRequest, LoginResponse } from './dto/auth.dto';
import { AdminAuth, PersonAuth, Public } from '../auth/route-access.decorator';
import type { AdminPrincipal, PersonPrincipal } from '../auth/principal.types';
import { SessionsService } from './sessions.service';
import type { ApiToken } from './api-token.entity';

@ApiTags('Sign-in')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersQueryService,
  ) {}

  /**
   * Signs in an active person with email and password, answering a bearer session token. Failed
   * attempts are limited per account from one address, per address, and per account from all
   * addresses (429 with Retry-After). The address is `request.ip`, as TRUST_PROXY lets Fastify
   * read it: the socket's peer, or the last address a trusted proxy put in X-Forwarded-For.
   */
  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'INVALID_CREDENTIALS, alike for an unknown email and a wrong password' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'ORGANIZATION_REQUIRED (details.organizations lists them)' })
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description: 'TOO_MANY_LOGIN_ATTEMPTS for this account from this address, this address, or this account; see Retry-After',
  })
  async login(@Body() body: LoginRequest, @Req() req: FastifyRequest): Promise<LoginResponse> {
    const { session, secret } = await this.sessions.login(body, req.ip);
    return { token: secret, expiresAt: session.expiresAt.toISOString(), user: mapUser(await this.users.get(session.organizationId, session.userId)) };
  }

  /** Ends the session the request was made with (API tokens are revoked under /api-tokens). */
  @Post('logout')
  @HttpCode(204)
  @PersonAuth()
  async logout(@CurrentPerson() person: PersonPrincipal): Promise<void> {
    if (person.via === 'session') await this.sessions.revoke(person.tokenId);
  }
}

@ApiTags('Sign-in')
@PersonAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly users: UsersQueryService) {}

  /** The signed-in person (for an admin API token, the admin who owns it). */
  @Get()
  async me(@CurrentPerson() person: PersonPrincipal): Promise<UserResponse> {
    return mapUser(await this.users.get(person.organizationId, person.userId));
  }
}

@ApiTags('API tokens')
@AdminAuth()
@Controller('api/v1/api-tokens')
export class ApiTokensController {
  constructor(private readonly apiTokens: ApiTokensService) {}

  /** The calling admin's own API tokens (never their secrets). */
  @Get()
  async list(@CurrentAdmin() admin: AdminPrincipal): Promise<ApiTokenList> {
    return { items: (await this.apiTokens.listOwn(admin)).map(mapApiToken) };
  }

  /** Mints an API token for the calling admin; the secret is in this answer only. */
  @Post()
  async create(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreateApiTokenRequest): Promise<CreatedApiTokenResponse> {
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
    const { token, secret } = await this.apiTokens.issueOwn(admin, body.name, expiresAt);
    return { ...mapApiToken(token), token: secret };
  }

  /** Revokes one of the calling admin's tokens: it answers 401 from then on. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'API_TOKEN_NOT_FOUND (not one of your tokens)' })
  async revoke(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<void> {
    await this.apiTokens.revokeOwn(admin, id);
  }
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function mapApiToken(t: ApiToken): ApiTokenResponse {
  return {
    id: t.id,
    name: t.name,
    prefix: t.tokenPrefix,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}
