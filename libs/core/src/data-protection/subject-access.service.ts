import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock } from '@passerelle/common';
import { AuditWriter, contractEntityType, openEvents, SubjectKeys } from '../audit/index.js';
import { type Case, caseIdentity, CasesRepository, CasesService } from '../cases/index.js';
import { SubjectAccessRepository } from './subject-access.repository.js';
import { SubjectDataRegistry } from './subject-data.registry.js';

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

/** The subject-access export (issue 11, DESIGN §7); who may export: data-protection.rules.ts. */
@Injectable()
export class SubjectAccessService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: SubjectAccessRepository,
    private readonly registry: SubjectDataRegistry,
    private readonly caseRepo: CasesRepository,
    private readonly cases: CasesService,
    private readonly audit: AuditWriter,
    private readonly keys: SubjectKeys,
    private readonly clock: Clock,
  ) {}

  /**
   * Everything held about the person, sensitive section decrypted, every feature's section, and
   * every audit event of the case (who read or changed it, when), opened. One consistent snapshot;
   * audited as `case.exported` in it, so the export lists itself.
   */
  export(actor: Actor, caseId: string): Promise<SubjectAccessExport> {
    return this.db.transaction('REPEATABLE READ', async (em) => {
      const c = await this.caseRepo.findVisible(em, actor, caseId); // 404
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
        notes: await this.repo.notes(em, c.id),
        consents: await this.repo.consents(em, c.id),
        screenings: await this.repo.screenings(em, c.id),
        // The other members are other persons: their case numbers, not their data.
        household: {
          householdId: c.householdId,
          memberCaseNumbers: c.householdId ? await this.repo.householdCaseNumbers(em, c.householdId, c.id) : [],
        },
        sections,
        readLog: trail.filter((e) => /\.(viewed|pdf_viewed|exported|verified)$/.test(e.action)),
        auditTrail: trail,
      };
    });
  }

  private async trailOf(em: EntityManager, caseId: string): Promise<ExportedEvent[]> {
    const rows = await this.repo.trail(em, caseId);
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
}
