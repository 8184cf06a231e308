import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderRestError, RenderedError } from './rest-error.util';
import { isOAuthPath, renderOAuthError } from './oauth-error.util';
import { isScimPath, renderScimError } from './scim-error.util';

/** What Fastify and Node refuse before a route runs, as a client error the two renderers know. */
const clientError = (statusCode: number, message: string): { statusCode: number; message: string } => ({ statusCode, message });

/** Renders a refusal for `url` in its transport: SCIM Error under /scim, REST JSON elsewhere. */
function render(url: string, error: { statusCode: number; message: string }): RenderedError {
  return isScimPath(url) ? renderScimError(error) : isOAuthPath(url) ? renderOAuthError(error) : renderRestError(error);
}

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode (400) or a path segment longer than its
 * limit (414) never reaches Nest, so its exception filter cannot render them; this does, in the
 * same shapes.
 */
export function renderFrameworkError(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const rendered = render(request.url, clientError(status, status === 414 ? 'A path segment is too long' : 'The URL is not valid'));
  void reply
    .status(rendered.status)
    .headers(rendered.headers ?? {})
    .header('content-type', rendered.contentType)
    .send(rendered.body);
}

const CLIENT_ERRORS: Record<string, { status: number; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', message: 'The request line or headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', message: 'The request took too long to arrive' },
};

/**
 * Node's `clientError`: a request the HTTP parser refused (headers too large, a timeout, bad
 * framing) has no Fastify request at all. The raw bytes received still hold the request line,
 * so the answer is a SCIM Error when they name a /scim path, like every other refusal there.
 */
export function handleClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
  const { status, reason, message } = known ?? { status: 400, reason: 'Bad Request', message: 'The request could not be parsed' };
  // Node hands over the bytes as a Buffer (Fastify's types say otherwise).
  const raw = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : Buffer.alloc(0);
  const requestLine = raw.subarray(0, 2048).toString('latin1').split('\r\n', 1)[0];
  const url = requestLine.split(' ')[1] ?? '';
  const rendered = render(url, clientError(status, message));
  const body = JSON.stringify(rendered.body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${rendered.contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
