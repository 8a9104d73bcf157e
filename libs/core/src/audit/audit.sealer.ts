import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@passerelle/common';
import { JobRegistry } from '../jobs/index.js';
import { chainOf, eventHash, GENESIS_HASH } from './audit-chain.js';
import { AuditSealsRepository, type SealRow } from './audit-seals.repository.js';

export const AUDIT_SEAL_JOB = 'audit.seal';

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
    private readonly seals: AuditSealsRepository,
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
      if (!(await this.seals.tryLockSealer(em))) return 0; // another sealer is at work
      const events = await this.seals.queued(em, batch);
      const heads = new Map<string, { position: number; hash: string }>();
      const now = this.clock.now();
      const seals: SealRow[] = [];
      for (const e of events.filter((x) => !x.sealed)) {
        const chain = chainOf(e.organization_id);
        let head = heads.get(chain);
        if (!head) {
          const last = await this.seals.head(em, chain);
          head = last ? { position: Number(last.position), hash: last.hash } : { position: 0, hash: GENESIS_HASH };
        }
        const hash = eventHash(head.hash, e);
        seals.push({ event_id: e.id, chain, position: head.position + 1, prev_hash: head.hash, hash });
        heads.set(chain, { position: head.position + 1, hash });
      }
      if (seals.length) await this.seals.insert(em, seals, now);
      if (events.length) await this.seals.dequeue(em, events.map((e) => e.id));
      return events.length;
    });
  }
}
