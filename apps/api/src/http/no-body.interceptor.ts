import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { DomainError } from '@passerelle/common';

/**
 * An action documented without a body (accept, reopen, check-out, approve…) refuses one, other
 * than `{}`: `{"status":"closed","version":99}` was silently ignored with a 200, so a client
 * believing it set those fields — or probing for mass assignment — got no signal (issue 13).
 */
@Injectable()
export class NoBodyInterceptor implements NestInterceptor {
  private readonly takesBody = new WeakMap<object, boolean>();

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const handler = ctx.getHandler();
    let takes = this.takesBody.get(handler);
    if (takes === undefined) {
      const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, ctx.getClass(), handler.name) ?? {};
      takes = Object.keys(args).some((k) => k.split(':')[0] === String(RouteParamtypes.BODY));
      this.takesBody.set(handler, takes);
    }
    const body = ctx.switchToHttp().getRequest<FastifyRequest>().body;
    const empty = body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
    if (!takes && !empty) {
      throw new DomainError('VALIDATION_FAILED', 'This action takes no request body', { errors: [{ field: 'body', message: 'must be empty or absent' }] });
    }
    return next.handle();
  }
}
