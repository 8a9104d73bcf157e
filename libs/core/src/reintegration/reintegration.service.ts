import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, assertCan, Clock, CursorCodec, DomainError, type Page, type PageRequest, paginate, readableBy, validationFailed } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import type { Case } from '../cases/index.js';
import { CasesService } from '../cases/index.js';
import { ConsentsService } from '../cases/index.js';
import { Organization } from '../organizations/index.js';
import { hasArrivedReturnTo } from '../returns/index.js';
import { makerOf } from './plan-actions.js';
import { approvalsRequired, type ItemAction, nextItemStatus, nextPlanStatus, type PlanStatus } from './plan-status.js';
import { ReintegrationItem, ReintegrationPlan, ReintegrationVisit } from './reintegration.entity.js';
import { PLAN_FIELDS } from './reintegration.rules.js';
import type { CreatePlanInput, DeliverItemInput, ItemInput, PlanFilter, PlanView, ReintegrationSettings, UpdateItemInput, UpdatePlanInput, VisitInput } from './reintegration.types.js';
import { dimensionOf, MAX_ITEM_BUDGET_XOF, REINTEGRATION_ITEM_TYPES } from './reintegration-vocabulary.js';
import { answerErrors, scoreVisit } from './scoring.js';
import { ScoringSchemesService } from './scoring-schemes.service.js';

/** Mali keeps UTC all year: today's date there. */
const maliToday = (now: Date): string => now.toISOString().slice(0, 10);

/** What the audit trail keeps of a plan; the summary (personal circumstances) only as "changed". */
const snapshot = (p: ReintegrationPlan) => ({
  status: p.status,
  summary: p.summary,
  totalBudgetXof: p.totalBudgetXof,
  budgetCeilingXof: p.budgetCeilingXof,
  approvalsRequired: p.approvalsRequired,
});
const MASKED = ['summary'];
const itemSnapshot = (i: ReintegrationItem) => ({
  type: i.type,
  dimension: i.dimension,
  description: i.description,
  budgetXof: i.budgetXof,
  partnerOrganizationId: i.partnerOrganizationId,
  status: i.status,
  deliveredOn: i.deliveredOn,
  evidenceNote: i.evidenceNote,
  cancelReason: i.cancelReason,
});

/** Columns a plan write may set (never ids, owner or case). */
const PLAN_WRITABLE: (keyof ReintegrationPlan)[] = [
  'status', 'summary', 'budgetCeilingXof', 'approvalsRequired', 'submittedAt', 'submittedBy', 'firstApprovedAt', 'firstApprovedBy', 'secondApprovedAt',
  'secondApprovedBy', 'rejectedAt', 'rejectedBy', 'rejectionReason', 'startedAt', 'completedAt', 'completedBy',
];

/**
 * Reintegration of returnees (DESIGN §6, issue 10): a plan per returnee case with its items,
 * maker-checker approval with a second approver above the organization's budget ceiling,
 * delivery, completion, and monitoring visits scored with a versioned scheme.
 *
 * Every write: capability (403) → plan or case loaded in scope and row-locked (404) → the rule on
 * the record (403) → maker-checker (403) → the transition table (409) → write, version + 1 →
 * audit in the same transaction, on the plan, with `details.caseId` for the case's timeline.
 */
@Injectable()
export class ReintegrationService {
  constructor(
    private readonly db: DataSource,
    private readonly cases: CasesService,
    private readonly consents: ConsentsService,
    private readonly schemes: ScoringSchemesService,
    private readonly audit: AuditWriter,
    private readonly cursors: CursorCodec,
    private readonly clock: Clock,
  ) {}

  /** Issue 10: a draft plan for a returnee case the actor works on; one per case that is not rejected. */
  create(actor: Actor, caseId: string, input: CreatePlanInput): Promise<PlanView> {
    this.assertCapability(actor);
    assertCan(actor, 'create', 'ReintegrationPlan');
    return this.db.transaction(async (em) => {
      // The case row is locked: two concurrent creations for one case queue, the second sees the first.
      const c = await this.cases.getVisible(em, actor, caseId, true); // 404
      assertCan(actor, 'create', 'ReintegrationPlan', this.subjectOf(c)); // 403 (a shared view, another's site)
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to plan its reintegration');
      if (!(await this.isReturnee(em, c))) {
        throw new DomainError('NOT_A_RETURNEE', 'Reintegration is for returnees: the case needs an arrived return to Mali, or to be registered with migrantCategory "returnee"');
      }
      const existing = await em.query(`SELECT id, status FROM reintegration_plans WHERE case_id = $1 AND status <> 'rejected' LIMIT 1`, [c.id]);
      if (existing.length) throw new DomainError('CONFLICT', `The case already has a reintegration plan (${existing[0].status}); a new one only after a rejection`, { extra: { planId: existing[0].id } });
      const now = this.clock.now();
      const plan = em.create(ReintegrationPlan, {
        caseId: c.id,
        owningOrganizationId: c.owningOrganizationId,
        status: 'draft',
        summary: input.summary?.trim() || null,
        totalBudgetXof: 0,
        budgetCeilingXof: null,
        approvalsRequired: null,
        ...Object.fromEntries(PLAN_WRITABLE.filter((k) => !['status', 'summary', 'budgetCeilingXof', 'approvalsRequired'].includes(k)).map((k) => [k, null])),
        version: 1,
        createdAt: now,
        updatedAt: now,
        createdBy: actor.userId,
        updatedBy: actor.userId,
      });
      await em.insert(ReintegrationPlan, plan);
      await this.audit.record(em, actor, 'reintegration_plan.created', this.target(plan), { changes: diff(null, snapshot(plan), MASKED), details: { caseId: c.id } });
      return this.viewOf(em, await this.getVisible(em, actor, plan.id));
    });
  }

  /** One plan with its items; the read is audited (a plan holds personal circumstances, DESIGN §7). */
  async get(actor: Actor, id: string): Promise<PlanView> {
    const plan = await this.getVisible(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'reintegration_plan.viewed', this.target(plan), { details: { caseId: plan.caseId } });
    return this.viewOf(this.db.manager, plan);
  }

  /** The case's plan: the one not rejected, else the latest rejected one (404 when none is visible). */
  async getForCase(actor: Actor, caseId: string): Promise<PlanView> {
    const plan = await this.visible(this.db.manager, actor)
      .andWhere('p.case_id = :caseId', { caseId })
      .orderBy(`CASE WHEN p.status = 'rejected' THEN 1 ELSE 0 END`, 'ASC')
      .addOrderBy('p.created_at', 'DESC')
      .getOne();
    if (!plan) throw new DomainError('NOT_FOUND', 'No reintegration plan for this case');
    await this.audit.record(null, actor, 'reintegration_plan.viewed', this.target(plan), { details: { caseId: plan.caseId } });
    return this.viewOf(this.db.manager, plan);
  }

  /** The plans the actor may see, newest first, by status, case and creation date (whole days, UTC). */
  list(actor: Actor, filter: PlanFilter, page: PageRequest): Promise<Page<ReintegrationPlan>> {
    const qb = this.visible(this.db.manager, actor);
    if (filter.status) qb.andWhere('p.status = :status', { status: filter.status });
    if (filter.caseId) qb.andWhere('p.case_id = :caseId', { caseId: filter.caseId });
    if (filter.from) qb.andWhere(`p.created_at >= (CAST(:from AS date)::timestamp AT TIME ZONE 'UTC')`, { from: filter.from });
    if (filter.to) qb.andWhere(`p.created_at < ((CAST(:to AS date) + 1)::timestamp AT TIME ZONE 'UTC')`, { to: filter.to });
    return paginate<ReintegrationPlan>(
      qb,
      page,
      { list: 'reintegration-plans', columns: [{ expr: 'p.created_at', cast: 'timestamptz' }, { expr: 'p.id', cast: 'uuid' }], direction: 'DESC', keyOf: (p) => [p.createdAt.toISOString(), p.id] },
      this.cursors,
    );
  }

  /** PATCH with If-Match: the summary of a draft plan. */
  update(actor: Actor, id: string, expectedVersion: number, patch: UpdatePlanInput): Promise<PlanView> {
    return this.write(actor, id, 'update', async (em, plan) => {
      if (plan.version !== expectedVersion) throw new DomainError('VERSION_CONFLICT', 'The plan changed since you read it; reload and retry', { extra: { currentVersion: plan.version } });
      nextPlanStatus(plan.status, 'edit');
      const before = snapshot(plan);
      if (patch.summary !== undefined) plan.summary = patch.summary?.trim() || null;
      return { action: 'reintegration_plan.updated', changes: diff(before, snapshot(plan), MASKED) };
    });
  }

  addItem(actor: Actor, planId: string, input: ItemInput): Promise<PlanView & { item: ReintegrationItem }> {
    let item!: ReintegrationItem;
    return this.write(actor, planId, 'update', async (em, plan) => {
      nextPlanStatus(plan.status, 'edit');
      const fields = await this.itemFields(em, input, null);
      const now = this.clock.now();
      item = em.create(ReintegrationItem, {
        planId: plan.id,
        caseId: plan.caseId,
        owningOrganizationId: plan.owningOrganizationId,
        ...fields,
        status: 'planned',
        deliveredOn: null,
        evidenceNote: null,
        deliveredBy: null,
        cancelledAt: null,
        cancelledBy: null,
        cancelReason: null,
        createdAt: now,
        updatedAt: now,
        createdBy: actor.userId,
        updatedBy: actor.userId,
      });
      await em.insert(ReintegrationItem, item);
      await this.retotal(em, plan);
      return { action: 'reintegration_plan.item_added', changes: diff(null, itemSnapshot(item)), details: { itemId: item.id } };
    }).then((v) => ({ ...v, item: v.items.find((i) => i.id === item.id)! }));
  }

  updateItem(actor: Actor, planId: string, itemId: string, patch: UpdateItemInput): Promise<PlanView & { item: ReintegrationItem }> {
    return this.itemWrite(actor, planId, itemId, 'edit', async (em, plan, item) => {
      const before = itemSnapshot(item);
      const merged: ItemInput = {
        type: patch.type ?? item.type,
        dimension: patch.dimension ?? (patch.type ? undefined : item.dimension),
        description: patch.description ?? item.description,
        budgetXof: patch.budgetXof ?? item.budgetXof,
        partnerOrganizationId: patch.partnerOrganizationId !== undefined ? patch.partnerOrganizationId : item.partnerOrganizationId,
      };
      Object.assign(item, await this.itemFields(em, merged, item));
      return { action: 'reintegration_plan.item_updated', changes: diff(before, itemSnapshot(item)) };
    });
  }

  /** Issue 10: an approved plan's item is handed over, with the date and an evidence note; the first delivery starts the plan. */
  deliverItem(actor: Actor, planId: string, itemId: string, input: DeliverItemInput): Promise<PlanView & { item: ReintegrationItem }> {
    return this.itemWrite(actor, planId, itemId, 'deliver', async (em, plan, item) => {
      const today = maliToday(this.clock.now());
      if (input.deliveredOn > today) throw validationFailed([{ field: 'deliveredOn', message: 'must not be in the future' }]);
      const before = itemSnapshot(item);
      Object.assign(item, { status: nextItemStatus(item.status, 'deliver'), deliveredOn: input.deliveredOn, evidenceNote: input.evidenceNote.trim(), deliveredBy: actor.userId });
      return { action: 'reintegration_plan.item_delivered', changes: diff(before, itemSnapshot(item)) };
    });
  }

  /** A planned item is dropped, with the reason: from a draft (editing) or an approved plan (implementation). */
  cancelItem(actor: Actor, planId: string, itemId: string, reason: string): Promise<PlanView & { item: ReintegrationItem }> {
    return this.itemWrite(actor, planId, itemId, 'cancel', async (em, plan, item) => {
      const before = itemSnapshot(item);
      Object.assign(item, { status: nextItemStatus(item.status, 'cancel'), cancelledAt: this.clock.now(), cancelledBy: actor.userId, cancelReason: reason.trim() });
      return { action: 'reintegration_plan.item_cancelled', changes: diff(before, itemSnapshot(item)) };
    });
  }

  /**
   * Issue 10: a draft with at least one planned item, on an open case with an active
   * reintegration consent (409 CONSENT_REQUIRED). The organization's budget ceiling is frozen
   * with the plan now: above it, two managers must approve.
   */
  submit(actor: Actor, id: string): Promise<PlanView> {
    return this.write(actor, id, 'submit', async (em, plan) => {
      const status = nextPlanStatus(plan.status, 'submit');
      const [c] = await em.query(`SELECT status FROM cases WHERE id = $1`, [plan.caseId]);
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to submit its plan');
      const planned = await em.count(ReintegrationItem, { where: { planId: plan.id, status: 'planned' } });
      if (!planned) throw new DomainError('CONFLICT', 'A plan is submitted with at least one planned item');
      if (!(await this.consents.activeFor(em, plan.caseId, 'reintegration'))) {
        throw new DomainError('CONSENT_REQUIRED', 'Record the migrant’s reintegration consent (purpose "reintegration") before submitting the plan');
      }
      const org = await em.findOneByOrFail(Organization, { id: plan.owningOrganizationId });
      const before = snapshot(plan);
      const now = this.clock.now();
      Object.assign(plan, {
        status,
        submittedAt: now,
        submittedBy: actor.userId,
        budgetCeilingXof: org.reintegrationBudgetCeilingXof,
        approvalsRequired: approvalsRequired(plan.totalBudgetXof, org.reintegrationBudgetCeilingXof),
      });
      return { action: 'reintegration_plan.submitted', changes: diff(before, snapshot(plan), MASKED) };
    });
  }

  /**
   * Maker-checker (DESIGN §2): a manager who did not submit the plan approves it; above the
   * ceiling the first approval waits for a second manager who is neither the submitter nor the
   * first approver (403 SELF_APPROVAL_FORBIDDEN).
   */
  approve(actor: Actor, id: string): Promise<PlanView> {
    return this.write(actor, id, 'approve', async (em, plan) => {
      this.assertNotMaker(actor, plan, 'approve');
      const status = nextPlanStatus(plan.status, 'approve', { approvalsRequired: plan.approvalsRequired ?? 1 });
      const before = snapshot(plan);
      const now = this.clock.now();
      const second = plan.status === 'awaiting_second_approval';
      Object.assign(plan, second ? { status, secondApprovedAt: now, secondApprovedBy: actor.userId } : { status, firstApprovedAt: now, firstApprovedBy: actor.userId });
      return { action: status === 'approved' ? 'reintegration_plan.approved' : 'reintegration_plan.first_approved', changes: diff(before, snapshot(plan), MASKED), details: { approval: second ? 2 : 1, of: plan.approvalsRequired } };
    });
  }

  reject(actor: Actor, id: string, reason: string): Promise<PlanView> {
    return this.write(actor, id, 'reject', async (em, plan) => {
      this.assertNotMaker(actor, plan, 'reject');
      const status = nextPlanStatus(plan.status, 'reject');
      const before = snapshot(plan);
      Object.assign(plan, { status, rejectedAt: this.clock.now(), rejectedBy: actor.userId, rejectionReason: reason.trim() });
      return { action: 'reintegration_plan.rejected', changes: diff(before, snapshot(plan), MASKED), details: { reason: plan.rejectionReason } };
    });
  }

  /** Issue 10: completed once no item is still planned (each delivered or cancelled). */
  complete(actor: Actor, id: string): Promise<PlanView> {
    return this.write(actor, id, 'complete', async (em, plan) => {
      const status = nextPlanStatus(plan.status, 'complete');
      const planned = await em.count(ReintegrationItem, { where: { planId: plan.id, status: 'planned' } });
      if (planned) throw new DomainError('CONFLICT', `${planned} item(s) still planned: deliver or cancel each before completing the plan`);
      const before = snapshot(plan);
      Object.assign(plan, { status, completedAt: this.clock.now(), completedBy: actor.userId });
      return { action: 'reintegration_plan.completed', changes: diff(before, snapshot(plan), MASKED) };
    });
  }

  /**
   * A monitoring visit (issue 10): the RSS answers, scored now with the given scheme or the
   * organization's latest; the visit keeps that scheme's id and the scores for good.
   */
  recordVisit(actor: Actor, planId: string, input: VisitInput): Promise<ReintegrationVisit> {
    let visit!: ReintegrationVisit;
    return this.write(actor, planId, 'recordVisit', async (em, plan) => {
      nextPlanStatus(plan.status, 'visit');
      if (input.visitDate > maliToday(this.clock.now())) throw validationFailed([{ field: 'visitDate', message: 'must not be in the future' }]);
      const scheme = input.schemeId ? await this.schemes.usable(em, actor, input.schemeId) : await this.schemes.latest(em, actor);
      const errors = answerErrors(scheme.definition, input.answers);
      if (errors.length) throw validationFailed(errors);
      const answers = Object.fromEntries(Object.entries(input.answers).filter(([, v]) => v !== null && v !== undefined));
      const scores = scoreVisit({ id: scheme.id, official: scheme.official, definition: scheme.definition }, answers);
      visit = em.create(ReintegrationVisit, {
        planId: plan.id,
        caseId: plan.caseId,
        owningOrganizationId: plan.owningOrganizationId,
        visitDate: input.visitDate,
        visitType: input.visitType,
        visitedBy: input.visitedBy.trim(),
        answers,
        schemeId: scheme.id,
        scores,
        economicScore: scores.dimensions.economic.score,
        socialScore: scores.dimensions.social.score,
        psychosocialScore: scores.dimensions.psychosocial.score,
        compositeScore: scores.composite.score,
        recordedBy: actor.userId,
        createdAt: this.clock.now(),
      });
      await em.insert(ReintegrationVisit, visit);
      return {
        action: 'reintegration_visit.recorded',
        details: { visitId: visit.id, visitType: visit.visitType, visitDate: visit.visitDate, schemeId: scheme.id, official: scheme.official, compositeScore: scores.composite.score },
        keepVersion: true,
      };
    }).then(() => visit);
  }

  /** The visits of a plan the actor may see, oldest first. */
  async visits(actor: Actor, planId: string, page: PageRequest): Promise<Page<ReintegrationVisit>> {
    const plan = await this.getVisible(this.db.manager, actor, planId);
    await this.audit.record(null, actor, 'reintegration_plan.visits_viewed', this.target(plan), { details: { caseId: plan.caseId } });
    const qb = this.db.getRepository(ReintegrationVisit).createQueryBuilder('v').where('v.plan_id = :planId', { planId: plan.id });
    return paginate<ReintegrationVisit>(
      qb,
      page,
      { list: `reintegration-visits:${plan.id}`, columns: [{ expr: 'v.visit_date', cast: 'date' }, { expr: 'v.created_at', cast: 'timestamptz' }, { expr: 'v.id', cast: 'uuid' }], direction: 'ASC', keyOf: (v) => [v.visitDate, v.createdAt.toISOString(), v.id] },
      this.cursors,
    );
  }

  /** Scores over time (issue 10): every visit of the case's plans the actor may see, by visit date. */
  async scoresForCase(actor: Actor, caseId: string): Promise<ReintegrationVisit[]> {
    const plans = await this.visible(this.db.manager, actor).andWhere('p.case_id = :caseId', { caseId }).getMany();
    if (!plans.length) {
      // A visible case without a plan has no scores yet; a hidden case is a 404 (DESIGN §2).
      const c = await this.cases.getVisible(this.db.manager, actor, caseId);
      assertCan(actor, 'read', 'ReintegrationPlan', this.subjectOf(c));
      return [];
    }
    await this.audit.record(null, actor, 'reintegration_plan.scores_viewed', this.target(plans[0]), { details: { caseId } });
    return this.db
      .getRepository(ReintegrationVisit)
      .createQueryBuilder('v')
      .where('v.plan_id IN (:...ids)', { ids: plans.map((p) => p.id) })
      .orderBy('v.visit_date', 'ASC')
      .addOrderBy('v.created_at', 'ASC')
      .addOrderBy('v.id', 'ASC')
      .getMany();
  }

  /** Everything that happened to the plan, from the audit trail (reads left out), oldest first. */
  async timeline(actor: Actor, planId: string, page: PageRequest) {
    const plan = await this.getVisible(this.db.manager, actor, planId);
    await this.audit.record(null, actor, 'reintegration_plan.timeline_viewed', this.target(plan), { details: { caseId: plan.caseId } });
    const qb = this.db
      .createQueryBuilder()
      .select(['e.seq AS seq', 'e.at AS at', 'e.action AS type', 'e.actor_user_id AS "actorUserId"', 'e.details AS details', 'e.changes AS changes'])
      .from('audit_events', 'e')
      .where(`e.entity_type = 'ReintegrationPlan' AND e.entity_id = :id AND e.action NOT LIKE '%viewed'`, { id: plan.id });
    type Row = { seq: string; at: Date; type: string; actorUserId: string | null; details: Record<string, unknown> | null; changes: Record<string, unknown> | null };
    const p = await paginate<Row>(qb, page, { list: `plan-timeline:${plan.id}`, columns: [{ expr: 'e.seq', cast: 'numeric' }], direction: 'ASC', keyOf: (e) => [String(e.seq)] }, this.cursors, { raw: true });
    return { nextCursor: p.nextCursor, items: p.items.map((e) => ({ at: e.at, type: e.type, actorUserId: e.actorUserId, details: e.details, changedFields: Object.keys(e.changes ?? {}) })) };
  }

  /** The organization's reintegration settings: its budget ceiling (any signed-in user: no personal data). */
  async settings(orgId: string): Promise<ReintegrationSettings> {
    const org = await this.db.manager.findOneBy(Organization, { id: orgId });
    if (!org) throw new DomainError('NOT_FOUND', 'Organization not found');
    return { organizationId: org.id, budgetCeilingXof: org.reintegrationBudgetCeilingXof };
  }

  /** Issue 10: the organization's admin sets the ceiling (null: none); plans already submitted keep theirs. */
  updateSettings(actor: Actor, orgId: string, input: { budgetCeilingXof: number | null }): Promise<ReintegrationSettings> {
    return this.db.transaction(async (em) => {
      const org = await em.getRepository(Organization).createQueryBuilder('o').where('o.id = :id', { id: orgId }).setLock('pessimistic_write').getOne();
      if (!org) throw new DomainError('NOT_FOUND', 'Organization not found');
      // Organizations are public (the directory): another one is visible, not yours to configure (403).
      assertCan(actor, 'update', 'ReintegrationSettings', { organizationId: org.id });
      const before = { reintegrationBudgetCeilingXof: org.reintegrationBudgetCeilingXof };
      await em.update(Organization, { id: org.id }, { reintegrationBudgetCeilingXof: input.budgetCeilingXof, updatedBy: actor.userId });
      await this.audit.record(em, actor, 'organization.reintegration_settings_updated', { type: 'Organization', id: org.id, organizationId: org.id }, {
        changes: diff(before, { reintegrationBudgetCeilingXof: input.budgetCeilingXof }),
      });
      return { organizationId: org.id, budgetCeilingXof: input.budgetCeilingXof };
    });
  }

  async getVisible(em: EntityManager, actor: Actor, id: string, lock = false): Promise<ReintegrationPlan> {
    const qb = this.visible(em, actor).andWhere('p.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write', undefined, ['p']);
    const plan = await qb.getOne();
    if (!plan) throw new DomainError('NOT_FOUND', 'Reintegration plan not found');
    return plan;
  }

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<ReintegrationPlan> {
    return readableBy(em, actor, ReintegrationPlan, 'ReintegrationPlan', 'p', PLAN_FIELDS);
  }

  /** Issue 10: a returnee is a case with an arrived return to Mali, or one registered as a returnee. */
  private async isReturnee(em: EntityManager, c: Case): Promise<boolean> {
    return c.migrantCategory === 'returnee' || (await hasArrivedReturnTo(em, c.id, 'MLI'));
  }

  private assertCapability(actor: Actor): void {
    // DESIGN §1: only an organization with the capability runs reintegration plans.
    if (!actor.capabilities.includes('reintegration')) {
      throw new DomainError('CAPABILITY_REQUIRED', `${actor.organizationCode ?? 'Your organization'} does not hold the reintegration capability`);
    }
  }

  private assertNotMaker(actor: Actor, plan: ReintegrationPlan, action: 'approve' | 'reject'): void {
    const maker = makerOf(actor, plan);
    if (maker === 'submitter') throw new DomainError('SELF_APPROVAL_FORBIDDEN', `You submitted this plan: another manager must ${action} it`);
    if (maker === 'first_approver') {
      throw new DomainError('SELF_APPROVAL_FORBIDDEN', `You gave this plan its first approval: a second, different manager must ${action} it`);
    }
  }

  /**
   * One write on a plan: capability → load in scope, row-locked (404) → the rule (403) → `change`
   * (maker-checker, tables, the change itself) → the plan row with version + 1 → audit.
   */
  private write(
    actor: Actor,
    id: string,
    action: string,
    change: (
      em: EntityManager,
      plan: ReintegrationPlan,
    ) => Promise<{ action: string; changes?: ReturnType<typeof diff>; details?: Record<string, unknown>; keepVersion?: boolean }>,
  ): Promise<PlanView> {
    this.assertCapability(actor);
    return this.db.transaction(async (em) => {
      // Row lock: concurrent actions on one plan queue; the second sees the first's result (409).
      const plan = await this.getVisible(em, actor, id, true);
      assertCan(actor, action, 'ReintegrationPlan', plan);
      const done = await change(em, plan);
      if (!done.keepVersion) await this.save(em, actor, plan);
      await this.audit.record(em, actor, done.action, this.target(plan), { changes: done.changes ?? null, details: { caseId: plan.caseId, ...(done.details ?? {}) } });
      return this.viewOf(em, plan);
    });
  }

  /** An item of the plan (404) → the table of the plan for that item action → the item's table → write. */
  private itemWrite(
    actor: Actor,
    planId: string,
    itemId: string,
    action: ItemAction,
    change: (em: EntityManager, plan: ReintegrationPlan, item: ReintegrationItem) => Promise<{ action: string; changes: ReturnType<typeof diff> }>,
  ): Promise<PlanView & { item: ReintegrationItem }> {
    return this.write(actor, planId, action === 'edit' ? 'update' : action === 'deliver' ? 'deliver' : 'update', async (em, plan) => {
      const item = await em.getRepository(ReintegrationItem).createQueryBuilder('i').where('i.id = :itemId AND i.plan_id = :planId', { itemId, planId: plan.id }).setLock('pessimistic_write').getOne();
      if (!item) throw new DomainError('NOT_FOUND', 'Item not found');
      // Editing is for drafts; delivering is for approved plans; cancelling is either.
      if (action === 'edit' || (action === 'cancel' && plan.status === 'draft')) {
        nextPlanStatus(plan.status, 'edit');
      } else {
        assertCan(actor, 'deliver', 'ReintegrationPlan', plan);
        const next = nextPlanStatus(plan.status, 'deliver');
        if (plan.status !== next) plan.startedAt = this.clock.now();
        plan.status = next;
      }
      const done = await change(em, plan, item);
      item.updatedBy = actor.userId;
      await em.update(ReintegrationItem, { id: item.id }, { ...itemSnapshot(item), deliveredBy: item.deliveredBy, cancelledAt: item.cancelledAt, cancelledBy: item.cancelledBy, updatedBy: actor.userId });
      await this.retotal(em, plan);
      return { ...done, details: { itemId: item.id } };
    }).then(async (v) => ({ ...v, item: v.items.find((i) => i.id === itemId)! }));
  }

  /** Validated columns of an item: the type's dimension, a real partner organization, a whole budget. */
  private async itemFields(em: EntityManager, input: ItemInput, current: ReintegrationItem | null) {
    const errors: { field: string; message: string }[] = [];
    if (!REINTEGRATION_ITEM_TYPES.includes(input.type)) errors.push({ field: 'type', message: `must be one of ${REINTEGRATION_ITEM_TYPES.join(', ')}` });
    const dimension = REINTEGRATION_ITEM_TYPES.includes(input.type) ? dimensionOf(input.type) : null;
    if (dimension && input.dimension && input.dimension !== dimension) errors.push({ field: 'dimension', message: `a ${input.type} item belongs to the ${dimension} dimension` });
    if (!Number.isInteger(input.budgetXof) || input.budgetXof < 0 || input.budgetXof > MAX_ITEM_BUDGET_XOF) {
      errors.push({ field: 'budgetXof', message: `must be a whole number of francs CFA from 0 to ${MAX_ITEM_BUDGET_XOF}` });
    }
    const partner = input.partnerOrganizationId ?? null;
    if (partner && partner !== current?.partnerOrganizationId && !(await em.existsBy(Organization, { id: partner }))) {
      errors.push({ field: 'partnerOrganizationId', message: 'must be an organization of the platform' });
    }
    if (errors.length) throw validationFailed(errors);
    return { type: input.type, dimension: dimension!, description: input.description.trim(), budgetXof: input.budgetXof, partnerOrganizationId: partner };
  }

  private async retotal(em: EntityManager, plan: ReintegrationPlan): Promise<void> {
    const [row] = await em.query(`SELECT COALESCE(sum(budget_xof), 0)::bigint AS total FROM reintegration_items WHERE plan_id = $1 AND status <> 'cancelled'`, [plan.id]);
    plan.totalBudgetXof = Number(row.total);
  }

  private async save(em: EntityManager, actor: Actor, plan: ReintegrationPlan): Promise<void> {
    const set: Record<string, unknown> = Object.fromEntries(PLAN_WRITABLE.map((k) => [k, plan[k]]));
    const result = await em
      .createQueryBuilder()
      .update(ReintegrationPlan)
      .set({ ...set, totalBudgetXof: plan.totalBudgetXof, updatedBy: actor.userId, version: () => 'version + 1' })
      .where('id = :id', { id: plan.id })
      .returning(['version', 'updatedAt'])
      .execute();
    plan.version = Number(result.raw[0].version);
    plan.updatedAt = result.raw[0].updated_at ?? plan.updatedAt;
    plan.updatedBy = actor.userId;
  }

  private async viewOf(em: EntityManager, plan: ReintegrationPlan): Promise<PlanView> {
    const items = await em.getRepository(ReintegrationItem).find({ where: { planId: plan.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return { plan, items };
  }

  /** The plan a case would have, for the rules (create on a case; reads of a case without plan). */
  private subjectOf(c: Case) {
    return { owningOrganizationId: c.owningOrganizationId, caseSiteId: c.siteId, caseAssignedTo: c.assignedTo };
  }

  private target(p: ReintegrationPlan) {
    return { type: 'ReintegrationPlan', id: p.id, organizationId: p.owningOrganizationId };
  }
}


