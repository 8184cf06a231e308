import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '@app/config';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** A caller's well-formed X-Request-Id, else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Removes secrets that clients may put in a query string (passport-http-bearer accepts access_token). */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&](?:access_token|token)=)[^&#]*/gi, '$1[Redacted]');
}

/**
 * Structured JSON logs, one line per request with its id. The Authorization header, cookies
 * and token-bearing query parameters are redacted; request bodies are never logged.
 */
export function loggerParams(config: AppConfig, stream?: DestinationStream): Params {
  return {
    pinoHttp: [
      {
        level: config.log.level,
        // Fastify assigns the id (see bootstrap.ts); this only covers requests it did not see.
        genReqId: (req: IncomingMessage) => requestIdFrom(req.headers['x-request-id']),
        redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[Redacted]' },
        serializers: {
          // A few headers only: cheaper on the hot path, and credentials never enter a log line
          // (the redaction above stays as a second guard).
          req: (req: { id: unknown; method: string; url?: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
            id: req.id,
            method: req.method,
            url: redactUrl(req.url),
            userAgent: req.headers['user-agent'],
            contentType: req.headers['content-type'],
            contentLength: req.headers['content-length'],
            remoteAddress: req.remoteAddress,
          }),
        },
        customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
          err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      },
      ...(stream ? [stream] : []),
    ] as Params['pinoHttp'],
  };
}
