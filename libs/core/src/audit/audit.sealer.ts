import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@passerelle/common';
import { JobRegistry } from '../jobs/index.js';
import { chainOf, type ChainedEvent, EVENT_COLUMNS, eventHash, GENESIS_HASH } from './audit-chain.js';

export const AUDIT_SEAL_JOB = 'audit.seal';
const SEALER_LOCK = 8_120_551;

/**
 * Chains audit events after the fact, so that writing an event never waits on a per-organization
 * lock (issue 4). What the sealer sees is committed; an event whose transaction commits later is
 * sealed in a later run. The chain's order is therefore the sealing order (`position` in
 * audit_seals), not `seq`, and an open transaction elsewhere never holds sealing back.
 */
@Injectable()
export class AuditSealer implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly jobs: JobRegistry,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: AUDIT_SEAL_JOB, cron: '* * * * *', run: async () => void (await this.sealAll()) });
  }

  /** Seals every pending event; returns how many were sealed. */
  async sealAll(batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.sealBatch(batch);
      total += n;
      if (n < batch) return total;
    }
  }

  private sealBatch(batch: number): Promise<number> {
    return this.db.transaction(async (em) => {
      const [{ locked }] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [SEALER_LOCK]);
      if (!locked) return 0; // another sealer is at work
      // The queue (a trigger fills it with every new event); an event already sealed (e.g. by a
      // bulk loader that writes seals itself) only leaves the queue.
      const events: (ChainedEvent & { sealed: boolean })[] = await em.query(
        `SELECT ${EVENT_COLUMNS}, EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id) AS sealed
         FROM audit_unsealed u JOIN audit_events e ON e.id = u.event_id
         ORDER BY u.seq LIMIT $1`,
        [batch],
      );
      const heads = new Map<string, { position: number; hash: string }>();
      const now = this.clock.now();
      const seals: { event_id: string; chain: string; position: number; prev_hash: string; hash: string }[] = [];
      for (const e of events.filter((x) => !x.sealed)) {
        const chain = chainOf(e.organization_id);
        let head = heads.get(chain);
        if (!head) {
          const [last] = await em.query('SELECT position, hash FROM audit_seals WHERE chain = $1 ORDER BY position DESC LIMIT 1', [chain]);
          head = last ? { position: Number(last.position), hash: last.hash } : { position: 0, hash: GENESIS_HASH };
        }
        const hash = eventHash(head.hash, e);
        seals.push({ event_id: e.id, chain, position: head.position + 1, prev_hash: head.hash, hash });
        heads.set(chain, { position: head.position + 1, hash });
      }
      // One statement for the batch, not one round trip per event.
      if (seals.length) {
        await em.query(
          `INSERT INTO audit_seals (event_id, chain, position, prev_hash, hash, sealed_at)
           SELECT event_id, chain, position, prev_hash, hash, $2 FROM jsonb_to_recordset($1::jsonb)
             AS x(event_id uuid, chain text, position bigint, prev_hash text, hash text)`,
          [JSON.stringify(seals), now],
        );
      }
      if (events.length) await em.query('DELETE FROM audit_unsealed WHERE event_id = ANY($1::uuid[])', [events.map((e) => e.id)]);
      return events.length;
    });
  }
}
