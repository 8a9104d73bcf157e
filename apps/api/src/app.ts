import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import { SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { Logger } from 'nestjs-pino';
import { type AppConfig, DomainError } from '@passerelle/common';
import { ApiModule, type ApiModuleOptions } from './api.module.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './http/json-depth.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { toProblem } from './http/problems.js';
import { serveWebApp } from './http/web-app.js';

export const BODY_LIMIT = 1024 * 1024;
/** How much of a refused body is still read (and dropped) so the client reads its 413 (issue 28). */
export const DISCARD_LIMIT = 32 * 1024 * 1024;
/** Routes with a bucket of their own, tighter than the API's (per client IP, per minute). */
const BUCKETS: Record<string, { name: string; max: (c: AppConfig) => number }> = {
  '/api/v1/auth/login': { name: 'login', max: (c) => c.loginRateLimitPerMinute },
  '/api/v1/public/letters/verify': { name: 'letter-verify', max: (c) => c.letterVerifyRateLimitPerMinute },
};
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's X-Request-Id is honoured when it is a sane token; otherwise we make one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Builds the whole HTTP application (used by main.ts, the tests and the OpenAPI export), so
 * the tests exercise exactly the production pipeline: parsers, limits, filters, guards, docs.
 */
export async function createApp(config: AppConfig, options: ApiModuleOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(req.headers['x-request-id']),
    return503OnClosing: true,
    // Slow clients (slowloris) are cut off: headers within HTTP_HEADERS_TIMEOUT_SECONDS, the whole
    // request within HTTP_REQUEST_TIMEOUT_SECONDS, checked every second. Fastify's default has no
    // request timeout at all, and Node checks its own every 30 s (issue 13).
    requestTimeout: config.httpRequestTimeoutSeconds * 1000,
    http: { headersTimeout: config.httpHeadersTimeoutSeconds * 1000, connectionsCheckingInterval: 1000 },
    routerOptions: { maxParamLength: 200 },
    clientErrorHandler: problemOnClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, options), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Fastify's own JSON parser only: Nest's would add form-urlencoded (a 415 here) and wrap errors.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: a text/plain body on a JSON route is a 415, not a string handed to validation.
  fastify.removeContentTypeParser('text/plain');
  // Fastify's own JSON parser (prototype-poisoning keys refused), behind a nesting limit.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (req, body, done) => {
    if (typeof body === 'string' && jsonDepthExceeds(body, MAX_JSON_DEPTH)) {
      done(new DomainError('MALFORMED_JSON', `The request body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    parseJson(req, body as string, done);
  });
  fastify.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  drainRefusedBodies(fastify);
  noStoreUnderApi(fastify);
  await app.register(helmet, helmetOptions(config));
  // One bucket per client IP for the API, and separate, tighter ones for sign-in attempts
  // (LOGIN_RATE_LIMIT_PER_MINUTE: staff of a transit centre share one address, so the
  // per-account lockout stays the main defence against guessing, issue 4) and for the public,
  // unauthenticated letter check (LETTER_VERIFY_RATE_LIMIT_PER_MINUTE: no harvesting of names, issue 8).
  const bucketOf = (req: { routeOptions?: { url?: string } }) => BUCKETS[req.routeOptions?.url ?? ''];
  await app.register(rateLimit, {
    global: true,
    keyGenerator: (req) => (bucketOf(req) ? `${bucketOf(req).name}:${req.ip}` : req.ip),
    max: (req) => bucketOf(req)?.max(config) ?? config.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) => new DomainError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`),
  });
  await serveWebApp(app, config.webDir);
  app.setGlobalPrefix('api/v1', { exclude: ['health/live', 'health/ready'] });
  const document = buildOpenApiDocument(app, config.publicBaseUrlConfigured ?? '/');
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', useGlobalPrefix: false, customSiteTitle: 'Passerelle API' });
  return app;
}

/**
 * A 413 the client can read (issue 28): Fastify answers a body over the limit and closes while
 * the client is still sending, and closing on unread bytes resets the connection, so a fetch
 * (undici) client saw EPIPE instead of the problem. Up to DISCARD_LIMIT the connection stays
 * open and Node reads and drops the rest of the body; past it (or a Content-Length above it)
 * the connection is cut, as before.
 */
function drainRefusedBodies(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (req, reply, payload) => {
    const raw = req.raw;
    if (reply.statusCode !== 413 || raw.complete || Number(raw.headers['content-length']) > DISCARD_LIMIT) return payload;
    reply.removeHeader('connection');
    let read = 0;
    raw.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > DISCARD_LIMIT) raw.socket?.destroy();
    });
    return payload;
  });
}

/**
 * Nothing under /api/v1 is kept by a browser, its back/forward cache or a proxy (tokens,
 * personal data, their errors; issue 28): a handler's own Cache-Control (the public letter
 * keys) stands, except on an error.
 */
function noStoreUnderApi(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (/^\/api\/v1(?:[/?]|$)/.test(req.url) && (reply.statusCode >= 400 || !reply.hasHeader('cache-control'))) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/**
 * helmet's upgrade-insecure-requests and HSTS only when the public address is https: over plain
 * http on a centre's LAN (http://192.168.1.20:3000) they would send the browser to an https
 * that does not exist, and /docs and the web app would break (issue 28).
 */
export function helmetOptions(config: Pick<AppConfig, 'publicBaseUrl'>) {
  const https = config.publicBaseUrl.startsWith('https:');
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https,
  };
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers too large, a broken
 * request, too slow) answered as problems with a code like every other error: Fastify's
 * default writes a bare {"error","statusCode"} JSON (issue 28).
 */
export function problemOnClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? toProblem(new DomainError('REQUEST_TIMEOUT', 'The request was not received in time'))
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? toProblem(new DomainError('HEADERS_TOO_LARGE', 'The request headers exceed 16 KiB'))
        : toProblem(new DomainError('MALFORMED_REQUEST', 'The request is not valid HTTP/1.1'));
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
