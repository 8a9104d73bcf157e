import { createHash } from 'node:crypto';
import { canonicalJson } from '@passerelle/common';

export const GENESIS_HASH = '0'.repeat(64);

/** The audit columns a hash covers, as read back from the database. */
export interface ChainedEvent {
  id: string;
  seq: string;
  at: Date;
  organization_id: string | null;
  actor_user_id: string | null;
  actor_organization_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  changes: unknown;
  details: unknown;
  request_id: string | null;
  ip: string | null;
}

export const chainOf = (organizationId: string | null): string => organizationId ?? 'none';

/** SHA-256 over the previous hash and the event's canonical form: one changed byte breaks it. */
export function eventHash(prevHash: string, e: ChainedEvent): string {
  const body = canonicalJson([
    e.id,
    String(e.seq),
    new Date(e.at).toISOString(),
    e.organization_id,
    e.actor_user_id,
    e.actor_organization_id,
    e.action,
    e.entity_type,
    e.entity_id,
    e.changes ?? null,
    e.details ?? null,
    e.request_id,
    e.ip,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

export const EVENT_COLUMNS =
  'e.id, e.seq, e.at, e.organization_id, e.actor_user_id, e.actor_organization_id, e.action, e.entity_type, e.entity_id, e.changes, e.details, e.request_id, e.ip';
