import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type CursorCodec, type FieldMap, type Page, type PageRequest, paginate, poolOf, readableBy } from '@passerelle/common';
import { AuditEvent } from './audit-event.entity.js';
import type { EntityTypeFilter } from './entity-types.js';

/** The SQL of an AuditEvent's CASL conditions (audit.rules.ts). */
export const AUDIT_EVENT_FIELDS: FieldMap = { organizationId: 'e.organization_id' };

const COLUMNS = 'id, txid, at, organization_id, actor_user_id, actor_organization_id, action, entity_type, entity_id, changes, details, request_id, ip';
/** An event as inserted: at, organization, actor user, actor organization, action, entity type and id, changes, details (JSON text), request id, ip. */
export type AuditRow = [Date, string | null, string | null, string | null, string, string, string | null, string | null, string | null, string | null, string | null];
const COLUMN_TYPES = ['timestamptz', 'uuid', 'uuid', 'uuid', 'text', 'text', 'text', 'jsonb', 'jsonb', 'text', 'text'];

/** The audit list's filter, its entity type already translated to the stored name (entity-types.ts). */
export interface AuditEventQuery {
  type?: EntityTypeFilter;
  entityId?: string;
  actorUserId?: string;
  action?: string;
  from?: string;
  to?: string;
}

/**
 * The SQL of audit_events: the append-only inserts (in the caller's transaction, or the group
 * writer's statement of its own) and the auditor's scoped list. Takes `em` first and never opens
 * a transaction.
 */
@Injectable()
export class AuditEventsRepository {
  /** One event, in the caller's transaction (its txid tells which events one transaction wrote). */
  async insert(em: EntityManager, row: AuditRow): Promise<void> {
    await em.query(`INSERT INTO audit_events (${COLUMNS}) VALUES (gen_random_uuid(), pg_current_xact_id()::text::bigint, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, row);
  }

  /** One statement, prepared once per connection, its own transaction; rows keep their order (seq). */
  async insertGroup(db: DataSource, rows: AuditRow[]): Promise<void> {
    const values = COLUMN_TYPES.map((_, i) => rows.map((r) => r[i]));
    await poolOf(db).query({
      name: 'audit_events_group_insert',
      text: `INSERT INTO audit_events (${COLUMNS})
             SELECT gen_random_uuid(), pg_current_xact_id()::text::bigint, u.*
             FROM unnest(${COLUMN_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u`,
      values,
    });
  }

  /** The events the actor may read, newest first (keyset on seq); sealed values as stored. */
  list(em: EntityManager, actor: Actor, filter: AuditEventQuery, page: PageRequest, cursors: CursorCodec): Promise<Page<AuditEvent>> {
    const qb = readableBy(em, actor, AuditEvent, 'AuditEvent', 'e', AUDIT_EVENT_FIELDS);
    const type = filter.type;
    if (type) qb.andWhere('e.entity_type = :entityType', { entityType: type.stored });
    if (type?.actionPrefix) qb.andWhere("starts_with(e.action, :actionPrefix)", { actionPrefix: type.actionPrefix });
    // A part's events are its parent's: its own id is in details.
    if (filter.entityId && type?.idKey) qb.andWhere('e.details ->> :idKey = :entityId', { idKey: type.idKey, entityId: filter.entityId });
    else if (filter.entityId) qb.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.actorUserId) qb.andWhere('e.actor_user_id = :actorUserId', { actorUserId: filter.actorUserId });
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.from) qb.andWhere('e.at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.at < :to', { to: filter.to });
    return paginate<AuditEvent>(qb, page, { list: 'audit-events', columns: [{ expr: 'e.seq', cast: 'numeric' }], direction: 'DESC', keyOf: (e) => [String(e.seq)] }, cursors);
  }
}
