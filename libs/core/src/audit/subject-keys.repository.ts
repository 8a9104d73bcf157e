import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A case's data key as stored: wrapped under master key `key_id`. */
export interface SubjectKeyRow {
  case_id: string;
  key_id: string;
  wrapped_key: Buffer;
}

/**
 * The SQL of subject_keys (issue 11): the audit data keys of cases, wrapped. Takes `em` first and
 * never opens a transaction; wrapping and unwrapping are SubjectKeys'.
 */
@Injectable()
export class SubjectKeysRepository {
  /**
   * Inserted, or the one already visible; one committed by a concurrent writer after this
   * statement's snapshot is not seen here (the caller reads it with `find`).
   */
  async insertOrGet(em: EntityManager, caseId: string, keyId: string, wrappedKey: Buffer, createdAt: Date): Promise<SubjectKeyRow | undefined> {
    const [row]: SubjectKeyRow[] = await em.query(
      `WITH made AS (
         INSERT INTO subject_keys (case_id, key_id, wrapped_key, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id) DO NOTHING RETURNING case_id, key_id, wrapped_key)
       SELECT case_id, key_id, wrapped_key FROM made
       UNION ALL
       SELECT case_id, key_id, wrapped_key FROM subject_keys WHERE case_id = $1
       LIMIT 1`,
      [caseId, keyId, wrappedKey, createdAt],
    );
    return row;
  }

  async find(em: EntityManager, caseId: string): Promise<SubjectKeyRow | undefined> {
    const [row]: SubjectKeyRow[] = await em.query('SELECT case_id, key_id, wrapped_key FROM subject_keys WHERE case_id = $1', [caseId]);
    return row;
  }

  findMany(em: EntityManager, caseIds: readonly string[]): Promise<SubjectKeyRow[]> {
    return em.query('SELECT case_id, key_id, wrapped_key FROM subject_keys WHERE case_id = ANY($1::uuid[])', [[...new Set(caseIds)]]);
  }

  /** Crypto-shredding; returns how many keys went. The database refuses it unless the cases are anonymized (trigger subject_keys_guard). */
  async delete(em: EntityManager, caseIds: readonly string[]): Promise<number> {
    const [, n] = await em.query('DELETE FROM subject_keys WHERE case_id = ANY($1::uuid[])', [[...caseIds]]);
    return Number(n ?? 0);
  }

  /** Keys wrapped under another master key than `currentKeyId`, locked; concurrent rotations share them. */
  lockWrappedUnderOther(em: EntityManager, currentKeyId: string, batch: number): Promise<SubjectKeyRow[]> {
    return em.query('SELECT case_id, key_id, wrapped_key FROM subject_keys WHERE key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED', [currentKeyId, batch]);
  }

  async updateWrapping(em: EntityManager, caseId: string, keyId: string, wrappedKey: Buffer): Promise<void> {
    await em.query('UPDATE subject_keys SET key_id = $2, wrapped_key = $3 WHERE case_id = $1', [caseId, keyId, wrappedKey]);
  }
}
