import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, type Observable, of, mergeMap, catchError, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { canonicalJson, DomainError } from '@passerelle/common';
import { IdempotencyRepository, type StoredResponse } from './idempotency.repository.js';

const IDEMPOTENT = 'passerelle:idempotent';
const KEY = /^[\x21-\x7e]{1,255}$/;
/** Headers that belong to the response and are replayed with it. */
const REPLAYED_HEADERS = ['location', 'etag'];
const WAIT_MS = 10_000;

/** Marks a create endpoint as honouring `Idempotency-Key` (DESIGN §8). */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'A retry with the same key and body returns the first response without repeating the work; the same key with another body is 422. Keys expire after 24 h.',
      schema: { type: 'string', maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    }),
  );

/**
 * Same key + same body → the stored first response, and the work is done once even when two
 * identical requests race: the INSERT of the key row decides who works, the other waits for
 * the result. Failed attempts release the key so the client can retry.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly db: DataSource,
    private readonly keys: IdempotencyRepository,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(IDEMPOTENT, ctx.getHandler())) return next.handle();
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { user?: { userId?: string } }>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return next.handle();
    if (typeof raw !== 'string' || !KEY.test(raw)) {
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1–255 visible ASCII characters', { errors: [
        { field: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' },
      ] });
    }
    const scope = req.user?.userId ?? 'public';
    const hash = createHash('sha256').update(`${req.method} ${req.url}\n${canonicalJson(req.body ?? null)}`).digest('hex');
    const status = Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) ?? (req.method === 'POST' ? 201 : 200);

    return from(this.claimOrWait(scope, raw, hash)).pipe(
      mergeMap((stored) => {
        if (stored) return of(this.replay(stored, reply));
        return next.handle().pipe(
          mergeMap((body) => from(this.complete(scope, raw, status, reply, body)).pipe(mergeMap(() => of(body)))),
          catchError((err) => from(this.release(scope, raw)).pipe(mergeMap(() => throwError(() => err)))),
        );
      }),
    );
  }

  /**
   * null: this request holds the key and does the work. Otherwise the first request's stored
   * response, once it has one. If the first attempt failed (key released), this one takes over.
   */
  private async claimOrWait(scope: string, key: string, hash: string): Promise<StoredResponse | null> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      if (await this.claim(scope, key, hash)) return null;
      const row = await this.keys.find(this.db.manager, scope, key);
      if (row && row.request_hash !== hash) {
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
      }
      if (row?.state === 'completed') return row;
      if (Date.now() > deadline) throw new DomainError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still running');
      await sleep(50);
    }
  }

  private replay(row: StoredResponse, reply: FastifyReply): unknown {
    for (const [name, value] of Object.entries(row.response_headers ?? {})) reply.header(name, value);
    reply.header('idempotent-replayed', 'true');
    reply.status(row.response_status ?? 200);
    return row.response_body;
  }

  /** true: this request does the work. An expired key is taken over as if new. */
  private claim(scope: string, key: string, hash: string): Promise<boolean> {
    return this.keys.claim(this.db.manager, scope, key, hash);
  }

  private async complete(scope: string, key: string, status: number, reply: FastifyReply, body: unknown): Promise<void> {
    const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((h) => (reply.getHeader(h) === undefined ? [] : [[h, String(reply.getHeader(h))]])));
    await this.keys.complete(this.db.manager, scope, key, status, headers, body);
  }

  private async release(scope: string, key: string): Promise<void> {
    await this.keys.release(this.db.manager, scope, key).catch(() => undefined);
  }
}
