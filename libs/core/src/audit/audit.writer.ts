import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, Clock } from '@passerelle/common';
import { AuditPrivacy, sealEvent, subjectOf } from './audit-personal.js';
import { SubjectKeys } from './subject-keys.js';

export type Changes = Record<string, { old?: unknown; new?: unknown }>;

export interface AuditTarget {
  type: string;
  id: string | null;
  /** Whose trail the event belongs to (the entity's organization). */
  organizationId: string | null;
}

const MASK = '***';

/**
 * The fields that changed between two snapshots, old and new values; fields listed in
 * `masked` (passwords, the sensitive section) are recorded as changed but never their values.
 */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown>, masked: readonly string[] = []): Changes {
  const out: Changes = {};
  for (const key of new Set([...Object.keys(before ?? {}), ...Object.keys(after)])) {
    const a = before?.[key];
    const b = after[key];
    if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) continue; // absent and null are the same
    out[key] = masked.includes(key) ? { old: a === undefined ? undefined : MASK, new: b === undefined ? undefined : MASK } : { old: a ?? null, new: b ?? null };
  }
  return out;
}

/**
 * Writes audit events in the caller's transaction (DESIGN §7): the change and its event commit
 * or roll back together. Outside a transaction (denials, failed logins) pass `db.manager`.
 * An event about a case (a Case, or anything whose details name its `caseId`) has its personal
 * values sealed under that case's data key (AuditPrivacy says which; issue 11): the chain covers
 * the ciphertext, and anonymization erases them by destroying the key.
 */
@Injectable()
export class AuditWriter {
  constructor(
    private readonly clock: Clock,
    private readonly db: DataSource,
    private readonly keys: SubjectKeys,
    private readonly privacy: AuditPrivacy,
  ) {}

  async record(
    em: EntityManager | null,
    actor: Actor | null,
    action: string,
    target: AuditTarget,
    extra: { changes?: Changes | null; details?: Record<string, unknown> | null; requestId?: string; ip?: string } = {},
  ): Promise<void> {
    const manager = em ?? this.db.manager;
    const subject = subjectOf(target, extra.details);
    const { changes, details } = subject
      ? await sealEvent(manager, this.keys, this.privacy, subject, target.type, extra.changes, extra.details)
      : { changes: extra.changes ?? null, details: extra.details ?? null };
    await manager.query(
      `INSERT INTO audit_events (id, txid, at, organization_id, actor_user_id, actor_organization_id, action, entity_type, entity_id, changes, details, request_id, ip)
       VALUES (gen_random_uuid(), pg_current_xact_id()::text::bigint, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        this.clock.now(),
        target.organizationId,
        actor?.userId ?? null,
        actor?.organizationId ?? null,
        action,
        target.type,
        target.id,
        changes && Object.keys(changes).length ? JSON.stringify(changes) : null,
        details ? JSON.stringify(details) : null,
        extra.requestId ?? actor?.requestId ?? null,
        extra.ip ?? actor?.ip ?? null,
      ],
    );
  }
}
