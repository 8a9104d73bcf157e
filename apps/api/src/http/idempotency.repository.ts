import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A key's row as the interceptor reads it back. */
export interface StoredResponse {
  request_hash: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: unknown;
}

/**
 * The SQL of idempotency_keys (DESIGN §8): one row per (scope, key), claimed by the request that
 * does the work, completed with its response, released if it fails. Each statement runs on its
 * own, outside the handler's transaction: the claim must be seen by a racing twin at once.
 */
@Injectable()
export class IdempotencyRepository {
  /** true: the caller holds the key (new, or expired and taken over as if new). */
  async claim(em: EntityManager, scope: string, key: string, hash: string): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
       VALUES ($1, $2, $3, now() + interval '24 hours')
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, state = 'in_progress', response_status = NULL,
             response_headers = NULL, response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at < now()
       RETURNING 1`,
      [scope, key, hash],
    );
    return rows.length === 1;
  }

  async find(em: EntityManager, scope: string, key: string): Promise<StoredResponse | undefined> {
    const [row]: StoredResponse[] = await em.query(
      'SELECT request_hash, state, response_status, response_headers, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    return row;
  }

  async complete(em: EntityManager, scope: string, key: string, status: number, headers: Record<string, string>, body: unknown): Promise<void> {
    await em.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_headers = $4, response_body = $5
       WHERE scope = $1 AND key = $2`,
      [scope, key, status, JSON.stringify(headers), JSON.stringify(body ?? null)],
    );
  }

  /** Only while in progress: a completed response stays. */
  async release(em: EntityManager, scope: string, key: string): Promise<void> {
    await em.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_progress'`, [scope, key]);
  }
}
