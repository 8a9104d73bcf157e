import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type ChainedEvent, EVENT_COLUMNS } from './audit-chain.js';

const SEALER_LOCK = 8_120_551;

/** A link of a chain as the sealer writes it. */
export interface SealRow {
  event_id: string;
  chain: string;
  position: number;
  prev_hash: string;
  hash: string;
}

/** A seal read back with its event (null columns when the event row is gone). */
export type SealedEventRow = ChainedEvent & { s_event_id: string; position: string; prev_hash: string; hash: string; e_id: string | null };

/**
 * The SQL of the audit chain (audit_seals, audit_unsealed): what the sealer reads and writes,
 * what verification recomputes. Takes `em` first and never opens a transaction. The statements
 * are the chain's correctness and its speed: one INSERT per batch, the queue read in seq order.
 */
@Injectable()
export class AuditSealsRepository {
  /** The sealer's transaction-scoped advisory lock; false while another sealer is at work. */
  async tryLockSealer(em: EntityManager): Promise<boolean> {
    const [{ locked }] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [SEALER_LOCK]);
    return locked;
  }

  /**
   * The queue (a trigger fills it with every new event), oldest first; an event already sealed
   * (e.g. by a bulk loader that writes seals itself) only leaves the queue.
   */
  queued(em: EntityManager, batch: number): Promise<(ChainedEvent & { sealed: boolean })[]> {
    return em.query(
      `SELECT ${EVENT_COLUMNS}, EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id) AS sealed
         FROM audit_unsealed u JOIN audit_events e ON e.id = u.event_id
         ORDER BY u.seq LIMIT $1`,
      [batch],
    );
  }

  /** The chain's last link, if any. */
  async head(em: EntityManager, chain: string): Promise<{ position: string; hash: string } | undefined> {
    const [last] = await em.query('SELECT position, hash FROM audit_seals WHERE chain = $1 ORDER BY position DESC LIMIT 1', [chain]);
    return last;
  }

  /** One statement for the batch, not one round trip per event. */
  async insert(em: EntityManager, seals: SealRow[], sealedAt: Date): Promise<void> {
    await em.query(
      `INSERT INTO audit_seals (event_id, chain, position, prev_hash, hash, sealed_at)
           SELECT event_id, chain, position, prev_hash, hash, $2 FROM jsonb_to_recordset($1::jsonb)
             AS x(event_id uuid, chain text, position bigint, prev_hash text, hash text)`,
      [JSON.stringify(seals), sealedAt],
    );
  }

  async dequeue(em: EntityManager, eventIds: string[]): Promise<void> {
    await em.query('DELETE FROM audit_unsealed WHERE event_id = ANY($1::uuid[])', [eventIds]);
  }

  /** A chain's seals in order, each with its event as stored now. */
  chain(em: EntityManager, chain: string): Promise<SealedEventRow[]> {
    return em.query(
      `SELECT s.event_id AS s_event_id, s.position, s.prev_hash, s.hash, e.id AS e_id, ${EVENT_COLUMNS.replace('e.id, ', '')}
       FROM audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id
       WHERE s.chain = $1 ORDER BY s.position`,
      [chain],
    );
  }

  /** An organization's events no seal covers yet. */
  async countUnsealed(em: EntityManager, organizationId: string | null): Promise<number> {
    const [{ n }] = await em.query(
      'SELECT count(*)::int AS n FROM audit_events e WHERE e.organization_id IS NOT DISTINCT FROM $1 AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)',
      [organizationId],
    );
    return n;
  }
}
