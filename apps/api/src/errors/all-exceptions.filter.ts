import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { databaseErrorCode, isDatabaseUnavailable } from '@app/database';
import { isScimError } from '@app/scim-protocol';
import { databaseUnavailable, DomainError } from '../common/domain.errors';
import { isClientError } from './client-error.util';
import { noteFailure } from './failure-note.util';
import { isOAuthPath, renderOAuthError } from './oauth-error.util';
import { isScimPath, renderScimError } from './scim-error.util';
import { renderRestError } from './rest-error.util';

/**
 * The single exception filter. It picks the transport by path, so even a 404 for an unknown
 * SCIM route answers in the SCIM Error format, never a plain Nest body (and the OAuth token
 * endpoint in RFC 6749's).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    let exception = thrown;
    if (isDatabaseUnavailable(thrown)) {
      // An outage, not a bug: one short line per request, without SQL, parameters or stack.
      this.logger.warn({ cause: databaseErrorCode(thrown) ?? 'unknown' }, 'Database unavailable: answered 503');
      exception = databaseUnavailable();
    } else if (!(exception instanceof DomainError) && !(exception instanceof HttpException) && !isScimError(exception) && !isClientError(exception)) {
      this.logger.error({ err: exception }, 'Unhandled error');
    }
    const scim = isScimPath(request.url);
    const rendered = scim ? renderScimError(exception) : isOAuthPath(request.url) ? renderOAuthError(exception) : renderRestError(exception);
    if (scim) {
      // For the provisioning log: the SCIM answer plus the stable code the REST renderer names.
      const body = rendered.body as { scimType?: string; detail: string };
      const code = isScimError(exception)
        ? (body.scimType ?? `status${rendered.status}`).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
        : exception instanceof DomainError
          ? exception.code
          : (renderRestError(exception).body as { code: string }).code;
      noteFailure(request, { status: rendered.status, scimType: body.scimType ?? null, code, message: body.detail });
    }
    if (rendered.headers) void reply.headers(rendered.headers);
    void reply.status(rendered.status).header('content-type', rendered.contentType).send(rendered.body);
  }
}
