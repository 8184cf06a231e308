import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { destination, stdSerializers, type DestinationStream } from 'pino';
import type { AppConfig } from '@app/config';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** A caller's well-formed X-Request-Id, else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Removes secrets that clients may put in a query string. `access_token` is refused as a credential
 * (tokens come only from the Authorization header) but clients still send it, so it stays masked;
 * so is a `client_secret` a client put in the URL of the token endpoint instead of its body, and the
 * `code` and `state` of single sign-on's callback and return URL (and the `email` that starts it:
 * a person's address is a value, not something a request log needs).
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&](?:access_token|token|client_secret|code|state|email|login_hint)=)[^&#]*/gi, '$1[Redacted]');
}

/**
 * Properties of a database error that hold the statement or its bound values: TypeORM's
 * QueryFailedError (`query`, `parameters`), mysql2's (`sql`, with the values inlined), and the
 * driver's own error that TypeORM keeps (`driverError`) along with its copied `sqlMessage`.
 */
const VALUE_BEARING_KEYS = new Set(['parameters', 'query', 'sql', 'sqlMessage', 'driverError']);

function withoutValues(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutValues(v, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!VALUE_BEARING_KEYS.has(key)) copy[key] = withoutValues(v, depth + 1);
  }
  return copy;
}

/**
 * The `err` serializer: pino's standard one (type, message, stack, own properties), minus every
 * property that could carry a bound value, at any depth. A value a client sent (a password, a
 * token, a person's details) therefore never reaches a log line through a failed query.
 */
export function serializeError(err: unknown): unknown {
  // pino-http hands over errors it already ran through the standard serializer; pino, raw ones.
  return withoutValues(err instanceof Error ? stdSerializers.err(err) : err, 0);
}

/**
 * stdout, written in batches: a line waits until 4 KB are queued or 100 ms have passed, so a busy
 * API makes one write per a dozen lines rather than one per request (on a VM each write is a
 * system call costing about as much as the rest of a small request's logging). pino flushes what
 * is queued synchronously when the process exits, a crash included; only a kill -9 loses the last
 * 100 ms of lines.
 */
export function stdoutDestination(): DestinationStream {
  return destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 });
}

/**
 * Structured JSON logs, one line per request with its id. The Authorization header, cookies
 * and token-bearing query parameters are redacted; request bodies are never logged; logged errors
 * lose the statement and bound values of failed queries.
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
          err: serializeError,
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
          // The status only: the response headers are the same security headers on every answer,
          // and a 401's `WWW-Authenticate: Bearer …` would read like a logged credential.
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
        customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
          err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      },
      stream ?? stdoutDestination(),
    ] as Params['pinoHttp'],
  };
}
