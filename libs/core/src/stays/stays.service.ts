import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, type Page, type PageRequest, stampedBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { CaseCloseChecks } from '../cases/index.js';
import type { Case } from '../cases/index.js';
import { CasesRepository } from '../cases/index.js';
import { ReferralsRepository } from '../referrals/index.js';
import { isShelter, SitesRepository, stayLengthDays } from '../sites/index.js';
import { Stay, StayExtension } from './stay.entity.js';
import { assertNotExtensionRequester } from './stay.rules.js';
import { addDays, EXTENSION_DAYS, type ExtensionAction, nextExtensionStatus, nextStayStatus } from './stay-status.js';
import type { CheckInInput, Occupancy, RequestExtensionInput, StayFilter, StayView } from './stay.types.js';
import { StayExtensionsRepository } from './stay-extensions.repository.js';
import { StaysRepository } from './stays.repository.js';

/** What the audit trail keeps of a stay: dates and places, no personal data. */
const snapshot = (s: Stay) => ({
  status: s.status,
  siteId: s.siteId,
  referralId: s.referralId,
  checkedInAt: s.checkedInAt.toISOString(),
  expectedCheckOutAt: s.expectedCheckOutAt.toISOString(),
  checkedOutAt: s.checkedOutAt?.toISOString() ?? null,
});

/** Shelter stays at the Maison du Migrant and other shelters (DESIGN §5, issue 7). */
@Injectable()
export class StaysService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly repo: StaysRepository,
    private readonly extensionsRepo: StayExtensionsRepository,
    private readonly caseRepo: CasesRepository,
    private readonly sites: SitesRepository,
    private readonly referrals: ReferralsRepository,
    private readonly closeChecks: CaseCloseChecks,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // DESIGN §3: a case with an active stay cannot be closed. Close locks the case row, as check-in does.
    this.closeChecks.register(async (em, caseId) => ((await this.repo.hasActiveStay(em, caseId)) ? 'the migrant has an active shelter stay: check them out first' : null));
  }

  /**
   * Check-in (DESIGN §5): the case (404) the actor may act on (403) → open, no active stay
   * (409) → the shelter (400, 403) → the audit event → the site row locked → a free bed (409
   * SHELTER_FULL) → insert. Under the site lock, concurrent check-ins at one shelter (and a PATCH
   * of its bedCapacity) queue, and each counts the stays committed before it: capacity is kept by
   * the database, not by luck. Everything that does not need the lock runs before it, the audit
   * event included (the transaction undoes it if the shelter is full): the lock is held for the
   * count, the insert and the commit only (issue 12: 40 check-ins at once queued behind five
   * round trips each, p95 326 ms).
   */
  checkIn(actor: Actor, input: CheckInInput): Promise<StayView> {
    return this.db.transaction(async (em) => {
      // The case row is locked: a concurrent close, or a check-in of the same case elsewhere, waits.
      const c = await this.caseRepo.lockVisible(em, actor, input.caseId);
      const referralId = await this.mayHouse(em, actor, c);
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to check the migrant in');
      if (await this.repo.hasActiveStay(em, c.id)) throw new DomainError('ACTIVE_STAY_EXISTS', 'The migrant already has an active stay: check them out of it first');
      const notAShelter = () => validationFailed([{ field: 'siteId', message: 'must be an active shelter of your organization' }]);
      const site = await this.sites.findById(em, input.siteId);
      if (!isShelter(site)) throw notAShelter();
      // Sites are public (the directory): another organization's shelter is visible, not yours to fill (403).
      assertCan(actor, 'create', 'Stay', { owningOrganizationId: site.organizationId });
      const now = this.clock.now();
      const stay = em.create(Stay, {
        id: randomUUID(),
        caseId: c.id,
        owningOrganizationId: site.organizationId,
        siteId: site.id,
        referralId,
        status: 'active',
        checkedInAt: now,
        expectedCheckOutAt: addDays(now, stayLengthDays(site)),
        checkedOutAt: null,
        checkedOutBy: null,
        createdAt: now,
        updatedAt: now,
        ...stampedBy(actor),
      });
      stay.caseNumber = c.caseNumber;
      await this.audit.record(em, actor, 'stay.checked_in', this.target(stay), { changes: diff(null, snapshot(stay)), details: { caseId: c.id } });
      // The shelter as it is now, locked: deactivated or resized since it was read, the lock's answer counts.
      const locked = await this.sites.lock(em, site.id);
      if (!isShelter(locked)) throw notAShelter();
      const occupied = await this.sites.occupiedBeds(em, site.id);
      if (occupied >= locked.bedCapacity) throw new DomainError('SHELTER_FULL', `${site.name} has no free bed`, { extra: { capacity: locked.bedCapacity, occupied } });
      await this.repo.insert(em, stay);
      return { stay, extensions: [] };
    });
  }

  /** Frees the bed; a pending extension request lapses with the stay. */
  checkOut(actor: Actor, id: string): Promise<StayView> {
    return this.db.transaction(async (em) => {
      const stay = await this.repo.lockVisible(em, actor, id);
      assertCan(actor, 'checkOut', 'Stay', stay);
      await this.end(em, actor, stay, {});
      return this.viewOf(em, actor, stay);
    });
  }

  /**
   * Issue 9: the migrant left on their return, so their active stay ends, wherever it is — also
   * at another organization's shelter, which the returning organization cannot see: this is the
   * departure's consequence, not the actor's own check-out. Runs in the departure's transaction
   * (the caller has locked the case row and checked the departure); the stay row is locked.
   */
  async checkOutForDeparture(em: EntityManager, actor: Actor, caseId: string): Promise<Stay | null> {
    const stay = await this.repo.lockActiveOfCase(em, caseId);
    if (!stay) return null;
    await this.end(em, actor, stay, { cause: 'departed' });
    return stay;
  }

  /** Checks the stay out now; its pending extension requests lapse. */
  private async end(em: EntityManager, actor: Actor, stay: Stay, details: Record<string, unknown>): Promise<void> {
    const before = snapshot(stay);
    const now = this.clock.now();
    Object.assign(stay, { status: nextStayStatus(stay.status, 'checkOut'), checkedOutAt: now, checkedOutBy: actor.userId, updatedAt: now, updatedBy: actor.userId });
    await this.repo.updateCheckedOut(em, stay);
    const lapsed = await this.extensionsRepo.pendingOfStay(em, stay.id);
    for (const x of lapsed) {
      Object.assign(x, { status: nextExtensionStatus(x.status, 'cancel'), decidedAt: now });
      await this.extensionsRepo.updateDecision(em, x, { status: x.status, decidedAt: now });
    }
    await this.audit.record(em, actor, 'stay.checked_out', this.target(stay), {
      changes: diff(before, snapshot(stay)),
      details: { caseId: stay.caseId, ...details, ...(lapsed.length ? { cancelledExtensionIds: lapsed.map((x) => x.id) } : {}) },
    });
  }

  /** DESIGN §5: the shelter's staff ask for more days (1–30) with a reason; one pending request at a time. */
  requestExtension(actor: Actor, stayId: string, input: RequestExtensionInput): Promise<StayExtension> {
    if (!Number.isInteger(input.days) || input.days < EXTENSION_DAYS.min || input.days > EXTENSION_DAYS.max) {
      throw validationFailed([{ field: 'days', message: `must be a whole number of days from ${EXTENSION_DAYS.min} to ${EXTENSION_DAYS.max}` }]);
    }
    return this.db.transaction(async (em) => {
      const stay = await this.repo.lockVisible(em, actor, stayId);
      assertCan(actor, 'create', 'StayExtension', { owningOrganizationId: stay.owningOrganizationId });
      nextStayStatus(stay.status, 'extend');
      if (await this.extensionsRepo.hasPending(em, actor, stay.id)) {
        throw new DomainError('CONFLICT', 'This stay already has a pending extension request: it must be approved or rejected first');
      }
      const now = this.clock.now();
      const x = em.create(StayExtension, {
        stayId: stay.id,
        owningOrganizationId: stay.owningOrganizationId,
        days: input.days,
        reason: input.reason,
        status: 'pending',
        requestedAt: now,
        requestedBy: actor.userId!,
        decidedAt: null,
        decidedBy: null,
        decisionReason: null,
      });
      await this.extensionsRepo.insert(em, x);
      await this.audit.record(em, actor, 'stay.extension_requested', this.target(stay), {
        changes: diff(null, { days: x.days, reason: x.reason }),
        details: { caseId: stay.caseId, extensionId: x.id },
      });
      return x;
    });
  }

  approveExtension(actor: Actor, stayId: string, extensionId: string): Promise<StayView & { extension: StayExtension }> {
    return this.decide(actor, stayId, extensionId, 'approve', null);
  }

  rejectExtension(actor: Actor, stayId: string, extensionId: string, reason: string | null): Promise<StayView & { extension: StayExtension }> {
    return this.decide(actor, stayId, extensionId, 'reject', reason);
  }

  async get(actor: Actor, id: string): Promise<StayView> {
    return this.viewOf(this.db.manager, actor, await this.repo.findVisible(this.db.manager, actor, id));
  }

  list(actor: Actor, filter: StayFilter, page: PageRequest): Promise<Page<Stay>> {
    return this.repo.list(this.db.manager, actor, filter, page);
  }

  /** The extension requests of a stay the actor may see (404 otherwise), oldest first. */
  async extensions(actor: Actor, stayId: string, page: PageRequest): Promise<Page<StayExtension>> {
    const stay = await this.repo.findVisible(this.db.manager, actor, stayId);
    return this.extensionsRepo.pageOfStay(this.db.manager, actor, stay.id, page);
  }

  /**
   * DESIGN §5: a shelter's capacity, beds occupied and free, stays ending within 24 h and
   * overdue ones, now — one query. Sites are public, their stays are not: another organization's
   * shelter is 403; a site without beds has no occupancy (404).
   */
  async occupancy(actor: Actor, siteId: string): Promise<Occupancy> {
    const site = await this.sites.findById(this.db.manager, siteId);
    if (!site) throw new DomainError('NOT_FOUND', 'Site not found');
    assertCan(actor, 'read', 'Stay', { owningOrganizationId: site.organizationId });
    if (site.kind !== 'shelter' || site.bedCapacity === null) throw new DomainError('NOT_FOUND', 'This site is not a shelter: it has no occupancy');
    const at = this.clock.now();
    const row = await this.repo.occupancy(this.db.manager, site.id, at);
    return { siteId: site.id, at, capacity: row.capacity, occupied: row.occupied, free: row.capacity - row.occupied, endingWithin24h: row.endingWithin24h, overdue: row.overdue };
  }

  /**
   * Maker-checker (DESIGN §2, §5): stay (404) → request of that stay (404) → the role (403) →
   * never the requester (403 SELF_APPROVAL_FORBIDDEN) → the tables (409) → write → audit. The
   * stay row is locked first, as check-out locks it: a decision and a check-out do not cross.
   */
  private decide(actor: Actor, stayId: string, extensionId: string, action: Exclude<ExtensionAction, 'cancel'>, reason: string | null): Promise<StayView & { extension: StayExtension }> {
    return this.db.transaction(async (em) => {
      const stay = await this.repo.lockVisible(em, actor, stayId);
      const x = await this.extensionsRepo.lockVisible(em, actor, stay.id, extensionId);
      assertCan(actor, action, 'StayExtension', x);
      assertNotExtensionRequester(actor, x, action);
      const status = nextExtensionStatus(x.status, action);
      nextStayStatus(stay.status, 'extend');
      const now = this.clock.now();
      Object.assign(x, { status, decidedAt: now, decidedBy: actor.userId, decisionReason: reason });
      await this.extensionsRepo.updateDecision(em, x, { status, decidedAt: now, decidedBy: actor.userId, decisionReason: reason });
      const before = snapshot(stay);
      if (action === 'approve') {
        Object.assign(stay, { expectedCheckOutAt: addDays(stay.expectedCheckOutAt, x.days), updatedAt: now, updatedBy: actor.userId });
        await this.repo.updateExpectedCheckOut(em, stay);
      }
      await this.audit.record(em, actor, `stay.extension_${status}`, this.target(stay), {
        changes: diff(before, snapshot(stay)),
        details: { caseId: stay.caseId, extensionId: x.id, days: x.days, ...(reason ? { reason } : {}) },
      });
      return { ...(await this.viewOf(em, actor, stay)), extension: x };
    });
  }

  /**
   * Who may house the migrant of this visible case (DESIGN §5): for their own organization's
   * case, whoever may update it; for another's, only under a `shelter` referral to their
   * organization that it accepted (a pending one shows the case, and is not yet a yes: 403).
   * Returns that referral's id.
   */
  private async mayHouse(em: EntityManager, actor: Actor, c: Case): Promise<string | null> {
    if (c.owningOrganizationId === actor.organizationId) {
      assertCan(actor, 'update', 'Case', c);
      return null;
    }
    const referral = await this.referrals.findAccepted(em, c.id, actor.organizationId!, { serviceType: 'shelter' });
    if (!referral) throw new DomainError('FORBIDDEN', 'Another organization’s case is checked in under a shelter referral to yours, once you have accepted it');
    return referral.id;
  }

  private async viewOf(em: EntityManager, actor: Actor, stay: Stay): Promise<StayView> {
    return { stay, extensions: await this.extensionsRepo.listOfStay(em, actor, stay.id) };
  }

  private target(s: Stay) {
    return { type: 'Stay', id: s.id, organizationId: s.owningOrganizationId };
  }
}
