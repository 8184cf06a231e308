import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isScimError } from '@app/scim-protocol';
import { DomainError } from '../common/domain-error';
import { isClientError } from './client-error';
import { isOAuthPath, renderOAuthError } from './oauth-error';
import { isScimPath, renderScimError } from './scim-error';
import { renderRestError } from './rest-error';

/**
 * The single exception filter. It picks the transport by path, so even a 404 for an unknown
 * SCIM route answers in the SCIM Error format, never a plain Nest body (and the OAuth token
 * endpoint in RFC 6749's).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (!(exception instanceof DomainError) && !(exception instanceof HttpException) && !isScimError(exception) && !isClientError(exception)) {
      this.logger.error({ err: exception }, 'Unhandled error');
    }
    const rendered = isScimPath(request.url) ? renderScimError(exception) : isOAuthPath(request.url) ? renderOAuthError(exception) : renderRestError(exception);
    if (rendered.headers) void reply.headers(rendered.headers);
    void reply.status(rendered.status).header('content-type', rendered.contentType).send(rendered.body);
  }
}
