import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, DomainError, type ErrorCode, isConnectionError } from '@passerelle/common';
import { AuditWriter } from '@passerelle/core';
import { CONSTRAINT_CODES, toProblem } from './problems.js';

/** Fastify's own errors (raised before a handler runs) by their code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_BAD_URL: 'VALIDATION_FAILED',
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'VERSION_CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  428: 'PRECONDITION_REQUIRED',
  429: 'RATE_LIMITED',
  503: 'DATABASE_UNAVAILABLE',
};

/** Turns whatever was thrown into a DomainError; null means "a bug": log it, answer a bare 500. */
export function toDomainError(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err;
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown; constraint?: unknown; driverError?: unknown; name?: unknown };
  const fastifyCode = [e?.code, (e as { cause?: { code?: unknown } })?.cause?.code].find((c): c is string => typeof c === 'string' && c in FASTIFY_CODES);
  if (fastifyCode) {
    return new DomainError(FASTIFY_CODES[fastifyCode], fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'The request body exceeds 1 MiB' : undefined);
  }
  // JSON.parse errors from Fastify's parser carry statusCode 400 and no FST code.
  if (e?.statusCode === 400 && (err instanceof SyntaxError || /JSON/i.test(String(e.message)))) {
    return new DomainError('MALFORMED_JSON', 'The request body is not valid JSON');
  }
  if (isConnectionError(err)) return new DomainError('DATABASE_UNAVAILABLE', 'The database is unavailable; retry shortly');
  const constraint = (e?.driverError as { constraint?: string } | undefined)?.constraint ?? (typeof e?.constraint === 'string' ? e.constraint : undefined);
  if (constraint && CONSTRAINT_CODES[constraint]) return new DomainError(CONSTRAINT_CODES[constraint].code, CONSTRAINT_CODES[constraint].detail);
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = STATUS_CODES[status];
    if (code === 'NOT_FOUND') return new DomainError('ROUTE_NOT_FOUND', 'No such route');
    if (code) return new DomainError(code, status === 400 || status >= 500 ? undefined : err.message);
  }
  if (typeof e?.statusCode === 'number' && STATUS_CODES[e.statusCode] && e.statusCode < 500) {
    return new DomainError(STATUS_CODES[e.statusCode]);
  }
  return null;
}

@Catch()
@Injectable()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(private readonly audit: AuditWriter) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const domain = toDomainError(exception);
    const problem = domain
      ? toProblem(domain)
      : { type: 'about:blank', title: 'Internal server error', status: 500, code: 'INTERNAL_ERROR', detail: `Reference: ${request?.id}` };
    if (!domain) this.logger.error({ err: exception, reqId: request?.id }, 'unhandled error');
    else if (domain.code === 'DATABASE_UNAVAILABLE') this.logger.warn({ reqId: request?.id, err: String((exception as Error)?.message) }, 'database unavailable');
    if (problem.status === 503) reply.header('retry-after', '5');
    if (domain?.code === 'ACCOUNT_LOCKED') reply.header('retry-after', String(domain.extra?.retryAfter ?? 900));
    // Permission denials are audited (issue 4), attributed to the signed-in actor.
    const actor = (request as { user?: Actor } | undefined)?.user;
    if (problem.status === 403 && actor?.kind === 'user') {
      void this.audit
        .record(null, actor, 'access.denied', { type: 'Route', id: null, organizationId: actor.organizationId }, { details: { method: request.method, route: request.routeOptions?.url ?? null, code: problem.code } })
        .catch((err: unknown) => this.logger.error({ err }, 'could not audit a denial'));
    }
    void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(JSON.stringify(problem));
  }
}
