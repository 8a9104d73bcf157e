import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, assertCan, Clock, CursorCodec, DomainError, type Page, type PageRequest, paginate, readableBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { CaseCloseChecks } from '../cases/index.js';
import type { Case } from '../cases/index.js';
import { CasesService } from '../cases/index.js';
import { Site } from '../sites/index.js';
import { DEFAULT_MAX_STAY_DAYS, occupiedBeds } from '../sites/index.js';
import { ENDING_WITHIN_24H_SQL, OVERDUE_SQL, Stay, StayExtension } from './stay.entity.js';
import { STAY_EXTENSION_FIELDS, STAY_FIELDS } from './stay.rules.js';
import { isOwnRequest } from './stay-actions.js';
import { addDays, EXTENSION_DAYS, type ExtensionAction, nextExtensionStatus, nextStayStatus } from './stay-status.js';
import type { CheckInInput, Occupancy, OccupancyStay, RequestExtensionInput, StayFilter, StayView } from './stay.types.js';

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
    private readonly cases: CasesService,
    private readonly closeChecks: CaseCloseChecks,
    private readonly audit: AuditWriter,
    private readonly cursors: CursorCodec,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // DESIGN §3: a case with an active stay cannot be closed. Close locks the case row, as check-in does.
    this.closeChecks.register(async (em, caseId) => ((await this.hasActiveStay(em, caseId)) ? 'the migrant has an active shelter stay: check them out first' : null));
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
      const c = await this.cases.getVisible(em, actor, input.caseId, true);
      const referralId = await this.mayHouse(em, actor, c);
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to check the migrant in');
      if (await this.hasActiveStay(em, c.id)) throw new DomainError('ACTIVE_STAY_EXISTS', 'The migrant already has an active stay: check them out of it first');
      const isShelter = (x: Site | null): x is Site & { bedCapacity: number } => !!x && x.active && x.kind === 'shelter' && x.bedCapacity !== null;
      const notAShelter = () => validationFailed([{ field: 'siteId', message: 'must be an active shelter of your organization' }]);
      const site = await em.getRepository(Site).findOneBy({ id: input.siteId });
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
        expectedCheckOutAt: addDays(now, site.maxStayDays ?? DEFAULT_MAX_STAY_DAYS),
        checkedOutAt: null,
        checkedOutBy: null,
        createdAt: now,
        updatedAt: now,
        createdBy: actor.userId,
        updatedBy: actor.userId,
      });
      stay.caseNumber = c.caseNumber;
      await this.audit.record(em, actor, 'stay.checked_in', this.target(stay), { changes: diff(null, snapshot(stay)), details: { caseId: c.id } });
      // The shelter as it is now, locked: deactivated or resized since it was read, the lock's answer counts.
      const locked = await em.getRepository(Site).createQueryBuilder('s').where('s.id = :id', { id: site.id }).setLock('pessimistic_write').getOne();
      if (!isShelter(locked)) throw notAShelter();
      const occupied = await occupiedBeds(em, site.id);
      if (occupied >= locked.bedCapacity) throw new DomainError('SHELTER_FULL', `${site.name} has no free bed`, { extra: { capacity: locked.bedCapacity, occupied } });
      await em.insert(Stay, stay);
      return { stay, extensions: [] };
    });
  }

  /** Frees the bed; a pending extension request lapses with the stay. */
  checkOut(actor: Actor, id: string): Promise<StayView> {
    return this.db.transaction(async (em) => {
      const stay = await this.getVisible(em, actor, id, true);
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
    const stay = await em.getRepository(Stay).createQueryBuilder('st').where(`st.case_id = :caseId AND st.status = 'active'`, { caseId }).setLock('pessimistic_write').getOne();
    if (!stay) return null;
    await this.end(em, actor, stay, { cause: 'departed' });
    return stay;
  }

  /** Checks the stay out now; its pending extension requests lapse. */
  private async end(em: EntityManager, actor: Actor, stay: Stay, details: Record<string, unknown>): Promise<void> {
    const before = snapshot(stay);
    const now = this.clock.now();
    Object.assign(stay, { status: nextStayStatus(stay.status, 'checkOut'), checkedOutAt: now, checkedOutBy: actor.userId, updatedAt: now, updatedBy: actor.userId });
    await em.update(Stay, { id: stay.id }, { status: stay.status, checkedOutAt: now, checkedOutBy: actor.userId, updatedAt: now, updatedBy: actor.userId });
    const lapsed = await em.getRepository(StayExtension).createQueryBuilder('x').where(`x.stay_id = :id AND x.status = 'pending'`, { id: stay.id }).getMany();
    for (const x of lapsed) {
      Object.assign(x, { status: nextExtensionStatus(x.status, 'cancel'), decidedAt: now });
      await em.update(StayExtension, { id: x.id }, { status: x.status, decidedAt: now });
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
      const stay = await this.getVisible(em, actor, stayId, true);
      assertCan(actor, 'create', 'StayExtension', { owningOrganizationId: stay.owningOrganizationId });
      nextStayStatus(stay.status, 'extend');
      if (await this.extensionsOf(em, actor, stay.id).andWhere(`x.status = 'pending'`).getExists()) {
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
      await em.insert(StayExtension, x);
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
    return this.viewOf(this.db.manager, actor, await this.getVisible(this.db.manager, actor, id));
  }

  list(actor: Actor, filter: StayFilter, page: PageRequest): Promise<Page<Stay>> {
    const qb = this.visible(this.db.manager, actor);
    if (filter.siteId) qb.andWhere('st.site_id = :siteId', { siteId: filter.siteId });
    if (filter.status) qb.andWhere('st.status = :status', { status: filter.status });
    if (filter.caseId) qb.andWhere('st.case_id = :caseId', { caseId: filter.caseId });
    return paginate<Stay>(
      qb,
      page,
      { list: 'stays', columns: [{ expr: 'st.checked_in_at', cast: 'timestamptz' }, { expr: 'st.id', cast: 'uuid' }], direction: 'DESC', keyOf: (s) => [s.checkedInAt.toISOString(), s.id] },
      this.cursors,
    );
  }

  /** The extension requests of a stay the actor may see (404 otherwise), oldest first. */
  async extensions(actor: Actor, stayId: string, page: PageRequest): Promise<Page<StayExtension>> {
    const stay = await this.getVisible(this.db.manager, actor, stayId);
    return paginate<StayExtension>(
      this.extensionsOf(this.db.manager, actor, stay.id),
      page,
      { list: `stay-extensions:${stay.id}`, columns: [{ expr: 'x.requested_at', cast: 'timestamptz' }, { expr: 'x.id', cast: 'uuid' }], direction: 'ASC', keyOf: (x) => [x.requestedAt.toISOString(), x.id] },
      this.cursors,
    );
  }

  /**
   * DESIGN §5: a shelter's capacity, beds occupied and free, stays ending within 24 h and
   * overdue ones, now — one query. Sites are public, their stays are not: another organization's
   * shelter is 403; a site without beds has no occupancy (404).
   */
  async occupancy(actor: Actor, siteId: string): Promise<Occupancy> {
    const site = await this.db.manager.findOneBy(Site, { id: siteId });
    if (!site) throw new DomainError('NOT_FOUND', 'Site not found');
    assertCan(actor, 'read', 'Stay', { owningOrganizationId: site.organizationId });
    if (site.kind !== 'shelter' || site.bedCapacity === null) throw new DomainError('NOT_FOUND', 'This site is not a shelter: it has no occupancy');
    const at = this.clock.now();
    const item = `json_build_object('id', st.id, 'caseId', st.case_id, 'caseNumber', c.case_number, 'checkedInAt', st.checked_in_at, 'expectedCheckOutAt', st.expected_check_out_at)`;
    const [row] = await this.db.query(
      `SELECT s.bed_capacity AS capacity, count(st.id)::int AS occupied,
              COALESCE(json_agg(${item} ORDER BY st.expected_check_out_at, st.id) FILTER (WHERE ${ENDING_WITHIN_24H_SQL('st', '$2')}), '[]') AS ending,
              COALESCE(json_agg(${item} ORDER BY st.expected_check_out_at, st.id) FILTER (WHERE ${OVERDUE_SQL('st', '$2')}), '[]') AS overdue
       FROM sites s
       LEFT JOIN stays st ON st.site_id = s.id AND st.status = 'active'
       LEFT JOIN cases c ON c.id = st.case_id
       WHERE s.id = $1
       GROUP BY s.id`,
      [site.id, at],
    );
    type Row = Omit<OccupancyStay, 'checkedInAt' | 'expectedCheckOutAt'> & { checkedInAt: string; expectedCheckOutAt: string };
    const stays = (rows: Row[]): OccupancyStay[] => rows.map((r) => ({ ...r, checkedInAt: new Date(r.checkedInAt), expectedCheckOutAt: new Date(r.expectedCheckOutAt) }));
    return { siteId: site.id, at, capacity: row.capacity, occupied: row.occupied, free: row.capacity - row.occupied, endingWithin24h: stays(row.ending), overdue: stays(row.overdue) };
  }

  async getVisible(em: EntityManager, actor: Actor, id: string, lock = false): Promise<Stay> {
    const qb = this.visible(em, actor).andWhere('st.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const stay = await qb.getOne();
    if (!stay) throw new DomainError('NOT_FOUND', 'Stay not found');
    return stay;
  }

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Stay> {
    return readableBy(em, actor, Stay, 'Stay', 'st', STAY_FIELDS);
  }

  /**
   * Maker-checker (DESIGN §2, §5): stay (404) → request of that stay (404) → the role (403) →
   * never the requester (403 SELF_APPROVAL_FORBIDDEN) → the tables (409) → write → audit. The
   * stay row is locked first, as check-out locks it: a decision and a check-out do not cross.
   */
  private decide(actor: Actor, stayId: string, extensionId: string, action: Exclude<ExtensionAction, 'cancel'>, reason: string | null): Promise<StayView & { extension: StayExtension }> {
    return this.db.transaction(async (em) => {
      const stay = await this.getVisible(em, actor, stayId, true);
      const x = await this.extensionsOf(em, actor, stay.id).andWhere('x.id = :id', { id: extensionId }).setLock('pessimistic_write').getOne();
      if (!x) throw new DomainError('NOT_FOUND', 'Extension request not found');
      assertCan(actor, action, 'StayExtension', x);
      if (isOwnRequest(actor, x)) throw new DomainError('SELF_APPROVAL_FORBIDDEN', `You requested this extension: another manager must ${action} it`);
      const status = nextExtensionStatus(x.status, action);
      nextStayStatus(stay.status, 'extend');
      const now = this.clock.now();
      Object.assign(x, { status, decidedAt: now, decidedBy: actor.userId, decisionReason: reason });
      await em.update(StayExtension, { id: x.id }, { status, decidedAt: now, decidedBy: actor.userId, decisionReason: reason });
      const before = snapshot(stay);
      if (action === 'approve') {
        Object.assign(stay, { expectedCheckOutAt: addDays(stay.expectedCheckOutAt, x.days), updatedAt: now, updatedBy: actor.userId });
        await em.update(Stay, { id: stay.id }, { expectedCheckOutAt: stay.expectedCheckOutAt, updatedAt: now, updatedBy: actor.userId });
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
    const [referral] = await em.query(
      `SELECT id FROM referrals WHERE case_id = $1 AND to_organization_id = $2 AND service_type = 'shelter' AND status = 'accepted' ORDER BY created_at DESC LIMIT 1`,
      [c.id, actor.organizationId],
    );
    if (!referral) throw new DomainError('FORBIDDEN', 'Another organization’s case is checked in under a shelter referral to yours, once you have accepted it');
    return referral.id as string;
  }

  private async hasActiveStay(em: EntityManager, caseId: string): Promise<boolean> {
    return (await em.query(`SELECT 1 FROM stays WHERE case_id = $1 AND status = 'active' LIMIT 1`, [caseId])).length > 0;
  }

  private extensionsOf(em: EntityManager, actor: Actor, stayId: string): SelectQueryBuilder<StayExtension> {
    return readableBy(em, actor, StayExtension, 'StayExtension', 'x', STAY_EXTENSION_FIELDS).andWhere('x.stay_id = :stayId', { stayId });
  }

  private async viewOf(em: EntityManager, actor: Actor, stay: Stay): Promise<StayView> {
    const extensions = await this.extensionsOf(em, actor, stay.id).orderBy('x.requested_at', 'ASC').addOrderBy('x.id', 'ASC').getMany();
    return { stay, extensions };
  }

  private target(s: Stay) {
    return { type: 'Stay', id: s.id, organizationId: s.owningOrganizationId };
  }
}
