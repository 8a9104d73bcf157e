import { applyDecorators } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CODES } from '@passerelle/common';
import { PROBLEMS } from './problems.js';

export class FieldErrorDto {
  @ApiProperty({ maxLength: 200, example: 'identity.nationality' }) field: string;
  @ApiProperty({ maxLength: 500, example: 'nationality must be an ISO 3166-1 alpha-3 code' }) message: string;
}

/** RFC 9457 problem details with our machine `code`. */
export class ProblemDto {
  @ApiProperty({ maxLength: 200, format: 'uri', example: 'https://passerelle.example/problems/not-found' }) type: string;
  @ApiProperty({ maxLength: 200, example: 'Not found' }) title: string;
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

const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': { description: 'Requests allowed per window for this client', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 } },
  'X-RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 } },
  'X-RateLimit-Reset': { description: 'Seconds until the window resets', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 } },
};
const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } };

/**
 * Completes what decorators cannot say once per route: every response carries the rate-limit
 * headers @fastify/rate-limit really sends, every route may answer 429 (with Retry-After),
 * 503 when the database is away, and 500.
 */
export function completeDocument(doc: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as { responses?: Record<string, { headers?: object; content?: object; description: string }>; security?: unknown[] }[]) {
      if (!op?.responses) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        if (/^[24]/.test(status)) response.headers = { ...RATE_LIMIT_HEADERS, ...(response.headers ?? {}) };
      }
      op.responses['429'] ??= {
        description: STATUS_TEXT[429],
        headers: { ...RATE_LIMIT_HEADERS, 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 } } },
        content: problemContent,
      };
      op.responses['503'] ??= { description: STATUS_TEXT[503], content: problemContent };
      op.responses['500'] ??= { description: 'Unexpected error (logged with the request id)', content: problemContent };
      if (op.security?.length) op.responses['401'] ??= { description: STATUS_TEXT[401], headers: RATE_LIMIT_HEADERS, content: problemContent };
    }
  }
  return doc;
}

export function buildOpenApiDocument(app: INestApplication, serverUrl: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Passerelle API')
    .setDescription(
      'Case management for migrant assistance and assisted voluntary return in central and northern Mali. ' +
        'Errors are RFC 9457 problem details (application/problem+json) with a machine `code`.',
    )
    .setVersion('1')
    .addServer(serverUrl, 'This deployment')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Short-lived access token from POST /api/v1/auth/login, signed and checked per RFC 8725 (JWT best current practices): fixed algorithm, issuer, audience and expiry.',
    })
    .build();
  const doc = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto, FieldErrorDto] });
  for (const server of doc.servers ?? []) (server as unknown as Record<string, unknown>)['x-internal'] = false;
  return completeDocument(doc);
}
