import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One audited action. Append-only: the database refuses UPDATE, DELETE and TRUNCATE (trigger
 * audit_events_append_only). Hash chaining lives in audit_seals, also append-only, so that no
 * row here is ever touched after insert (DESIGN §7).
 */
@Entity('audit_events')
@Index('audit_events_org_at_idx', ['organizationId', 'at'])
@Index('audit_events_entity_idx', ['entityType', 'entityId'])
@Index('audit_events_seq_key', ['seq'], { unique: true })
// Events of a case's referrals and services name it in details (migration 1795432711912).
@Index('audit_events_case_id_idx', { synchronize: false })
export class AuditEvent {
  @PrimaryColumn('uuid') id: string;
  /** Insertion order; bigserial. */
  @Column('bigint', { generated: 'increment' }) seq: string;
  /** Writing transaction id (pg_current_xact_id()): tells which events one transaction wrote. */
  @Column('bigint', { select: false }) txid: string;
  @Column('timestamptz') at: Date;
  /** The organization whose trail this belongs to (the entity's owner); null for unknown-account logins. */
  @Column('uuid', { nullable: true }) organizationId: string | null;
  @Column('uuid', { nullable: true }) actorUserId: string | null;
  @Column('uuid', { nullable: true }) actorOrganizationId: string | null;
  @Column('text') action: string;
  @Column('text') entityType: string;
  @Column('text', { nullable: true }) entityId: string | null;
  @Column('jsonb', { nullable: true }) changes: Record<string, { old?: unknown; new?: unknown }> | null;
  @Column('jsonb', { nullable: true }) details: Record<string, unknown> | null;
  @Column('text', { nullable: true }) requestId: string | null;
  @Column('text', { nullable: true }) ip: string | null;
}

@Entity('audit_seals')
@Index('audit_seals_chain_position_key', ['chain', 'position'], { unique: true })
export class AuditSeal {
  @PrimaryColumn('uuid') eventId: string;
  /** Organization id, or 'none' for events without one. */
  @Column('text') chain: string;
  @Column('bigint') position: string;
  @Column('text') prevHash: string;
  @Column('text') hash: string;
  @Column('timestamptz') sealedAt: Date;
}
