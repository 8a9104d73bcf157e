import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, type Page, type PageRequest, staleVersion, stampedBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { type Case, CaseCloseChecks, CasesRepository, CasesService, ConsentsService, ScreeningsService } from '../cases/index.js';
import { returnSnapshot as snapshot, returnTarget as target } from './return-audit.js';
import { ReturnDeparturesService } from './return-departures.service.js';
import { Return } from './return.entity.js';
import { assertNotOwnSubmission, isReturnDecision, requireReturnCapability } from './return.rules.js';
import { nextReturnStatus, type ReturnAction } from './return-status.js';
import type { ArriveInput, CreateReturnInput, ReturnFilter, UpdateReturnInput } from './return.types.js';
import { ReturnsRepository } from './returns.repository.js';

/**
 * Voluntary returns (AVRR, DESIGN §6, issue 9): drafted for a case by its organization (which
 * holds the `return` capability), submitted once the migrant is eligible and consents, approved
 * by another manager, departed (alone or in a movement) and confirmed arrived; cancelled at any
 * time before departure. Each action locks the return row first, so concurrent actions on one
 * return serialize and the second meets the new state (409); checks of the case (consent,
 * screening, stay, letter) run under the case row lock, which consent withdrawal and case close
 * take too.
 */
@Injectable()
export class ReturnsService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly repo: ReturnsRepository,
    private readonly departures: ReturnDeparturesService,
    private readonly cases: CasesService,
    private readonly caseRepo: CasesRepository,
    private readonly consents: ConsentsService,
    private readonly screenings: ScreeningsService,
    private readonly closeChecks: CaseCloseChecks,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // DESIGN §3: a case with a return in progress cannot be closed; `returned` needs one that arrived.
    this.closeChecks.register(async (em, caseId, reason) => {
      const current = await this.repo.inProgress(em, caseId);
      if (current) return `the migrant has a return in progress (${current.status}): cancel it or see it through first`;
      if (reason === 'returned' && !(await this.repo.hasArrived(em, caseId))) return 'the reason returned needs a return whose arrival was recorded';
      return null;
    });
  }

  /** A draft (API.md "Returns"): one in progress per case (409 RETURN_IN_PROGRESS). */
  create(actor: Actor, caseId: string, input: CreateReturnInput): Promise<Return> {
    return this.db.transaction(async (em) => {
      // The case row lock queues a concurrent draft, close or consent withdrawal for this case.
      const c = await this.caseRepo.lockVisible(em, actor, caseId); // 404
      requireReturnCapability(actor); // 403
      assertCan(actor, 'create', 'Return', caseSubject(c)); // 403: a shared view, or not the actor's case to act on
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to organize a return');
      const current = await this.repo.inProgress(em, c.id);
      if (current) throw new DomainError('RETURN_IN_PROGRESS', `The case already has a return in progress (${current.status}): cancel it or see it through first`, { extra: { returnId: current.id } });
      const now = this.clock.now();
      const r = em.create(Return, {
        caseId: c.id,
        owningOrganizationId: c.owningOrganizationId,
        status: 'draft',
        destinationCountry: input.destinationCountry,
        destinationLocality: input.destinationLocality.trim(),
        mode: input.mode,
        escortRequired: input.escortRequired ?? false,
        escort: input.escort ?? null,
        pocketMoneyXof: input.pocketMoneyXof ?? null,
        travelDocument: input.travelDocument ?? null,
        legs: input.legs ?? [],
        submittedBy: null,
        submittedAt: null,
        decidedBy: null,
        decidedAt: null,
        rejectReason: null,
        cancelReason: null,
        cancelledBy: null,
        cancelledAt: null,
        departedAt: null,
        departedBy: null,
        arrivedAt: null,
        arrivalConfirmedBy: null,
        movementId: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
        ...stampedBy(actor),
      });
      checkLegs(r.legs);
      await this.repo.insert(em, r);
      await this.audit.record(em, actor, 'return.created', target(r), { changes: diff(null, snapshot(r)), details: { caseId: c.id } });
      return this.repo.findVisible(em, actor, r.id);
    });
  }

  /**
   * PATCH with If-Match: the destination, mode and pocket money while a draft (what the manager
   * approves); the travel document, legs and escort until departure.
   */
  update(actor: Actor, id: string, expectedVersion: number, patch: UpdateReturnInput): Promise<Return> {
    return this.db.transaction(async (em) => {
      const r = await this.repo.lockVisible(em, actor, id); // 404
      requireReturnCapability(actor);
      assertCan(actor, 'update', 'Return', r); // 403
      if (r.version !== expectedVersion) throw staleVersion('return', r.version); // 412
      const given = <K extends keyof UpdateReturnInput>(k: K) => patch[k] !== undefined;
      if (given('destinationCountry') || given('destinationLocality') || given('mode') || given('pocketMoneyXof')) nextReturnStatus(r.status, 'editPlan'); // 409
      if (given('travelDocument') || given('legs') || given('escort') || given('escortRequired')) nextReturnStatus(r.status, 'editTravel'); // 409
      const before = snapshot(r);
      if (patch.destinationCountry !== undefined) r.destinationCountry = patch.destinationCountry;
      if (patch.destinationLocality !== undefined) r.destinationLocality = patch.destinationLocality.trim();
      if (patch.mode !== undefined) r.mode = patch.mode;
      if (patch.pocketMoneyXof !== undefined) r.pocketMoneyXof = patch.pocketMoneyXof;
      if (patch.escortRequired !== undefined) r.escortRequired = patch.escortRequired;
      if (patch.escort !== undefined) r.escort = patch.escort;
      if (patch.travelDocument !== undefined) r.travelDocument = patch.travelDocument;
      if (patch.legs !== undefined) r.legs = patch.legs;
      checkLegs(r.legs);
      const changes = diff(before, snapshot(r));
      if (!Object.keys(changes).length) return r; // nothing changed: no new version, no event
      await this.repo.persist(em, r, actor.userId, this.clock.now(), expectedVersion);
      await this.audit.record(em, actor, 'return.updated', target(r), { changes, details: { caseId: r.caseId } });
      return r;
    });
  }

  /** DESIGN §6: the latest screening says eligible (409 NOT_ELIGIBLE) and a return consent is active (409 CONSENT_REQUIRED). */
  submit(actor: Actor, id: string, expected?: number): Promise<Return> {
    return this.act(actor, id, 'submit', expected, async (em, r, now) => {
      await this.caseRepo.lockById(em, r.caseId);
      await this.assertEligible(em, r.caseId);
      await this.assertConsent(em, r.caseId, 'submit');
      Object.assign(r, { submittedBy: actor.userId, submittedAt: now });
    });
  }

  /**
   * A manager of the owning organization who did not submit it (403 SELF_APPROVAL_FORBIDDEN).
   * The eligibility and the consent are checked again: either may have changed since the
   * submission (the migrant withdrew their consent: 409 CONSENT_REQUIRED).
   */
  approve(actor: Actor, id: string, expected?: number): Promise<Return> {
    return this.act(actor, id, 'approve', expected, async (em, r, now) => {
      await this.caseRepo.lockById(em, r.caseId);
      await this.assertEligible(em, r.caseId);
      await this.assertConsent(em, r.caseId, 'approve');
      Object.assign(r, { decidedBy: actor.userId, decidedAt: now });
    });
  }

  reject(actor: Actor, id: string, reason: string, expected?: number): Promise<Return> {
    return this.act(actor, id, 'reject', expected, async (_em, r, now) => {
      Object.assign(r, { decidedBy: actor.userId, decidedAt: now, rejectReason: reason.trim() });
    });
  }

  /** DESIGN §6: the migrant may change their mind at any time before departure; the return leaves its movement. */
  cancel(actor: Actor, id: string, reason: string, expected?: number): Promise<Return> {
    return this.act(actor, id, 'cancel', expected, async (_em, r, now) => {
      Object.assign(r, { cancelReason: reason.trim(), cancelledBy: actor.userId, cancelledAt: now, movementId: null });
    });
  }

  /**
   * Departure of one return (a return in a planned movement departs with it). Requirements,
   * consent, the stay check-out, the letter and the return itself: one transaction.
   */
  depart(actor: Actor, id: string, expected?: number): Promise<Return> {
    return this.db.transaction(async (em) => {
      const r = await this.repo.lockVisible(em, actor, id);
      requireReturnCapability(actor);
      assertCan(actor, 'depart', 'Return', r);
      nextReturnStatus(r.status, 'depart'); // 409 before anything else
      if (expected !== undefined && r.version !== expected) throw staleVersion('return', r.version);
      if (r.movementId) throw new DomainError('CONFLICT', 'This return leaves with a movement: depart the movement, or take the return out of it first', { extra: { movementId: r.movementId } });
      await this.departures.departLocked(em, actor, [r], null);
      return r;
    });
  }

  /** Arrival at destination, with the date and who confirmed it; the case may then close as `returned`. */
  arrive(actor: Actor, id: string, input: ArriveInput, expected?: number): Promise<Return> {
    return this.act(actor, id, 'arrive', expected, async (_em, r, now) => {
      const at = new Date(input.arrivedAt);
      if (r.departedAt && at < r.departedAt) throw validationFailed([{ field: 'arrivedAt', message: `must not be before the departure (${r.departedAt.toISOString()})` }]);
      if (at > now) throw validationFailed([{ field: 'arrivedAt', message: 'must not be in the future' }]);
      Object.assign(r, { arrivedAt: at, arrivalConfirmedBy: input.confirmedBy.trim() });
    });
  }

  /** One return; reading it (a person's travel document and destination) is audited. */
  async get(actor: Actor, id: string): Promise<Return> {
    const r = await this.repo.findVisible(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'return.viewed', target(r), { details: { caseId: r.caseId } });
    return r;
  }

  /** The pipeline (managers: every return of the organization; caseworkers: of the cases they work on), newest first. */
  list(actor: Actor, filter: ReturnFilter, page: PageRequest): Promise<Page<Return>> {
    return this.repo.list(this.db.manager, actor, filter, page);
  }

  /** The returns of one case: part of its record (a receiving organization's shared view: 403; hidden: 404). */
  async listForCase(actor: Actor, caseId: string, page: PageRequest): Promise<Page<Return>> {
    const c = await this.cases.getRecord(this.db.manager, actor, caseId);
    return this.repo.listForCase(this.db.manager, actor, c.id, page);
  }

  /**
   * A transition of one return: the row locked (404) → the capability and the role (403) →
   * maker-checker for decisions (403) → the table (409) → the version the client acted on, when
   * it sent one (If-Match: 412) → `apply` (its own checks, then the fields) → write → audit
   * `return.<status>`. Under the row lock, of two concurrent actions the second meets the state
   * the first left: 409 if the table refuses it; with If-Match, 412 even where it allows it (a
   * cancellation decided on the submitted return does not silently undo an approval it never saw).
   */
  private act(
    actor: Actor,
    id: string,
    action: Exclude<ReturnAction, 'editPlan' | 'editTravel' | 'join'>,
    expected: number | undefined,
    apply: (em: EntityManager, r: Return, now: Date) => Promise<void>,
  ): Promise<Return> {
    return this.db.transaction(async (em) => {
      const r = await this.repo.lockVisible(em, actor, id);
      requireReturnCapability(actor);
      assertCan(actor, action, 'Return', r);
      if (isReturnDecision(action)) assertNotOwnSubmission(actor, r, action);
      const before = snapshot(r);
      const status = nextReturnStatus(r.status, action);
      if (expected !== undefined && r.version !== expected) throw staleVersion('return', r.version);
      const now = this.clock.now();
      await apply(em, r, now);
      const version = r.version;
      const left = r.movementId === null && before.movementId !== null ? { movementId: before.movementId } : {};
      r.status = status;
      await this.repo.persist(em, r, actor.userId, this.clock.now(), version);
      await this.audit.record(em, actor, `return.${status}`, target(r), { changes: diff(before, snapshot(r)), details: { caseId: r.caseId, ...left } });
      return r;
    });
  }

  private async assertEligible(em: EntityManager, caseId: string): Promise<void> {
    const latest = await this.screenings.latest(em, caseId);
    if (latest?.outcome === 'eligible') return;
    const reasons = latest ? latest.reasons : ['no_screening'];
    throw new DomainError('NOT_ELIGIBLE', latest ? `The latest eligibility screening is ${latest.outcome}: ${reasons.join(', ')}` : 'The migrant has not been screened for eligibility', { extra: { outcome: latest?.outcome ?? null, reasons, screeningId: latest?.id ?? null } }
    );
  }

  private async assertConsent(em: EntityManager, caseId: string, action: string): Promise<void> {
    if (await this.consents.activeFor(em, caseId, 'return')) return;
    throw new DomainError('CONSENT_REQUIRED', `An active return consent is needed to ${action} the return`);
  }
}

/** The return a case would have, for the rules: its organization, site and assignee. */
const caseSubject = (c: Case) => ({ owningOrganizationId: c.owningOrganizationId, caseSiteId: c.siteId, caseAssignedTo: c.assignedTo });

/** Legs in travel order: each leaves no earlier than the one before. */
function checkLegs(legs: { departAt: string }[]): void {
  for (let i = 1; i < legs.length; i++) {
    if (Date.parse(legs[i].departAt) < Date.parse(legs[i - 1].departAt)) {
      throw validationFailed([{ field: `legs.${i}.departAt`, message: 'legs must be in travel order: each departs no earlier than the one before' }]);
    }
  }
}
