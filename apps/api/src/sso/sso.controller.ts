import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExcludeEndpoint,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { isDatabaseUnavailable, normalizedKey } from '@app/database';
import { LoginResponse } from '../credentials/dto/auth.dto';
import { LoginLimiter } from '../credentials/login-limiter.service';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth, Public } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { DATABASE_RETRY_AFTER_SECONDS, DomainError } from '../common/domain.errors';
import { ErrorResponse } from '../errors/error-response.dto';
import { statusOf } from '../errors/error-status.util';
import { mapUser } from '../users/users.mapper';
import { UsersQueryService } from '../users/users-query.service';
import { PutSsoConfigRequest, SsoConfigResponse, SsoExchangeRequest, SsoLinkResponse } from './dto/sso.dto';
import { sendPage, ssoErrorPage, ssoReturnPage } from './pages/sso.pages';
import { SsoConfigService } from './sso-config.service';
import { mapSsoConfig, mapSsoLink } from './sso.mapper';
import { FLOW_TTL_SECONDS, SsoSignInService } from './sso-sign-in.service';

const FLOW_COOKIE = 'sso_flow';
const FLOW_PATH = '/api/v1/auth/sso';

function cookieOf(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

@ApiTags('Single sign-on')
@AdminAuth()
@Controller('api/v1')
export class SsoConfigController {
  constructor(
    private readonly configs: SsoConfigService,
    private readonly signIns: SsoSignInService,
  ) {}

  /** The organisation's single sign-on settings (never the client secret). */
  @Get('sso')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'SSO_NOT_CONFIGURED' })
  async get(@CurrentAdmin() admin: AdminPrincipal): Promise<SsoConfigResponse> {
    return mapSsoConfig(await this.configs.get(admin.organizationId), this.configs.redirectUri);
  }

  /** Sets up or changes single sign-on. Enabling reads the issuer's discovery document first. */
  @Put('sso')
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'VALIDATION_FAILED or SSO_ISSUER_INVALID (not https, no usable discovery document)' })
  async put(@CurrentAdmin() admin: AdminPrincipal, @Body() body: PutSsoConfigRequest): Promise<SsoConfigResponse> {
    return mapSsoConfig(await this.configs.put(admin.organizationId, body), this.configs.redirectUri);
  }

  /**
   * The provider identity pinned to a person by their first SSO sign-in (issuer, Entra tenant,
   * object id or subject, when it was linked, the last SSO sign-in). It stays until unpinned:
   * a later change of the person's email or externalId does not move it.
   */
  @Get('users/:id/sso-link')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'NOT_FOUND (not linked)' })
  async link(@CurrentAdmin() admin: AdminPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<SsoLinkResponse> {
    return mapSsoLink(await this.signIns.linkOf(admin.organizationId, id));
  }

  /** Unpins it: the person's next SSO sign-in links again by the first-sign-in rules. */
  @Delete('users/:id/sso-link')
  @HttpCode(204)
  async unlink(@CurrentAdmin() admin: AdminPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.signIns.unlink(admin.organizationId, id);
  }
}

/**
 * The browser side of single sign-on. `start` and `callback` are navigations: they answer
 * redirects, and every refusal is a small HTML page with the stable code (never a 5xx; an
 * unreachable provider or database is a 503 page with Retry-After). `exchange` is JSON.
 */
@ApiTags('Single sign-on')
@Public()
@Controller('api/v1/auth/sso')
export class SsoFlowController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly signIns: SsoSignInService,
    private readonly users: UsersQueryService,
    private readonly limiter: LoginLimiter,
  ) {}

  /**
   * Starts a sign-in: 302 to the organisation's provider (by `organizationId`, or by the
   * organisation of `email`). Refused starts are limited like failed sign-ins (per email or
   * organisation from one address, per address, per email or organisation), so `?email=` cannot
   * be used to sweep addresses for the organisations they belong to.
   */
  @Get('start')
  @ApiFoundResponse({ description: 'To the identity provider; refusals are HTML pages (SSO_NOT_CONFIGURED, ORGANIZATION_REQUIRED)' })
  @ApiTooManyRequestsResponse({
    description: 'TOO_MANY_LOGIN_ATTEMPTS (an HTML page): too many refused starts from this address or for this email; see Retry-After',
  })
  @ApiQuery({ name: 'organizationId', required: false, description: 'The organisation to sign in to', example: '2e4e003c-33fd-439a-9d39-7ebb8c624dab' })
  @ApiQuery({ name: 'email', required: false, description: "Or the person's work email (also sent as login_hint)", example: 'ada@contoso.com' })
  async start(
    @Query('email') email: string | undefined,
    @Query('organizationId') organizationId: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const asked = { email: typeof email === 'string' ? email : undefined, organizationId: typeof organizationId === 'string' ? organizationId : undefined };
    const account = asked.organizationId ? `organization:${asked.organizationId.toLowerCase()}` : asked.email ? `email:${normalizedKey(asked.email)}` : null;
    await this.page(reply, async () => {
      const flow = await this.limiter.attempt(account, req.ip, 'sso-start', async () =>
        this.signIns.start(await this.signIns.organizationFor(asked), asked.email),
      );
      void reply
        .status(302)
        .header('set-cookie', this.flowCookie(flow.cookie, FLOW_TTL_SECONDS))
        .header('cache-control', 'no-store')
        .header('location', flow.location)
        .send();
    });
  }

  /** Where the provider sends the browser back; 302 to SSO_RETURN_URL with a one-time `code`. */
  @Get('callback')
  @ApiExcludeEndpoint()
  async callback(@Query() query: Record<string, string | undefined>, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // The attempt is over whatever happens: the cookie goes.
    void reply.header('set-cookie', this.flowCookie('', 0));
    await this.page(reply, async () => {
      const location = await this.signIns.callback(query, cookieOf(req, FLOW_COOKIE));
      void reply.status(302).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('location', location).send();
    });
  }

  /**
   * Turns the one-time code of the return URL into a session token (as POST /api/v1/auth/login
   * answers). A wrong code counts as a failed sign-in of the address (LOGIN_MAX_FAILURES_PER_IP).
   */
  @Post('exchange')
  @HttpCode(200)
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'SSO_CODE_INVALID (used, older than 60 s, or mistyped)' })
  @ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'TOO_MANY_LOGIN_ATTEMPTS: too many wrong codes from this address; see Retry-After' })
  async exchange(@Body() body: SsoExchangeRequest, @Req() req: FastifyRequest): Promise<LoginResponse> {
    const { session, secret } = await this.limiter.attempt(null, req.ip, 'sso-exchange', () => this.signIns.exchange(body.code));
    return { token: secret, expiresAt: session.expiresAt.toISOString(), user: mapUser(await this.users.get(session.organizationId, session.userId)) };
  }

  private flowCookie(value: string, maxAge: number): string {
    const secure = this.config.publicUrl.startsWith('https://') ? '; Secure' : '';
    // SameSite=Lax: the provider's redirect back is a top-level GET navigation, which Lax lets through.
    return `${FLOW_COOKIE}=${value}; Path=${FLOW_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
  }

  private async page(reply: FastifyReply, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const error = isDatabaseUnavailable(err)
        ? new DomainError('DATABASE_UNAVAILABLE', 'The database is unavailable', { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS })
        : err;
      if (!(error instanceof DomainError)) throw err;
      const headers: Record<string, string> = error.extra.retryAfterSeconds ? { 'retry-after': String(error.extra.retryAfterSeconds) } : {};
      sendPage(reply, statusOf(error.code), ssoErrorPage(this.config.productName, error.code, error.message), headers);
    }
  }
}

/** The default SSO_RETURN_URL: a bare page that exchanges the code (a front end brings its own). */
@Public()
@Controller('sso/return')
export class SsoReturnPageController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  @ApiExcludeEndpoint()
  page(@Res() reply: FastifyReply): void {
    sendPage(reply, 200, ssoReturnPage(this.config.productName));
  }
}
