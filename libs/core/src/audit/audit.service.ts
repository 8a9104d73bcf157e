import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, assertCan, CursorCodec, DomainError, type Page, type PageRequest } from '@passerelle/common';
import type { AuditEvent } from './audit-event.entity.js';
import { chainOf, eventHash, GENESIS_HASH } from './audit-chain.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditSealsRepository } from './audit-seals.repository.js';
import { AUDIT_ENTITY_TYPES, entityTypeFilter } from './entity-types.js';
import { openEvents } from './audit-personal.js';
import { SubjectKeys } from './subject-keys.js';

export interface AuditFilter {
  /** As the contract spells it (AUDIT_ENTITY_TYPES); translated to the stored name here. */
  entityType?: string;
  entityId?: string;
  actorUserId?: string;
  action?: string;
  from?: string;
  to?: string;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  unsealed: number;
  firstBrokenId?: string;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly db: DataSource,
    private readonly cursors: CursorCodec,
    private readonly keys: SubjectKeys,
    private readonly events: AuditEventsRepository,
    private readonly seals: AuditSealsRepository,
  ) {}

  /** Personal values read in clear while their case's key exists, "[erased]" after anonymization. */
  async list(actor: Actor, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEvent>> {
    const type = filter.entityType ? entityTypeFilter(filter.entityType) : undefined;
    if (filter.entityType && !type) {
      const message = `entityType must be one of: ${AUDIT_ENTITY_TYPES.join(', ')}`;
      throw new DomainError('VALIDATION_FAILED', message, { errors: [{ field: 'entityType', message }] });
    }
    const found = await this.events.list(this.db.manager, actor, { ...filter, type }, page, this.cursors);
    await openEvents(this.db.manager, this.keys, found.items);
    return found;
  }

  /** Recomputes the actor's organization chain; a row changed or removed behind our back breaks it. */
  async verify(actor: Actor): Promise<ChainVerification> {
    assertCan(actor, 'verify', 'AuditEvent');
    const chain = chainOf(actor.organizationId);
    const rows = await this.seals.chain(this.db.manager, chain);
    let prev = GENESIS_HASH;
    let checked = 0;
    for (const [i, r] of rows.entries()) {
      const intact = r.e_id !== null && Number(r.position) === i + 1 && r.prev_hash === prev && eventHash(prev, { ...r, id: r.e_id }) === r.hash;
      if (!intact) return { ok: false, checked, unsealed: await this.unsealed(actor.organizationId), firstBrokenId: r.s_event_id };
      prev = r.hash;
      checked++;
    }
    return { ok: true, checked, unsealed: await this.unsealed(actor.organizationId) };
  }

  private unsealed(organizationId: string | null): Promise<number> {
    return this.seals.countUnsealed(this.db.manager, organizationId);
  }
}
