import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, type Page, type PageRequest, stampedBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { CASE_SECTIONS } from '../cases/index.js';
import type { Case } from '../cases/index.js';
import type { CaseField } from '../cases/index.js';
import type { CaseView } from '../cases/index.js';
import { CaseCloseChecks } from '../cases/index.js';
import { CasesRepository, CasesService } from '../cases/index.js';
import { ConsentsService } from '../cases/index.js';
import { OrganizationsRepository } from '../organizations/index.js';
import { SitesRepository } from '../sites/index.js';
import { Referral } from './referral.entity.js';
import { assertOffers, assertSiteOffers } from './referral.rules.js';
import { nextReferralStatus, type ReferralAction, respondBy } from './referral-status.js';
import type { CompleteReferralInput, CreateReferralInput, ReferralFilter, ReferralView } from './referral.types.js';
import { ReferralsRepository } from './referrals.repository.js';
import { ServiceRecordsService } from './service-records.service.js';

/** What a referral list row shows of its case. */
const LIST_FIELDS: readonly CaseField[] = ['identity', 'vulnerabilities'];

/** What the audit trail keeps of a referral (the reasons are free text: recorded, they are the record). */
const snapshot = (r: Referral) => ({
  status: r.status,
  toOrganizationId: r.toOrganizationId,
  toSiteId: r.toSiteId,
  serviceType: r.serviceType,
  urgency: r.urgency,
  sharedSections: r.sharedSections,
  respondBy: r.respondBy.toISOString(),
  declineReason: r.declineReason,
  outcome: r.outcome,
  cancelReason: r.cancelReason,
});

/** Referrals between organizations (DESIGN §4) and the receiver's shared view of the case (§2). */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: ReferralsRepository,
    private readonly caseRepo: CasesRepository,
    private readonly cases: CasesService,
    private readonly sites: SitesRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly consents: ConsentsService,
    private readonly services: ServiceRecordsService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    closeChecks: CaseCloseChecks,
  ) {
    // A closed case has no live referral: the receiver would keep a shared view of a case that
    // no one works on any more, and a pending one would stay unanswerable (409 CASE_NOT_CLOSABLE).
    closeChecks.register(async (em, caseId) => {
      const n = await repo.countLive(em, caseId);
      return n ? `${n} referral${n > 1 ? 's are' : ' is'} still pending or accepted: complete, decline or cancel ${n > 1 ? 'them' : 'it'} first` : null;
    });
  }

  /** Who may refer: referral.rules.ts. */
  create(actor: Actor, caseId: string, input: CreateReferralInput): Promise<ReferralView> {
    return this.db.transaction(async (em) => {
      const c = await this.caseRepo.lockVisible(em, actor, caseId); // 404
      assertCan(actor, 'update', 'Case', c); // 403: a shared view is not the sender's
      assertCan(actor, 'create', 'Referral');
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to refer the migrant');
      const to = await this.organizations.findById(em, input.toOrganizationId);
      if (!to || !to.active) throw validationFailed([{ field: 'toOrganizationId', message: 'must be an active organization' }]);
      if (to.id === c.owningOrganizationId) throw validationFailed([{ field: 'toOrganizationId', message: 'must be another organization than the case’s' }]);
      assertOffers(to, input.serviceType);
      if (input.toSiteId) {
        const site = await this.sites.findById(em, input.toSiteId);
        if (!site || !site.active || site.organizationId !== to.id) throw validationFailed([{ field: 'toSiteId', message: 'must be an active site of the receiving organization' }]);
        assertSiteOffers(site, input.serviceType);
      }
      if (!(await this.consents.activeFor(em, c.id, 'referral', to.id))) {
        throw new DomainError('CONSENT_REQUIRED', `No active referral consent covers ${to.code}: record one with the migrant first`);
      }
      const now = this.clock.now();
      const requested = new Set(['identity', ...(input.sharedSections ?? [])]);
      const referral = em.create(Referral, {
        caseId: c.id,
        owningOrganizationId: c.owningOrganizationId,
        fromOrganizationId: c.owningOrganizationId,
        toOrganizationId: to.id,
        toSiteId: input.toSiteId ?? null,
        serviceType: input.serviceType,
        urgency: input.urgency,
        reason: input.reason,
        sharedSections: CASE_SECTIONS.filter((s) => requested.has(s)),
        status: 'pending',
        respondBy: respondBy(now, input.urgency),
        createdAt: now,
        updatedAt: now,
        ...stampedBy(actor),
      });
      await this.repo.insert(em, referral);
      await this.audit.record(em, actor, 'referral.created', this.target(referral), { changes: diff(null, snapshot(referral)), details: { caseId: c.id } });
      return { referral: await this.repo.reload(em, actor, referral.id), case: await this.view(em, actor, referral, c) };
    });
  }

  accept(actor: Actor, id: string): Promise<ReferralView> {
    return this.act(actor, id, 'accept', (r, now) => Object.assign(r, { respondedAt: now, respondedBy: actor.userId }));
  }

  decline(actor: Actor, id: string, reason: string): Promise<ReferralView> {
    return this.act(actor, id, 'decline', (r, now) => Object.assign(r, { respondedAt: now, respondedBy: actor.userId, declineReason: reason }));
  }

  cancel(actor: Actor, id: string, reason: string): Promise<ReferralView> {
    return this.act(actor, id, 'cancel', (r, now) => Object.assign(r, { cancelledAt: now, cancelledBy: actor.userId, cancelReason: reason }));
  }

  /** Completion records the outcome and the services delivered, in the same transaction. */
  complete(actor: Actor, id: string, input: CompleteReferralInput): Promise<ReferralView> {
    return this.act(actor, id, 'complete', async (r, now, em) => {
      Object.assign(r, { completedAt: now, completedBy: actor.userId, outcome: input.outcome });
      for (const s of input.servicesProvided ?? []) await this.services.recordUnder(em, actor, r, s);
    });
  }

  async get(actor: Actor, id: string): Promise<ReferralView> {
    const referral = await this.repo.findVisible(this.db.manager, actor, id);
    const view = await this.view(this.db.manager, actor, referral);
    if (view) await this.audit.record(null, actor, 'case.viewed', this.cases.target(view.case), { details: { via: 'referral', referralId: referral.id } });
    const services = await this.services.listForReferral(this.db.manager, actor, id);
    return { referral, case: view, services };
  }

  async list(actor: Actor, filter: ReferralFilter, page: PageRequest): Promise<Page<ReferralView>> {
    const found = await this.repo.list(this.db.manager, actor, filter, this.clock.now(), page);
    // One query for the page's cases, scoped like every case read; rows show identity and flags only.
    const cases = await this.repo.visibleCases(this.db.manager, actor, [...new Set(found.items.map((r) => r.caseId))]);
    const byId = new Map(cases.map((c) => [c.id, c]));
    return {
      nextCursor: found.nextCursor,
      items: found.items.map((r) => {
        const c = byId.get(r.caseId);
        // The rows show identity and vulnerabilities only: only those two are checked (issue 12:
        // every section of 50 cases was CASL's 15 % of the incoming list's CPU).
        const view = c && this.sharedBy(actor, r, c, LIST_FIELDS);
        return { referral: r, case: view ?? null };
      }),
    };
  }

  /** The referrals of one case (404 when the case is hidden from the actor and none of its referrals is theirs). */
  async listForCase(actor: Actor, caseId: string, page: PageRequest): Promise<Page<ReferralView>> {
    const result = await this.list(actor, { caseId }, page);
    if (!result.items.length && !page.cursor && !(await this.repo.caseIsVisible(this.db.manager, actor, caseId))) {
      throw new DomainError('NOT_FOUND', 'Case not found');
    }
    return result;
  }

  /**
   * Load (404) → ability (403) → transition table (409) → write → audit (CONVENTIONS §2). The
   * row lock makes two concurrent answers queue: the second sees the new status and gets 409.
   */
  private act(actor: Actor, id: string, action: ReferralAction, apply: (r: Referral, now: Date, em: EntityManager) => unknown): Promise<ReferralView> {
    return this.db.transaction(async (em) => {
      const r = await this.repo.lockVisible(em, actor, id);
      assertCan(actor, action, 'Referral', r);
      const before = snapshot(r);
      const now = this.clock.now();
      r.status = nextReferralStatus(r.status, action);
      await apply(r, now, em);
      await this.repo.persist(em, r, now, actor.userId);
      await this.audit.record(em, actor, `referral.${r.status}`, this.target(r), { changes: diff(before, snapshot(r)), details: { caseId: r.caseId } });
      const referral = await this.repo.reload(em, actor, r.id);
      return { referral, case: await this.view(em, actor, referral) };
    });
  }

  /** The referral's view of the case with the sections the actor may read (sensitive decrypted only then). */
  private async view(em: EntityManager, actor: Actor, r: Referral, loaded?: Case): Promise<CaseView | null> {
    const c = loaded ?? (await this.repo.findVisibleCase(em, actor, r.caseId));
    const shared = c && this.sharedBy(actor, r, c);
    if (!shared) return null;
    return shared.fields.includes('sensitive') ? { ...(await this.cases.view(actor, c, em)), fields: shared.fields } : shared;
  }

  /**
   * The owning side sees what the referral shares of a case it may read; the receiver sees it
   * only while this referral is live (pending or accepted, consent active), else null.
   */
  private sharedBy(actor: Actor, r: Referral, c: Case, among?: readonly CaseField[]): CaseView | null {
    if (actor.organizationId !== r.owningOrganizationId && !r.live) return null;
    const fields = this.cases.fieldsOf(actor, c, among).filter((f) => f === 'identity' || (r.sharedSections as string[]).includes(f));
    return { case: c, fields };
  }

  private target(r: Referral) {
    return { type: 'Referral', id: r.id, organizationId: r.owningOrganizationId };
  }
}
