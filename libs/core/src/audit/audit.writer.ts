import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, Clock } from '@passerelle/common';
import { AuditPrivacy, sealEvent, subjectOf } from './audit-personal.js';
import { AuditEventsRepository, type AuditRow } from './audit-events.repository.js';
import { SubjectKeys } from './subject-keys.js';

export type Changes = Record<string, { old?: unknown; new?: unknown }>;

export interface AuditTarget {
  /** One of STORED_ENTITY_TYPES (entity-types.ts): the audit filter and its answers know only those. */
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

/** The events of one statement of the group writer, at most. */
const MAX_GROUP = 500;

interface Queued {
  row: AuditRow;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Writes audit events in the caller's transaction (DESIGN §7): the change and its event commit
 * or roll back together. Outside a transaction (reads of a person's record, denials, failed
 * logins) pass `null`: the event goes through the group writer below.
 * An event about a case (a Case, or anything whose details name its `caseId`) has its personal
 * values sealed under that case's data key (AuditPrivacy says which; issue 11): the chain covers
 * the ciphertext, and anonymization erases them by destroying the key.
 *
 * The group writer (issue 12): events written outside a transaction are queued, and one
 * statement at a time inserts everything queued so far — events that arrive while a statement
 * is in flight go together in the next one. Each caller still waits until its own event is
 * committed, so a read is never answered before its audit event is durable (nothing is lost on
 * any shutdown, clean or not), but 32 concurrent reads cost a few INSERT round trips and WAL
 * flushes instead of 32. At low load an event is written at once, alone: no added latency. A
 * statement that fails is retried event by event, so one event's failure is its caller's only.
 */
@Injectable()
export class AuditWriter {
  private readonly queue: Queued[] = [];
  private flushing = false;

  constructor(
    private readonly clock: Clock,
    private readonly db: DataSource,
    private readonly keys: SubjectKeys,
    private readonly privacy: AuditPrivacy,
    // A default: tests build a writer of their own with the four above.
    private readonly events: AuditEventsRepository = new AuditEventsRepository(),
  ) {}

  async record(
    em: EntityManager | null,
    actor: Actor | null,
    action: string,
    target: AuditTarget,
    extra: { changes?: Changes | null; details?: Record<string, unknown> | null; requestId?: string; ip?: string } = {},
  ): Promise<void> {
    const subject = subjectOf(target, extra.details);
    const { changes, details } = subject
      ? await sealEvent(em ?? this.db.manager, this.keys, this.privacy, subject, target.type, extra.changes, extra.details)
      : { changes: extra.changes ?? null, details: extra.details ?? null };
    const row: AuditRow = [
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
    ];
    if (em) {
      await this.events.insert(em, row);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, MAX_GROUP);
        try {
          await this.insertGroup(group.map((q) => q.row));
          for (const q of group) q.resolve();
        } catch (err) {
          if (group.length === 1) group[0].reject(err);
          else await Promise.all(group.map((q) => this.insertGroup([q.row]).then(q.resolve, q.reject)));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** One statement of its own transaction for the group; rows keep their order (seq). */
  private insertGroup(rows: AuditRow[]): Promise<void> {
    return this.events.insertGroup(this.db, rows);
  }
}
