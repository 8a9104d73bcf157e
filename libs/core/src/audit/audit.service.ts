import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, assertCan, CursorCodec, DomainError, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { AuditEvent } from './audit-event.entity.js';
import { type ChainedEvent, chainOf, EVENT_COLUMNS, eventHash, GENESIS_HASH } from './audit-chain.js';
import { AUDIT_EVENT_FIELDS } from './audit.rules.js';
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
  ) {}

  /** Personal values read in clear while their case's key exists, "[erased]" after anonymization. */
  async list(actor: Actor, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEvent>> {
    const qb = readableBy(this.db.manager, actor, AuditEvent, 'AuditEvent', 'e', AUDIT_EVENT_FIELDS);
    const type = filter.entityType ? entityTypeFilter(filter.entityType) : undefined;
    if (filter.entityType && !type) {
      const message = `entityType must be one of: ${AUDIT_ENTITY_TYPES.join(', ')}`;
      throw new DomainError('VALIDATION_FAILED', message, { errors: [{ field: 'entityType', message }] });
    }
    if (type) qb.andWhere('e.entity_type = :entityType', { entityType: type.stored });
    if (type?.actionPrefix) qb.andWhere("starts_with(e.action, :actionPrefix)", { actionPrefix: type.actionPrefix });
    // A part's events are its parent's: its own id is in details.
    if (filter.entityId && type?.idKey) qb.andWhere('e.details ->> :idKey = :entityId', { idKey: type.idKey, entityId: filter.entityId });
    else if (filter.entityId) qb.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.actorUserId) qb.andWhere('e.actor_user_id = :actorUserId', { actorUserId: filter.actorUserId });
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.from) qb.andWhere('e.at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.at < :to', { to: filter.to });
    const found = await paginate<AuditEvent>(qb, page, { list: 'audit-events', columns: [{ expr: 'e.seq', cast: 'numeric' }], direction: 'DESC', keyOf: (e) => [String(e.seq)] }, this.cursors);
    await openEvents(this.db.manager, this.keys, found.items);
    return found;
  }

  /** Recomputes the actor's organization chain; a row changed or removed behind our back breaks it. */
  async verify(actor: Actor): Promise<ChainVerification> {
    assertCan(actor, 'verify', 'AuditEvent');
    const chain = chainOf(actor.organizationId);
    const rows: (ChainedEvent & { s_event_id: string; position: string; prev_hash: string; hash: string; e_id: string | null })[] = await this.db.query(
      `SELECT s.event_id AS s_event_id, s.position, s.prev_hash, s.hash, e.id AS e_id, ${EVENT_COLUMNS.replace('e.id, ', '')}
       FROM audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id
       WHERE s.chain = $1 ORDER BY s.position`,
      [chain],
    );
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

  private async unsealed(organizationId: string | null): Promise<number> {
    const [{ n }] = await this.db.query(
      'SELECT count(*)::int AS n FROM audit_events e WHERE e.organization_id IS NOT DISTINCT FROM $1 AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)',
      [organizationId],
    );
    return n;
  }
}
