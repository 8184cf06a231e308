import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppConfig } from '@app/config';
import { handleClientError, renderFrameworkError } from './errors/framework-errors.util';
import { isOAuthPath } from './errors/oauth-error.util';
import { requestIdFrom } from './logging';
import { ProvisioningLog } from './provisioning-log/provisioning-log.service';
import { AppModule, AppModuleOptions } from './app.module';

const BODY_LIMIT = 1024 * 1024;

/** JSON answers load nothing and are never framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** Swagger UI loads its own scripts and styles (plus inline styles and data: icons) and fetches /docs-json. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const DOCS_PATH = /^\/docs(?:[/?-]|$)/;

/**
 * Builds the configured application without listening, shared by main.ts and the e2e tests.
 * Fastify was chosen over Express by measurement: every SCIM request is a hot path.
 */
export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // false, true (every hop: the client can forge its address), a hop count or proxy
    // addresses/CIDRs, already in Fastify's forms; request.ip (the sign-in limits' address) follows it.
    trustProxy: options.config.trustProxy,
    bodyLimit: BODY_LIMIT,
    // One id per request, taken from a well-formed X-Request-Id or made up; logged and echoed.
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => requestIdFrom(req.headers['x-request-id']),
    // SCIM clients vary: `/scim/v2/users` and `/scim/v2/Users/` reach the same route.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    // Refusals made before Nest sees a request answer in the same shapes as every other error.
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: handleClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    bufferLogs: true,
    // Our own parsers below replace Nest's, so every JSON type parses (and fails) the same way.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
  await registerSecurityHeaders(app, options.config);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // The provisioning log: every SCIM write or failure, queued as its answer is sent (issue 11).
  fastify.addHook('onSend', app.get(ProvisioningLog).onSend);
  if (options.config.docs.enabled) setUpSwagger(app);
  await app.init();
  // Boot-time lines were buffered until the pino logger was in place; write them now rather than
  // at listen(), so an app that never listens (the CLI, tests) logs them too.
  app.flushLogs();
  return app;
}

/**
 * Security headers on every answer, errors and 404s included (helmet's onRequest hook):
 * `nosniff`, `X-Frame-Options: DENY`, no referrer, HSTS when the public URL is https (over plain
 * http it would be ignored, or pin a development host to https). Fastify sends no `Server` or
 * `X-Powered-By` banner. The CSP is ours: nothing for the API, what Swagger UI needs on /docs; the
 * accept-invitation page sends its own.
 */
async function registerSecurityHeaders(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: false,
    frameguard: { action: 'deny' },
    hsts: config.publicUrl.startsWith('https://') ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.header('content-security-policy', DOCS_PATH.test(request.url) ? DOCS_CSP : API_CSP);
      done();
    });
}

/**
 * Entra sends `application/scim+json; charset=utf-8`; Fastify parses only application/json by
 * default. Any other declared type with a JSON body is parsed too, so no SCIM client gets a 415.
 */
function registerBodyParsers(fastify: FastifyInstance): void {
  const parseJson = (req: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void): void => {
    // Fastify does not decompress bodies; reading gzip bytes as JSON would only produce a
    // misleading syntax error, so an encoding other than identity is refused up front.
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return done(Object.assign(new Error(`Content-Encoding "${encoding}" is not supported; send the body uncompressed`), { statusCode: 415 }));
    }
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch {
      done(Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400, code: 'INVALID_JSON' }));
    }
  };
  // RFC 6749 §4.4.2: the token endpoint takes a form (a repeated field is kept, as an array, so it
  // can be refused). Everywhere else a form-typed body is read as JSON like any other type.
  const parseForm = (req: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void): void => {
    if (!isOAuthPath(req.url)) return parseJson(req, body, done);
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return done(Object.assign(new Error(`Content-Encoding "${encoding}" is not supported; send the body uncompressed`), { statusCode: 415 }));
    }
    const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [name, value] of new URLSearchParams(body)) {
      const seen = fields[name];
      fields[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    done(null, fields);
  };
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, parseForm);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  fastify.addContentTypeParser('application/scim+json', { parseAs: 'string' }, parseJson);
  fastify.addContentTypeParser('*', { parseAs: 'string' }, parseJson);
}

function setUpSwagger(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('People directory API')
      .setDescription(
        'Admin REST API of the HR backend that Microsoft Entra ID provisions over SCIM 2.0. ' +
          'Authorize with an admin API token (`adm_…`, from `npm run cli -- setup` or `POST /api/v1/api-tokens`) or with a ' +
          'session token (`ses_…`, from `POST /api/v1/auth/login`). The SCIM API lives at `/scim/v2` ' +
          'and is described by its own `/scim/v2/Schemas` endpoint.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Admin API token (adm_…)' }, 'admin')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Sign-in session token (ses_…), from POST /api/v1/auth/login' }, 'session')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Directory SCIM token (scim_…)' }, 'scim')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
}
