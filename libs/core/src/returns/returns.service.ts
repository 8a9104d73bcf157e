import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, assertCan, Clock, CursorCodec, DomainError, type Page, type PageRequest, paginate, readableBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { CaseCloseChecks } from '../cases/index.js';
import type { Case } from '../cases/index.js';
import { CasesService } from '../cases/index.js';
import { ConsentsService } from '../cases/index.js';
import { LettersService } from '../letters/index.js';
import { ScreeningsService } from '../cases/index.js';
import { StaysService } from '../stays/index.js';
import { type Movement, Return } from './return.entity.js';
import { RETURN_FIELDS } from './return.rules.js';
import { isOwnSubmission } from './return-actions.js';
import { type DepartureRequirement, missingForDeparture, nextReturnStatus, type ReturnAction } from './return-status.js';
import type { ArriveInput, CreateReturnInput, ReturnFilter, UpdateReturnInput } from './return.types.js';
import { hasArrivedReturn, returnInProgress } from './returns.queries.js';

/** What the audit trail keeps of a return. */
const snapshot = (r: Return) => ({
  status: r.status,
  destinationCountry: r.destinationCountry,
  destinationLocality: r.destinationLocality,
  mode: r.mode,
  escortRequired: r.escortRequired,
  escort: r.escort,
  pocketMoneyXof: r.pocketMoneyXof,
  travelDocument: r.travelDocument,
  legs: r.legs,
  movementId: r.movementId,
  rejectReason: r.rejectReason,
  cancelReason: r.cancelReason,
  arrivedAt: r.arrivedAt?.toISOString() ?? null,
  arrivalConfirmedBy: r.arrivalConfirmedBy,
});

/** Columns a write may change (never ids, owner or case). */
const WRITABLE: (keyof Return)[] = [
  'status',
  'destinationCountry',
  'destinationLocality',
  'mode',
  'escortRequired',
  'escort',
  'pocketMoneyXof',
  'travelDocument',
  'legs',
  'submittedBy',
  'submittedAt',
  'decidedBy',
  'decidedAt',
  'rejectReason',
  'cancelReason',
  'cancelledBy',
  'cancelledAt',
  'departedAt',
  'departedBy',
  'arrivedAt',
  'arrivalConfirmedBy',
  'movementId',
];

/** A return's departure facts, read under the case row lock. */
interface Readiness {
  returnId: string;
  caseNumber: string;
  missing: DepartureRequirement[];
  consent: boolean;
}

/** What a departure did besides the return itself: the stay it ended, the letter it superseded. */
export interface DepartureEffects {
  stayId: string | null;
  letterId: string | null;
}

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
    private readonly cases: CasesService,
    private readonly consents: ConsentsService,
    private readonly screenings: ScreeningsService,
    private readonly stays: StaysService,
    private readonly letters: LettersService,
    private readonly closeChecks: CaseCloseChecks,
    private readonly audit: AuditWriter,
    private readonly cursors: CursorCodec,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // DESIGN §3: a case with a return in progress cannot be closed; `returned` needs one that arrived.
    this.closeChecks.register(async (em, caseId, reason) => {
      const current = await returnInProgress(em, caseId);
      if (current) return `the migrant has a return in progress (${current.status}): cancel it or see it through first`;
      if (reason === 'returned' && !(await hasArrivedReturn(em, caseId))) return 'the reason returned needs a return whose arrival was recorded';
      return null;
    });
  }

  /** A draft (API.md "Returns"): one in progress per case (409 RETURN_IN_PROGRESS). */
  create(actor: Actor, caseId: string, input: CreateReturnInput): Promise<Return> {
    return this.db.transaction(async (em) => {
      // The case row lock queues a concurrent draft, close or consent withdrawal for this case.
      const c = await this.cases.getVisible(em, actor, caseId, true); // 404
      requireCapability(actor); // 403
      assertCan(actor, 'create', 'Return', caseSubject(c)); // 403: a shared view, or not the actor's case to act on
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to organize a return');
      const current = await returnInProgress(em, c.id);
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
        createdBy: actor.userId,
        updatedBy: actor.userId,
      });
      checkLegs(r.legs);
      await em.insert(Return, r);
      await this.audit.record(em, actor, 'return.created', target(r), { changes: diff(null, snapshot(r)), details: { caseId: c.id } });
      return this.getVisible(em, actor, r.id);
    });
  }

  /**
   * PATCH with If-Match: the destination, mode and pocket money while a draft (what the manager
   * approves); the travel document, legs and escort until departure.
   */
  update(actor: Actor, id: string, expectedVersion: number, patch: UpdateReturnInput): Promise<Return> {
    return this.db.transaction(async (em) => {
      const r = await this.getVisible(em, actor, id, true); // 404
      requireCapability(actor);
      assertCan(actor, 'update', 'Return', r); // 403
      if (r.version !== expectedVersion) throw stale(r.version); // 412
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
      await this.write(em, actor, r, expectedVersion);
      await this.audit.record(em, actor, 'return.updated', target(r), { changes, details: { caseId: r.caseId } });
      return r;
    });
  }

  /** DESIGN §6: the latest screening says eligible (409 NOT_ELIGIBLE) and a return consent is active (409 CONSENT_REQUIRED). */
  submit(actor: Actor, id: string, expected?: number): Promise<Return> {
    return this.act(actor, id, 'submit', expected, async (em, r, now) => {
      await this.lockCase(em, r.caseId);
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
      await this.lockCase(em, r.caseId);
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
      const r = await this.getVisible(em, actor, id, true);
      requireCapability(actor);
      assertCan(actor, 'depart', 'Return', r);
      nextReturnStatus(r.status, 'depart'); // 409 before anything else
      if (expected !== undefined && r.version !== expected) throw stale(r.version);
      if (r.movementId) throw new DomainError('CONFLICT', 'This return leaves with a movement: depart the movement, or take the return out of it first', { extra: { movementId: r.movementId } });
      await this.departLocked(em, actor, [r], null);
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
    const r = await this.getVisible(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'return.viewed', target(r), { details: { caseId: r.caseId } });
    return r;
  }

  /** The pipeline (managers: every return of the organization; caseworkers: of the cases they work on), newest first. */
  list(actor: Actor, filter: ReturnFilter, page: PageRequest): Promise<Page<Return>> {
    const qb = this.visible(this.db.manager, actor);
    if (filter.status) qb.andWhere('rt.status = :status', { status: filter.status });
    if (filter.destinationCountry) qb.andWhere('rt.destination_country = :country', { country: filter.destinationCountry });
    // Whole days in Mali's time (UTC): `to` includes the day it names.
    if (filter.from) qb.andWhere(`rt.created_at >= (CAST(:from AS date)::timestamp AT TIME ZONE 'UTC')`, { from: filter.from });
    if (filter.to) qb.andWhere(`rt.created_at < ((CAST(:to AS date) + 1)::timestamp AT TIME ZONE 'UTC')`, { to: filter.to });
    return this.page(qb, page, 'returns');
  }

  /** The returns of one case: part of its record (a receiving organization's shared view: 403; hidden: 404). */
  async listForCase(actor: Actor, caseId: string, page: PageRequest): Promise<Page<Return>> {
    const c = await this.cases.getRecord(this.db.manager, actor, caseId);
    return this.page(this.visible(this.db.manager, actor).andWhere('rt.case_id = :caseId', { caseId: c.id }), page, `returns:${c.id}`);
  }

  async getVisible(em: EntityManager, actor: Actor, id: string, lock = false): Promise<Return> {
    const qb = this.visible(em, actor).andWhere('rt.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write', undefined, ['rt']);
    const r = await qb.getOne();
    if (!r) throw new DomainError('NOT_FOUND', 'Return not found');
    return r;
  }

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Return> {
    return readableBy(em, actor, Return, 'Return', 'rt', RETURN_FIELDS);
  }

  /**
   * Departs locked, approved returns (DESIGN §6), in the caller's transaction: every return is
   * checked first — a travel document, a leg, fitness to travel `yes` on a medical vulnerability
   * (409 DEPARTURE_REQUIREMENTS_MISSING listing what is missing), an active return consent (409
   * CONSENT_REQUIRED) — and only then does anything change: each migrant is checked out of any
   * active shelter stay, the case's active letter is superseded, and the return departs. Any
   * failure rolls all of it back. Returns lock in id order (a movement's), then each case row.
   */
  async departLocked(em: EntityManager, actor: Actor, returns: Return[], movement: Movement | null): Promise<Map<string, DepartureEffects>> {
    const ordered = [...returns].sort((a, b) => (a.id < b.id ? -1 : 1));
    const checked: Readiness[] = [];
    for (const r of ordered) {
      nextReturnStatus(r.status, 'depart');
      const c = await this.lockCase(em, r.caseId);
      const screening = await this.screenings.latest(em, r.caseId);
      const missing = missingForDeparture({
        travelDocument: r.travelDocument,
        legs: r.legs,
        medicalCondition: c.vulnerabilityFlags.includes('medical_condition'),
        fitToTravel: screening?.fitToTravel ?? null,
        escortRequired: r.escortRequired,
        escort: r.escort,
      });
      checked.push({ returnId: r.id, caseNumber: r.caseNumber, missing, consent: !!(await this.consents.activeFor(em, r.caseId, 'return')) });
    }
    const incomplete = checked.filter((x) => x.missing.length);
    if (incomplete.length) {
      const missing = [...new Set(incomplete.flatMap((x) => x.missing))];
      const what = incomplete.map((x) => (ordered.length > 1 ? `${x.caseNumber}: ${x.missing.join(', ')}` : x.missing.join(', '))).join('; ');
      throw new DomainError('DEPARTURE_REQUIREMENTS_MISSING', `Departure needs: ${what}`, { extra: {
        missing,
        returns: incomplete.map(({ returnId, caseNumber, missing: m }) => ({ returnId, caseNumber, missing: m })),
      } });
    }
    const unconsented = checked.filter((x) => !x.consent);
    if (unconsented.length) {
      throw new DomainError('CONSENT_REQUIRED', `No active return consent: ${unconsented.map((x) => x.caseNumber).join(', ')}`, { extra: { returnIds: unconsented.map((x) => x.returnId) } });
    }
    const now = this.clock.now();
    const effects = new Map<string, DepartureEffects>();
    for (const r of ordered) {
      const stay = await this.stays.checkOutForDeparture(em, actor, r.caseId);
      const letter = await this.letters.supersedeActive(em, actor, r.caseId, 'departed');
      const before = snapshot(r);
      const version = r.version;
      Object.assign(r, { status: nextReturnStatus(r.status, 'depart'), departedAt: now, departedBy: actor.userId });
      await this.write(em, actor, r, version);
      const done = { stayId: stay?.id ?? null, letterId: letter?.id ?? null };
      effects.set(r.id, done);
      await this.audit.record(em, actor, 'return.departed', target(r), {
        changes: diff(before, snapshot(r)),
        details: { caseId: r.caseId, ...(movement ? { movementId: movement.id, movementReference: movement.reference } : {}), ...done },
      });
    }
    return effects;
  }

  /** Writes the return's columns and a new version, if still `expected` (412 otherwise). */
  async write(em: EntityManager, actor: Actor, r: Return, expected: number): Promise<void> {
    const set: Partial<Record<keyof Return, unknown>> = {};
    for (const k of WRITABLE) set[k] = r[k];
    const now = this.clock.now();
    const result = await em
      .createQueryBuilder()
      .update(Return)
      .set({ ...(set as object), updatedAt: now, updatedBy: actor.userId, version: () => 'version + 1' })
      .where('id = :id AND version = :expected', { id: r.id, expected })
      .returning(['version'])
      .execute();
    if (!result.affected) throw stale(expected);
    Object.assign(r, { version: Number(result.raw[0].version), updatedAt: now, updatedBy: actor.userId });
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
      const r = await this.getVisible(em, actor, id, true);
      requireCapability(actor);
      assertCan(actor, action, 'Return', r);
      if ((action === 'approve' || action === 'reject') && isOwnSubmission(actor, r)) {
        throw new DomainError('SELF_APPROVAL_FORBIDDEN', `You submitted this return: another manager must ${action} it`);
      }
      const before = snapshot(r);
      const status = nextReturnStatus(r.status, action);
      if (expected !== undefined && r.version !== expected) throw stale(r.version);
      const now = this.clock.now();
      await apply(em, r, now);
      const version = r.version;
      const left = r.movementId === null && before.movementId !== null ? { movementId: before.movementId } : {};
      r.status = status;
      await this.write(em, actor, r, version);
      await this.audit.record(em, actor, `return.${status}`, target(r), { changes: diff(before, snapshot(r)), details: { caseId: r.caseId, ...left } });
      return r;
    });
  }

  /** Locks the case row: consent withdrawal, screenings and close take it too. */
  private async lockCase(em: EntityManager, caseId: string): Promise<Pick<Case, 'id' | 'status' | 'vulnerabilityFlags'>> {
    const [row] = await em.query(`SELECT id, status, vulnerability_flags FROM cases WHERE id = $1 FOR UPDATE`, [caseId]);
    return { id: row.id, status: row.status, vulnerabilityFlags: row.vulnerability_flags };
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

  private async page(qb: SelectQueryBuilder<Return>, page: PageRequest, list: string): Promise<Page<Return>> {
    return paginate<Return>(
      qb,
      page,
      { list, columns: [{ expr: 'rt.created_at', cast: 'timestamptz' }, { expr: 'rt.id', cast: 'uuid' }], direction: 'DESC', keyOf: (r) => [r.createdAt.toISOString(), r.id] },
      this.cursors,
    );
  }
}

/** DESIGN §1: only an organization with the `return` capability organizes returns. */
export function requireCapability(actor: Actor): void {
  if (actor.kind === 'system' || actor.capabilities.includes('return')) return;
  throw new DomainError('CAPABILITY_REQUIRED', `${actor.organizationCode ?? 'Your organization'} does not hold the return capability`);
}

/** The return a case would have, for the rules: its organization, site and assignee. */
const caseSubject = (c: Case) => ({ owningOrganizationId: c.owningOrganizationId, caseSiteId: c.siteId, caseAssignedTo: c.assignedTo });

const target = (r: Return) => ({ type: 'Return', id: r.id, organizationId: r.owningOrganizationId });

const stale = (current: number) => new DomainError('VERSION_CONFLICT', 'The return changed since you read it; reload and retry', { extra: { currentVersion: current } });

/** Legs in travel order: each leaves no earlier than the one before. */
function checkLegs(legs: { departAt: string }[]): void {
  for (let i = 1; i < legs.length; i++) {
    if (Date.parse(legs[i].departAt) < Date.parse(legs[i - 1].departAt)) {
      throw validationFailed([{ field: `legs.${i}.departAt`, message: 'legs must be in travel order: each departs no earlier than the one before' }]);
    }
  }
}
