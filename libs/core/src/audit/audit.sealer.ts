import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@passerelle/common';
import { JobRegistry } from '../jobs/job-registry.js';
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
      const events: ChainedEvent[] = await em.query(
        `SELECT ${EVENT_COLUMNS} FROM audit_events e
         WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)
         ORDER BY e.seq LIMIT $1`,
        [batch],
      );
      const heads = new Map<string, { position: number; hash: string }>();
      const now = this.clock.now();
      for (const e of events) {
        const chain = chainOf(e.organization_id);
        let head = heads.get(chain);
        if (!head) {
          const [last] = await em.query('SELECT position, hash FROM audit_seals WHERE chain = $1 ORDER BY position DESC LIMIT 1', [chain]);
          head = last ? { position: Number(last.position), hash: last.hash } : { position: 0, hash: GENESIS_HASH };
        }
        const hash = eventHash(head.hash, e);
        await em.query('INSERT INTO audit_seals (event_id, chain, position, prev_hash, hash, sealed_at) VALUES ($1, $2, $3, $4, $5, $6)', [
          e.id,
          chain,
          head.position + 1,
          head.hash,
          hash,
          now,
        ]);
        heads.set(chain, { position: head.position + 1, hash });
      }
      return events.length;
    });
  }
}
