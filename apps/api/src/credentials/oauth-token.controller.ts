import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConsumes, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain.errors';
import { OAuthClientsService } from '../directories/oauth-clients.service';
import { OAUTH_NO_STORE } from '../errors/oauth-error.util';
import { AccessTokenResponse, OAuthErrorResponse } from './dto/oauth-token.dto';
import { Public } from '../auth/route-access.decorator';
import { LoginLimiter } from './login-limiter.service';

const invalidClient = (): DomainError => new DomainError('OAUTH_INVALID_CLIENT', 'Client authentication failed');
const invalidRequest = (message: string): DomainError => new DomainError('OAUTH_INVALID_REQUEST', message);

/** A client id or secret longer than this is refused before any lookup. */
const MAX_CREDENTIAL_LENGTH = 256;

/**
 * The client credentials of a token request (RFC 6749 §2.3.1, §4.4.2): HTTP Basic, or
 * `client_id`/`client_secret` in the form, never both. Each form field appears at most once
 * (§3.2). `scope` is accepted and ignored: every token grants its directory's SCIM API.
 */
export function tokenRequestOf(request: FastifyRequest): { clientId: string; clientSecret: string } {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || type.split(';')[0].trim().toLowerCase() !== 'application/x-www-form-urlencoded') {
    throw invalidRequest('The body must be application/x-www-form-urlencoded');
  }
  const form = (request.body ?? {}) as Record<string, string | string[] | undefined>;
  const field = (name: string): string | undefined => {
    const value = form[name];
    if (Array.isArray(value)) throw invalidRequest(`${name} is repeated`);
    return value;
  };
  const grantType = field('grant_type');
  field('scope');
  if (grantType === undefined || grantType === '') throw invalidRequest('grant_type is required');
  if (grantType !== 'client_credentials') throw new DomainError('OAUTH_UNSUPPORTED_GRANT_TYPE', 'Only grant_type=client_credentials is supported');
  const inForm = { id: field('client_id'), secret: field('client_secret') };
  const authorization = request.headers.authorization;
  let credentials: { id: string; secret: string };
  if (authorization !== undefined) {
    if (inForm.secret !== undefined) throw invalidRequest('Use one client authentication method: HTTP Basic or the form, not both');
    const basic = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization);
    const decoded = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient();
    try {
      // §2.3.1: both parts are form-urlencoded before they are joined.
      credentials = {
        id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
        secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
      };
    } catch {
      throw invalidClient();
    }
    if (inForm.id !== undefined && inForm.id !== credentials.id) throw invalidRequest('client_id in the form differs from the one in the Authorization header');
  } else {
    if (inForm.id === undefined || inForm.secret === undefined) throw invalidClient();
    credentials = { id: inForm.id, secret: inForm.secret };
  }
  if (credentials.id === '' || credentials.id.length > MAX_CREDENTIAL_LENGTH || credentials.secret.length > MAX_CREDENTIAL_LENGTH) throw invalidClient();
  return { clientId: credentials.id, clientSecret: credentials.secret };
}

/**
 * The OAuth 2.0 token endpoint (RFC 6749 §4.4, client credentials) for directories' OAuth
 * clients. Failed client authentications are limited like sign-ins (per client from one address,
 * per address, per client), under keys of their own.
 */
@ApiTags('OAuth')
@Controller('oauth')
export class OAuthTokenController {
  constructor(
    private readonly clients: OAuthClientsService,
    private readonly limiter: LoginLimiter,
  ) {}

  /**
   * `grant_type=client_credentials`, the client authenticated by HTTP Basic or by `client_id` and
   * `client_secret` in the form. Answers `{access_token, token_type: "Bearer", expires_in}`; the
   * token is the SCIM bearer token of the client's directory until it expires or the client is
   * revoked.
   */
  @Post('token')
  @Public()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBadRequestResponse({ type: OAuthErrorResponse, description: '`invalid_request` or `unsupported_grant_type` (RFC 6749 §5.2)' })
  @ApiUnauthorizedResponse({ type: OAuthErrorResponse, description: '`invalid_client`: unknown client, wrong secret, revoked client or inactive directory' })
  @ApiTooManyRequestsResponse({ type: OAuthErrorResponse, description: '`slow_down`: too many failed client authentications; see Retry-After' })
  async token(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AccessTokenResponse> {
    void reply.headers(OAUTH_NO_STORE);
    const { clientId, clientSecret } = tokenRequestOf(request);
    const attempt = await this.limiter.begin(clientId.toLowerCase(), request.ip, 'oauth-client');
    let issued: Awaited<ReturnType<OAuthClientsService['issueAccessToken']>>;
    try {
      issued = await this.clients.issueAccessToken(clientId, clientSecret);
    } catch (err) {
      // The check did not run (the database went away): a 503, and no failed authentication.
      await this.limiter.abandon(attempt);
      throw err;
    }
    if (!issued) {
      await this.limiter.failed();
      throw invalidClient();
    }
    await this.limiter.succeeded(attempt);
    return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn };
  }
}
