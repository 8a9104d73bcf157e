import { applyDecorators } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSecurity,
  DECORATORS,
  DocumentBuilder,
  getSchemaPath,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig, ERROR_CODES, type NodeEnv } from '@passerelle/common';
import { SET_COOKIE_HEADER } from '../identity/session-cookie.js';
import { PROBLEMS } from './problems.js';
import { assertUniqueOperationIds, OPERATION_IDS, operationIdFactory } from './operation-ids.js';
import { IS_PUBLIC } from './public.decorator.js';

export class FieldErrorDto {
  @ApiProperty({ maxLength: 200, example: 'identity.nationality' }) field: string;
  @ApiProperty({ maxLength: 500, example: 'nationality must be an ISO 3166-1 alpha-3 code' }) message: string;
}

/** RFC 9457 problem details with our machine `code`. */
export class ProblemDto {
  @ApiProperty({ maxLength: 200, format: 'uri', example: 'https://passerelle.example/problems/not-found' }) type: string;
  @ApiProperty({ enum: [...new Set(Object.values(PROBLEMS).map((p) => p.title))], example: 'Not found' }) title: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 404 }) status: number;
  @ApiProperty({ enum: ERROR_CODES, example: 'NOT_FOUND' }) code: string;
  @ApiPropertyOptional({ maxLength: 1000 }) detail?: string;
  @ApiPropertyOptional({ type: () => [FieldErrorDto], maxItems: 100 }) errors?: FieldErrorDto[];
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request (validation, malformed JSON or id, invalid cursor)',
  401: 'Not authenticated',
  403: 'Forbidden',
  404: 'Not found (also when it exists but is not yours)',
  409: 'Conflict with the current state',
  412: 'Stale version (If-Match)',
  413: 'Body larger than 1 MiB',
  415: 'Content-Type is not application/json',
  422: 'Unprocessable (e.g. idempotency key reused)',
  423: 'Locked',
  428: 'If-Match required',
  429: 'Too many requests',
  500: 'Unexpected error (logged with the request id)',
  503: 'Database unavailable',
};

/** Declares the problem responses of a route; every route lists its own (issue 3). */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ProblemDto, FieldErrorDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: STATUS_TEXT[status] ?? Object.values(PROBLEMS).find((p) => p.status === status)?.title ?? 'Problem',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}

const int32 = (maximum: number) => ({ type: 'integer', format: 'int32', minimum: 0, maximum });

/**
 * Response headers, declared once in `components.headers` and referenced from each response:
 * written out in every response they were most of the document (1.1 MB) and of the generated
 * client's types.
 */
const HEADERS = {
  'X-RateLimit-Limit': { description: 'Requests allowed per window (one minute) for this client', schema: int32(1_000_000) },
  'X-RateLimit-Remaining': { description: 'Requests left in the current window', schema: int32(1_000_000) },
  'X-RateLimit-Reset': { description: 'Seconds until the current window resets', schema: int32(86_400) },
  'X-Request-Id': {
    description: 'The id this request is logged under: the client’s own X-Request-Id when it is a sane token, else a new UUID',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$', maxLength: 128 },
  },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: int32(86_400) },
  ETag: { description: 'The record’s version (case, return, reintegration plan), for If-Match', schema: { type: 'string', pattern: '^"[0-9]{1,10}"$', maxLength: 12 } },
  'Set-Cookie': SET_COOKIE_HEADER,
};
type HeaderName = keyof typeof HEADERS;
const headerRef = (name: HeaderName) => ({ $ref: `#/components/headers/${name}` });
const refs = (...names: HeaderName[]) => Object.fromEntries(names.map((n) => [n, headerRef(n)]));

/** Sent on every response of a route (rate-limit's and our own onRequest hooks run first). */
const COMMON_HEADERS = refs('X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Request-Id');
const RETRY_AFTER = refs('Retry-After');
const headersOf = (status: string) => (status === '429' || status === '503' ? RETRY_AFTER : {});
/** `headers` of a response that sends the record's version (`@ApiOkResponse({ type, headers: ETAG })`). */
export const ETAG = refs('ETag') as Record<string, { $ref: string }>;
const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } };

/** Names of the shared problem responses in `components.responses`, by status. */
const PROBLEM_RESPONSES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableContent',
  423: 'Locked',
  428: 'PreconditionRequired',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};
const isPlainProblem = (r: { content?: object; headers?: object }) => JSON.stringify(r.content) === JSON.stringify(problemContent) && r.headers === undefined;

/** Descriptions of the tags the controllers use; a tag missing here is still declared, bare. */
const TAGS: Record<string, string> = {
  health: 'Liveness and readiness probes for load balancers and orchestrators (no authentication)',
};

type Security = Record<string, string[]>[];
type Response = { headers?: Record<string, unknown>; content?: object; description: string } | { $ref: string };
interface Operation {
  responses?: Record<string, Response>;
  security?: Security;
  tags?: string[];
}

/** An operation needs a token unless one of its alternatives is the empty requirement `{}`. */
function requiresAuth(op: Operation, doc: OpenAPIObject): boolean {
  const security = (op.security ?? doc.security ?? []) as Security;
  return security.length > 0 && security.every((requirement) => Object.keys(requirement).length > 0);
}

/**
 * Completes what decorators cannot say once per route: every route may answer 429 (with
 * Retry-After), 503 when the database is away (with Retry-After, see ProblemFilter), 500, and
 * 401 when it needs a token; every response carries the rate-limit headers @fastify/rate-limit
 * really sends and X-Request-Id; every tag used is declared. Headers are declared once in
 * `components.headers`, and the problem responses (the same for every route: ProblemDto) once in
 * `components.responses`: repeated in each of 1,000 responses they were most of the document.
 */
export function completeDocument(doc: OpenAPIObject): OpenAPIObject {
  nullableStringsAreStrings(doc);
  const usedTags = new Set<string>();
  const usedResponses = new Set<number>();
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as Operation[]) {
      if (!op?.responses) continue;
      // Every path parameter is a record id validated by IdPipe: a UUID, 400 otherwise.
      for (const p of ((op as { parameters?: { in?: string; schema?: object }[] }).parameters ?? [])) {
        if (p.in === 'path') p.schema = { type: 'string', format: 'uuid', maxLength: 36, pattern: '^[0-9a-fA-F-]{36}$' };
      }
      for (const tag of op.tags ?? []) usedTags.add(tag);
      op.responses['429'] ??= { description: STATUS_TEXT[429], content: problemContent };
      op.responses['503'] ??= { description: STATUS_TEXT[503], content: problemContent };
      op.responses['500'] ??= { description: STATUS_TEXT[500], content: problemContent };
      if (requiresAuth(op, doc)) op.responses['401'] ??= { description: STATUS_TEXT[401], content: problemContent };
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[1-5]\d\d$/.test(status) || '$ref' in response) continue;
        const shared = PROBLEM_RESPONSES[Number(status)];
        // Two decorators naming one status (@Requires' 403 and the route's) joined their descriptions.
        if (shared && isPlainProblem(response)) {
          op.responses[status] = { $ref: `#/components/responses/${shared}` };
          usedResponses.add(Number(status));
        }
        else response.headers = { ...COMMON_HEADERS, ...headersOf(status), ...(response.headers ?? {}) };
      }
    }
  }
  const responses = Object.fromEntries(
    [...usedResponses].sort().map((status) => [
      PROBLEM_RESPONSES[status],
      { description: STATUS_TEXT[status], headers: { ...COMMON_HEADERS, ...headersOf(String(status)) }, content: problemContent },
    ]),
  );
  doc.components = { ...doc.components, headers: { ...HEADERS, ...doc.components?.headers }, responses: { ...responses, ...doc.components?.responses } };
  const declared = new Set((doc.tags ?? []).map((t) => t.name));
  const missing = [...usedTags].filter((t) => !declared.has(t)).sort();
  if (missing.length) doc.tags = [...(doc.tags ?? []), ...missing.map((name) => (TAGS[name] ? { name, description: TAGS[name] } : { name }))];
  return doc;
}

/**
 * A `string | null` property is reflected by TypeScript as Object, so @nestjs/swagger writes
 * `type: object` beside its string facets (format, maxLength, pattern): a generated client then
 * types it `Record<string, never>`. A property with string facets and no shape is a string.
 */
function nullableStringsAreStrings(doc: OpenAPIObject): void {
  for (const schema of Object.values(doc.components?.schemas ?? {}) as { properties?: Record<string, Record<string, unknown>> }[]) {
    for (const p of Object.values(schema.properties ?? {})) {
      const shapeless = p.type === 'object' && !p.properties && !p.additionalProperties && !p.allOf && !p.oneOf && !p.$ref;
      if (shapeless && (p.format !== undefined || p.maxLength !== undefined || p.pattern !== undefined)) p.type = 'string';
    }
  }
}

const API_SECURITY = DECORATORS.API_SECURITY;

/**
 * The auth guard refuses every handler not marked @Public() (CONVENTIONS §2), so the document
 * requires the bearer token globally and states `security: [{}]` (no authentication) on
 * exactly the handlers marked @Public(), read from the same metadata the guard reads.
 */
function markPublicOperations(app: INestApplication): void {
  const scanner = new MetadataScanner();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function' || Reflect.hasMetadata(API_SECURITY, metatype)) continue;
      const proto = metatype.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = proto[name] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined || Reflect.hasMetadata(API_SECURITY, handler)) continue;
        const isPublic = Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, metatype);
        if (isPublic === true) ApiSecurity({})(proto, name, { value: handler });
      }
    }
  }
}

const ENVIRONMENTS: Record<NodeEnv, string> = {
  production: 'Production',
  development: 'Local development',
  test: 'Test',
};

function nodeEnvOf(app: INestApplication): NodeEnv {
  try {
    return app.get<AppConfig>(APP_CONFIG, { strict: false }).nodeEnv;
  } catch {
    return (process.env.NODE_ENV as NodeEnv | undefined) ?? 'development';
  }
}

/**
 * `serverUrl` is PUBLIC_BASE_URL when set, else `/`: a fixed http://localhost:3000 made Swagger's
 * "Try it out" fail from any other host name, such as a centre's LAN address (issue 28).
 * Throws when a route has no operationId in `operationIds` or two routes share one.
 */
export function buildOpenApiDocument(app: INestApplication, serverUrl: string, operationIds = OPERATION_IDS): OpenAPIObject {
  const nodeEnv = nodeEnvOf(app);
  const builder = new DocumentBuilder()
    .setTitle('Passerelle API')
    .setDescription(
      'Case management for migrant assistance and assisted voluntary return in central and northern Mali. ' +
        'Errors are RFC 9457 problem details (application/problem+json) with a machine `code`. ' +
        'Every route needs a bearer access token unless it says otherwise. ' +
        'Requests are rate limited per client (X-RateLimit-* headers; 429 with Retry-After). ' +
        'The API sends no CORS headers: browsers on other origins cannot call it.',
    )
    .setVersion('1')
    .addServer(serverUrl, `${ENVIRONMENTS[nodeEnv] ?? nodeEnv} environment (NODE_ENV=${nodeEnv})`)
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'Short-lived access token from POST /api/v1/auth/login, signed and checked following RFC8725 ' +
        '(JSON Web Token Best Current Practices): fixed algorithm, issuer, audience and expiry.',
    })
    .addSecurityRequirements('bearer');
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  markPublicOperations(app);
  const doc = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ProblemDto, FieldErrorDto], operationIdFactory: operationIdFactory(operationIds) });
  assertUniqueOperationIds(doc);
  for (const server of doc.servers ?? []) (server as unknown as Record<string, unknown>)['x-internal'] = false;
  return completeDocument(doc);
}

/** `{items, nextCursor}` of a list of `model` (DESIGN §8). */
export function ApiPage(model: Function, description = 'One page; pass nextCursor back as ?cursor= for the next') {
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status: 200,
      description,
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', maxItems: 200, items: { $ref: getSchemaPath(model) } },
          nextCursor: { type: 'string', nullable: true, maxLength: 1024 },
        },
      },
    }),
  );
}
