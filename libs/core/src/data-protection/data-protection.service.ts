import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, APP_CONFIG, type AppConfig, assertCan, Clock, CursorCodec, DomainError, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { systemActor } from '@passerelle/common';
import { contractEntityType } from '../audit/index.js';
import { openEvents } from '../audit/index.js';
import { AuditWriter } from '../audit/index.js';
import { SubjectKeys } from '../audit/index.js';
import type { Case } from '../cases/index.js';
import { caseIdentity, CasesService } from '../cases/index.js';
import { JobRegistry } from '../jobs/index.js';
import { AnonymizationRequest } from './anonymization-request.entity.js';
import { nextAnonymizationRequestStatus } from './anonymization-status.js';
import { ANONYMIZATION_REQUEST_FIELDS } from './data-protection.rules.js';
import { SubjectDataRegistry } from './subject-data.registry.js';

export const RETENTION_JOB = 'cases.retention';
const DAY = 86_400_000;
/** Cases anonymized per transaction: the locks and the transaction stay short, a crash loses one batch's work at most. */
export const RETENTION_BATCH = 500;
/** The case_id tables this service anonymizes itself (the case record); features claim theirs. */
const CORE_TABLES = ['cases', 'case_notes', 'consents', 'screenings', 'anonymization_requests', 'subject_keys'];

export type AnonymizationTrigger = 'retention' | 'request';

export interface AnonymizationRequestFilter {
  status?: string;
}

/** One audit event of a case, opened: personal values in clear while the key exists, "[erased]" after. */
export interface ExportedEvent {
  seq: number;
  at: string;
  action: string;
  entityType: string;
  entityId: string | null;
  actorUserId: string | null;
  actorName: string | null;
  actorOrganizationCode: string | null;
  changes: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
}

export interface SubjectAccessExport {
  exportedAt: string;
  exportedBy: string | null;
  case: Record<string, unknown>;
  notes: unknown[];
  consents: unknown[];
  screenings: unknown[];
  household: { householdId: string | null; memberCaseNumbers: string[] };
  /** One section per registered feature (referrals, stays, letters; returns, reintegration when they land). */
  sections: Record<string, unknown>;
  /** Who read the record, when: every read of it (views, PDFs, checks, exports). */
  readLog: ExportedEvent[];
  /** Everything recorded about the case, reads included. */
  auditTrail: ExportedEvent[];
}

/**
 * Data protection (issue 11, DESIGN §7): subject-access export, retention and anonymization.
 *
 * Anonymization of a batch of locked cases, in one transaction: every registered feature's hook
 * (referrals, stays, letters, … — SubjectDataRegistry), then the case record itself (names,
 * contact, documents, free text, sensitive section, date of birth → gone; birth year, sex,
 * nationality, site, dates, codes kept), its notes, free text of consents and requests, stored
 * idempotent responses naming it, and last its audit data key (crypto-shredding). `anonymized_at`
 * is set in the same transaction: all of it happens exactly once or not at all.
 */
@Injectable()
export class DataProtectionService implements OnModuleInit {
  private readonly logger = new Logger('DataProtection');

  constructor(
    private readonly db: DataSource,
    private readonly registry: SubjectDataRegistry,
    private readonly cases: CasesService,
    private readonly audit: AuditWriter,
    private readonly keys: SubjectKeys,
    private readonly cursors: CursorCodec,
    private readonly clock: Clock,
    private readonly jobs: JobRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // Daily, at night (UTC): the closed cases past RETENTION_DAYS, then the name vocabulary.
    this.jobs.register({ name: RETENTION_JOB, cron: '30 2 * * *', run: async () => void (await this.runRetention()) });
  }

  /**
   * Anonymizes every closed case whose closure is older than RETENTION_DAYS, in batches of
   * RETENTION_BATCH, each in its own transaction (FOR UPDATE SKIP LOCKED: concurrent runs share
   * the work, a case is done once). Resumable: a run that dies loses its open batch only, which
   * the next run takes again. Returns how many cases it anonymized.
   */
  async runRetention(now: Date = this.clock.now(), batch = RETENTION_BATCH): Promise<number> {
    await this.assertEveryTableClaimed();
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY);
    let total = 0;
    for (;;) {
      const done = await this.db.transaction(async (em) => {
        const rows: { id: string }[] = await em.query(
          `SELECT id FROM cases WHERE status = 'closed' AND anonymized_at IS NULL AND closed_at < $1
           ORDER BY closed_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [cutoff, batch],
        );
        await this.anonymizeLocked(em, rows.map((r) => r.id), 'retention', systemActor(), now);
        return rows.length;
      });
      total += done;
      if (done < batch) break;
    }
    // Tokens of the names just removed, and any a rename left behind: none may outlive its last case.
    await this.pruneNameVocabulary();
    if (total) this.logger.log(`anonymized ${total} case(s) closed before ${cutoff.toISOString()}`);
    return total;
  }

  /** A manager asks to anonymize a closed case before its retention period ends (maker). */
  requestAnonymization(actor: Actor, caseId: string): Promise<AnonymizationRequest> {
    return this.db.transaction(async (em) => {
      const c = await this.cases.getVisible(em, actor, caseId, true); // 404
      assertCan(actor, 'create', 'AnonymizationRequest', { owningOrganizationId: c.owningOrganizationId }); // 403
      if (c.anonymizedAt) throw new DomainError('CASE_ANONYMIZED', 'The case is already anonymized');
      if (c.status !== 'closed') throw new DomainError('CONFLICT', 'Only a closed case may be anonymized early: close it first');
      if (await em.existsBy(AnonymizationRequest, { caseId: c.id, status: 'pending' })) {
        throw new DomainError('CONFLICT', 'An anonymization request for this case is already pending');
      }
      const r = em.create(AnonymizationRequest, {
        caseId: c.id,
        owningOrganizationId: c.owningOrganizationId,
        status: 'pending',
        requestedBy: actor.userId!,
        requestedAt: this.clock.now(),
        decidedBy: null,
        decidedAt: null,
        decisionReason: null,
      });
      await em.insert(AnonymizationRequest, r);
      await this.audit.record(em, actor, 'anonymization.requested', this.target(r), { changes: { status: { new: 'pending' } }, details: { caseId: c.id } });
      return r;
    });
  }

  /**
   * A second manager approves (checker): the case is anonymized in the same transaction, so the
   * approval and its effect commit together and the approver sees the result at once.
   */
  async approve(actor: Actor, id: string): Promise<AnonymizationRequest> {
    let words: string[] = [];
    const r = await this.db.transaction(async (em) => {
      const r = await this.decide(em, actor, id, 'approve');
      // The case row is locked (decide) as the retention job locks it: one of the two anonymizes.
      const [c] = await em.query('SELECT status, anonymized_at FROM cases WHERE id = $1', [r.caseId]);
      if (!c.anonymized_at) {
        if (c.status !== 'closed') throw new DomainError('CONFLICT', 'The case was reopened since the request: it may not be anonymized now');
        await this.assertEveryTableClaimed(em);
        words = await this.anonymizeLocked(em, [r.caseId], 'request', actor, this.clock.now(), r.id);
      }
      await em.update(AnonymizationRequest, { id: r.id }, { status: r.status, decidedBy: r.decidedBy, decidedAt: r.decidedAt });
      await this.audit.record(em, actor, 'anonymization.approved', this.target(r), { changes: { status: { old: 'pending', new: 'approved' } }, details: { caseId: r.caseId } });
      return r;
    });
    await this.pruneNameVocabulary(words).catch((e: Error) => this.logger.warn(`name vocabulary not pruned now (the retention job will): ${e.message}`));
    return r;
  }

  reject(actor: Actor, id: string, reason: string | null): Promise<AnonymizationRequest> {
    return this.db.transaction(async (em) => {
      const r = await this.decide(em, actor, id, 'reject');
      r.decisionReason = reason;
      await em.update(AnonymizationRequest, { id: r.id }, { status: r.status, decidedBy: r.decidedBy, decidedAt: r.decidedAt, decisionReason: reason });
      await this.audit.record(em, actor, 'anonymization.rejected', this.target(r), {
        changes: { status: { old: 'pending', new: 'rejected' } },
        details: { caseId: r.caseId, ...(reason ? { reason } : {}) },
      });
      return r;
    });
  }

  list(actor: Actor, filter: AnonymizationRequestFilter, page: PageRequest): Promise<Page<AnonymizationRequest>> {
    const qb = this.visibleRequests(this.db.manager, actor);
    if (filter.status) qb.andWhere('ar.status = :status', { status: filter.status });
    return paginate<AnonymizationRequest>(
      qb,
      page,
      {
        list: 'anonymization-requests',
        columns: [
          { expr: 'ar.requested_at', cast: 'timestamptz' },
          { expr: 'ar.id', cast: 'uuid' },
        ],
        direction: 'DESC',
        keyOf: (r) => [r.requestedAt.toISOString(), r.id],
      },
      this.cursors,
    );
  }

  /**
   * The subject-access export (DESIGN §7): everything held about the person, sensitive section
   * decrypted, every feature's section, and every audit event of the case (who read or changed it,
   * when), opened. One consistent snapshot; audited as `case.exported` in it, so the export lists itself.
   */
  export(actor: Actor, caseId: string): Promise<SubjectAccessExport> {
    return this.db.transaction('REPEATABLE READ', async (em) => {
      const c = await this.cases.getVisible(em, actor, caseId); // 404
      assertCan(actor, 'export', 'Case', c); // 403
      const now = this.clock.now();
      await this.audit.record(em, actor, 'case.exported', this.cases.target(c));
      const view = await this.cases.view(actor, c, em);
      const sections: Record<string, unknown> = {};
      for (const h of this.registry.list()) if (h.export) sections[h.name] = await h.export(em, c.id);
      const trail = await this.trailOf(em, c.id);
      return {
        exportedAt: now.toISOString(),
        exportedBy: actor.userId,
        case: this.caseSection(c, view.sensitive ?? null),
        notes: await em.query(`SELECT id, text, author_id AS "authorId", created_at AS "createdAt" FROM case_notes WHERE case_id = $1 ORDER BY created_at, id`, [c.id]),
        consents: await em.query(
          `SELECT id, purpose, basis, method, organization_ids AS "organizationIds", notes, recorded_by AS "recordedBy", recorded_at AS "recordedAt",
                  withdrawn_at AS "withdrawnAt", withdrawn_by AS "withdrawnBy", withdrawal_reason AS "withdrawalReason"
           FROM consents WHERE case_id = $1 ORDER BY recorded_at, id`,
          [c.id],
        ),
        screenings: await em.query(
          `SELECT id, wishes_to_return AS "wishesToReturn", country_of_return AS "countryOfReturn", nationality_confirmed AS "nationalityConfirmed",
                  asylum_seeker_or_refugee AS "asylumSeekerOrRefugee", travel_document AS "travelDocument",
                  best_interests_determination_done AS "bestInterestsDeterminationDone", fit_to_travel AS "fitToTravel", outcome, reasons,
                  screened_by AS "screenedBy", screened_at AS "screenedAt"
           FROM screenings WHERE case_id = $1 ORDER BY screened_at, id`,
          [c.id],
        ),
        // The other members are other persons: their case numbers, not their data.
        household: {
          householdId: c.householdId,
          memberCaseNumbers: c.householdId
            ? (await em.query('SELECT case_number FROM cases WHERE household_id = $1 AND id <> $2 ORDER BY case_number', [c.householdId, c.id])).map((r: { case_number: string }) => r.case_number)
            : [],
        },
        sections,
        readLog: trail.filter((e) => /\.(viewed|pdf_viewed|exported|verified)$/.test(e.action)),
        auditTrail: trail,
      };
    });
  }

  /**
   * Deletes the name vocabulary's words no case holds any more (issue 11: a removed name leaves
   * nothing behind). A registration committing meanwhile may need a word deleted here, having
   * found it present (its trigger inserts a word only when absent): once every transaction of
   * this database that was open at the deletion has ended, the words deleted are put back for
   * the cases that hold them.
   */
  async pruneNameVocabulary(only?: readonly string[]): Promise<number> {
    if (only && !only.length) return 0;
    const { deleted, horizon } = await this.db.transaction(async (em) => {
      await em.query(`SET LOCAL statement_timeout = '10min'`);
      // All of them (the daily run: also what a crash or a rename left), or the given words.
      // A DELETE … RETURNING answers [rows, count].
      const [rows]: [{ token: string }[], number] = await em.query(
        `DELETE FROM name_vocabulary v WHERE ($1::text[] IS NULL OR v.token = ANY($1::text[]))
         AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.name_keys @> ARRAY[v.token]) RETURNING v.token`,
        [only ?? null],
      );
      const [{ open }] = await em.query(
        `SELECT COALESCE(array_agg(pid || ':' || backend_xid), '{}') AS open FROM pg_stat_activity
         WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
      );
      return { deleted: rows.map((r) => r.token), horizon: open as string[] };
    });
    if (!deleted.length) return 0;
    // Registrations are short; a transaction open for longer than 30 s is not one.
    for (let i = 0; horizon.length && i < 600; i++) {
      const [{ n }] = await this.db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND (pid || ':' || backend_xid) = ANY($1::text[])`,
        [horizon],
      );
      if (!n) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.db.query(
      `INSERT INTO name_vocabulary (token, dmetaphone, dmetaphone_alt)
       SELECT DISTINCT t, dmetaphone(t), dmetaphone_alt(t) FROM cases c CROSS JOIN LATERAL unnest(c.name_keys) t
       WHERE c.name_keys && $1::text[] AND t = ANY($1::text[])
       ON CONFLICT (token) DO NOTHING`,
      [deleted],
    );
    return deleted.length;
  }

  /**
   * Refuses to anonymize while a table with a case_id column is claimed by no registered handler:
   * a feature that holds data about people and did not register (or a process that did not load
   * it) would otherwise keep that data silently.
   */
  async assertEveryTableClaimed(em: EntityManager = this.db.manager): Promise<void> {
    const rows: { table_name: string }[] = await em.query(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = current_schema() AND c.column_name = 'case_id'`,
    );
    const claimed = new Set([...CORE_TABLES, ...this.registry.claimedTables()]);
    const unclaimed = rows.map((r) => r.table_name).filter((t) => !claimed.has(t)).sort();
    if (unclaimed.length) throw new Error(`anonymization refused: no subject data handler claims ${unclaimed.join(', ')} (register one, see SubjectDataRegistry)`);
  }

  /** The cases' rows are locked by the caller; cases already anonymized are skipped. Returns the words their names had. */
  private async anonymizeLocked(em: EntityManager, caseIds: string[], trigger: AnonymizationTrigger, actor: Actor, now: Date, requestId?: string): Promise<string[]> {
    if (!caseIds.length) return [];
    const words: string[] = (
      await em.query(`SELECT DISTINCT w FROM cases CROSS JOIN LATERAL unnest(string_to_array(search_name, ' ')) w WHERE id = ANY($1::uuid[]) AND anonymized_at IS NULL AND w <> ''`, [caseIds])
    ).map((r: { w: string }) => r.w);
    for (const h of this.registry.list()) await h.anonymize(em, caseIds);
    // An UPDATE … RETURNING answers [rows, count].
    const [done]: [{ id: string; owning_organization_id: string }[], number] = await em.query(
      `UPDATE cases SET
         given_name = '', family_name = '', other_names = '{}', date_of_birth = NULL, languages = '{}',
         contact = '{}', documents = '[]', household_id = NULL, sensitive_ciphertext = NULL, sensitive_key_id = NULL,
         journey = jsonb_strip_nulls(jsonb_build_object(
           'countryOfOrigin', journey -> 'countryOfOrigin', 'intendedDestination', journey -> 'intendedDestination',
           'reasonsForMigration', journey -> 'reasonsForMigration', 'travellingWith', journey -> 'travellingWith',
           'educationLevel', journey -> 'educationLevel')),
         household = jsonb_strip_nulls(jsonb_build_object('size', household -> 'size')),
         anonymized_at = $2, updated_at = $2, updated_by = $3, version = version + 1
       WHERE id = ANY($1::uuid[]) AND anonymized_at IS NULL
       RETURNING id, owning_organization_id`,
      [caseIds, now, actor.userId],
    );
    const ids = done.map((r) => r.id);
    if (!ids.length) return [];
    await em.query('DELETE FROM case_notes WHERE case_id = ANY($1::uuid[])', [ids]);
    await em.query('UPDATE consents SET notes = NULL, withdrawal_reason = NULL WHERE case_id = ANY($1::uuid[]) AND (notes IS NOT NULL OR withdrawal_reason IS NOT NULL)', [ids]);
    await em.query('UPDATE anonymization_requests SET decision_reason = NULL WHERE case_id = ANY($1::uuid[]) AND decision_reason IS NOT NULL', [ids]);
    // Stored idempotent responses (24 h) that name the case: a replay would hand its data back.
    await em.query(
      `DELETE FROM idempotency_keys k WHERE k.response_body IS NOT NULL
       AND EXISTS (SELECT 1 FROM unnest($1::text[]) id WHERE strpos(k.response_body::text, id) > 0)`,
      [ids],
    );
    // Last, crypto-shredding: the trail's personal values of these cases read "[erased]" from now on.
    await this.keys.destroy(em, ids);
    for (const r of done) {
      await this.audit.record(em, actor, 'case.anonymized', { type: 'Case', id: r.id, organizationId: r.owning_organization_id }, {
        changes: { anonymizedAt: { old: null, new: now.toISOString() } },
        details: { trigger, ...(requestId ? { anonymizationRequestId: requestId } : {}) },
      });
    }
    return words;
  }

  /**
   * Request (404) → role (403) → never the requester (403) → pending (409). The case row is
   * locked before the request's, in the order the retention job takes them: no deadlock.
   */
  private async decide(em: EntityManager, actor: Actor, id: string, action: 'approve' | 'reject'): Promise<AnonymizationRequest> {
    const seen = await this.visibleRequests(em, actor).andWhere('ar.id = :id', { id }).getOne();
    if (!seen) throw new DomainError('NOT_FOUND', 'Anonymization request not found');
    await em.query('SELECT 1 FROM cases WHERE id = $1 FOR UPDATE', [seen.caseId]);
    const r = await this.visibleRequests(em, actor).andWhere('ar.id = :id', { id }).setLock('pessimistic_write').getOneOrFail();
    assertCan(actor, action, 'AnonymizationRequest', r);
    if (r.requestedBy === actor.userId) throw new DomainError('SELF_APPROVAL_FORBIDDEN', `You requested this anonymization: another manager must ${action} it`);
    r.status = nextAnonymizationRequestStatus(r.status, action);
    r.decidedBy = actor.userId;
    r.decidedAt = this.clock.now();
    return r;
  }

  private visibleRequests(em: EntityManager, actor: Actor): SelectQueryBuilder<AnonymizationRequest> {
    return readableBy(em, actor, AnonymizationRequest, 'AnonymizationRequest', 'ar', ANONYMIZATION_REQUEST_FIELDS);
  }

  private async trailOf(em: EntityManager, caseId: string): Promise<ExportedEvent[]> {
    const rows: (Omit<ExportedEvent, 'seq' | 'at'> & { seq: string; at: Date })[] = await em.query(
      `SELECT e.seq, e.at, e.action, e.entity_type AS "entityType", e.entity_id AS "entityId", e.actor_user_id AS "actorUserId",
              u.display_name AS "actorName", o.code AS "actorOrganizationCode", e.changes, e.details
       FROM audit_events e
       LEFT JOIN users u ON u.id = e.actor_user_id
       LEFT JOIN organizations o ON o.id = e.actor_organization_id
       WHERE (e.entity_type = 'Case' AND e.entity_id = $1) OR (e.details ? 'caseId' AND e.details ->> 'caseId' = $1)
       ORDER BY e.seq`,
      [caseId],
    );
    await openEvents(em, this.keys, rows);
    return rows.map((e) => ({ ...e, seq: Number(e.seq), at: new Date(e.at).toISOString(), entityType: contractEntityType(e.entityType) }));
  }

  private caseSection(c: Case, sensitive: unknown): Record<string, unknown> {
    return {
      id: c.id,
      caseNumber: c.caseNumber,
      status: c.status,
      closureReason: c.closureReason,
      closedAt: c.closedAt?.toISOString() ?? null,
      anonymizedAt: c.anonymizedAt?.toISOString() ?? null,
      owningOrganizationId: c.owningOrganizationId,
      siteId: c.siteId,
      assignedTo: c.assignedTo,
      registeredAt: c.registeredAt.toISOString(),
      identity: caseIdentity(c),
      contact: c.contact,
      documents: c.documents,
      journey: c.journey,
      vulnerabilities: c.vulnerabilities,
      household: c.household,
      sensitive,
    };
  }

  private target(r: AnonymizationRequest) {
    return { type: 'AnonymizationRequest', id: r.id, organizationId: r.owningOrganizationId };
  }
}
