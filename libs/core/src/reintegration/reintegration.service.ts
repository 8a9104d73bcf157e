import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, type Page, type PageRequest, staleVersion, stampedBy } from '@passerelle/common';
import { AuditWriter, diff } from '../audit/index.js';
import { type Case, CasesRepository, ConsentsService } from '../cases/index.js';
import { hasArrivedReturnTo } from '../returns/index.js';
import { PLAN_MASKED as MASKED, planSnapshot as snapshot, planSubjectOf, planTarget } from './plan-snapshots.js';
import { approvalsRequired, nextPlanStatus } from './plan-status.js';
import { ReintegrationPlan } from './reintegration.entity.js';
import { assertMayDecide, requireReintegrationCapability } from './reintegration.rules.js';
import type { CreatePlanInput, PlanFilter, PlanView, UpdatePlanInput } from './reintegration.types.js';
import { ReintegrationItemsRepository } from './reintegration-items.repository.js';
import { ReintegrationPlanWriter } from './reintegration-plan.writer.js';
import { PLAN_WRITABLE, ReintegrationPlansRepository } from './reintegration-plans.repository.js';
import { ReintegrationSettingsRepository } from './reintegration-settings.repository.js';

/**
 * Reintegration of returnees (DESIGN §6, issue 10): a plan per returnee case, its reads, and its
 * life — drafting, submission with the organization's budget ceiling frozen, maker-checker
 * approval (a second approver above the ceiling), rejection, completion. Items and delivery are
 * ReintegrationItemsService's, monitoring visits MonitoringVisitsService's; every write goes
 * through ReintegrationPlanWriter. Who may do what: reintegration.rules.ts.
 */
@Injectable()
export class ReintegrationService {
  constructor(
    private readonly db: DataSource,
    private readonly caseRepo: CasesRepository,
    private readonly consents: ConsentsService,
    private readonly plans: ReintegrationPlansRepository,
    private readonly items: ReintegrationItemsRepository,
    private readonly settings: ReintegrationSettingsRepository,
    private readonly writer: ReintegrationPlanWriter,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  /** Issue 10: a draft plan for a returnee case the actor works on; one per case that is not rejected. */
  create(actor: Actor, caseId: string, input: CreatePlanInput): Promise<PlanView> {
    requireReintegrationCapability(actor);
    assertCan(actor, 'create', 'ReintegrationPlan');
    return this.db.transaction(async (em) => {
      // The case row is locked: two concurrent creations for one case queue, the second sees the first.
      const c = await this.caseRepo.lockVisible(em, actor, caseId); // 404
      assertCan(actor, 'create', 'ReintegrationPlan', planSubjectOf(c)); // 403 (a shared view, another's site)
      if (c.status !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to plan its reintegration');
      if (!(await this.isReturnee(em, c))) {
        throw new DomainError('NOT_A_RETURNEE', 'Reintegration is for returnees: the case needs an arrived return to Mali, or to be registered with migrantCategory "returnee"');
      }
      const existing = await this.plans.liveOfCase(em, c.id);
      if (existing) throw new DomainError('CONFLICT', `The case already has a reintegration plan (${existing.status}); a new one only after a rejection`, { extra: { planId: existing.id } });
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
        ...stampedBy(actor),
      });
      await this.plans.insert(em, plan);
      await this.audit.record(em, actor, 'reintegration_plan.created', planTarget(plan), { changes: diff(null, snapshot(plan), MASKED), details: { caseId: c.id } });
      return this.writer.view(em, await this.plans.findVisible(em, actor, plan.id));
    });
  }

  /** One plan with its items; the read is audited (a plan holds personal circumstances, DESIGN §7). */
  async get(actor: Actor, id: string): Promise<PlanView> {
    const plan = await this.plans.findVisible(this.db.manager, actor, id);
    await this.audit.record(null, actor, 'reintegration_plan.viewed', planTarget(plan), { details: { caseId: plan.caseId } });
    return this.writer.view(this.db.manager, plan);
  }

  /** The case's plan: the one not rejected, else the latest rejected one (404 when none is visible). */
  async getForCase(actor: Actor, caseId: string): Promise<PlanView> {
    const plan = await this.plans.findForCase(this.db.manager, actor, caseId);
    if (!plan) throw new DomainError('NOT_FOUND', 'No reintegration plan for this case');
    await this.audit.record(null, actor, 'reintegration_plan.viewed', planTarget(plan), { details: { caseId: plan.caseId } });
    return this.writer.view(this.db.manager, plan);
  }

  /** The plans the actor may see, newest first, by status, case and creation date (whole days, UTC). */
  list(actor: Actor, filter: PlanFilter, page: PageRequest): Promise<Page<ReintegrationPlan>> {
    return this.plans.list(this.db.manager, actor, filter, page);
  }

  /** PATCH with If-Match: the summary of a draft plan. */
  update(actor: Actor, id: string, expectedVersion: number, patch: UpdatePlanInput): Promise<PlanView> {
    return this.writer.act(actor, id, 'update', async (em, plan) => {
      if (plan.version !== expectedVersion) throw staleVersion('plan', plan.version);
      nextPlanStatus(plan.status, 'edit');
      const before = snapshot(plan);
      if (patch.summary !== undefined) plan.summary = patch.summary?.trim() || null;
      return { action: 'reintegration_plan.updated', changes: diff(before, snapshot(plan), MASKED) };
    });
  }

  /**
   * Issue 10: a draft with at least one planned item, on an open case with an active
   * reintegration consent (409 CONSENT_REQUIRED). The organization's budget ceiling is frozen
   * with the plan now: above it, two managers must approve.
   */
  submit(actor: Actor, id: string): Promise<PlanView> {
    return this.writer.act(actor, id, 'submit', async (em, plan) => {
      const status = nextPlanStatus(plan.status, 'submit');
      if ((await this.plans.caseStatus(em, plan.caseId)) !== 'open') throw new DomainError('CONFLICT', 'The case is closed: reopen it to submit its plan');
      const planned = await this.items.countPlanned(em, plan.id);
      if (!planned) throw new DomainError('CONFLICT', 'A plan is submitted with at least one planned item');
      if (!(await this.consents.activeFor(em, plan.caseId, 'reintegration'))) {
        throw new DomainError('CONSENT_REQUIRED', 'Record the migrant’s reintegration consent (purpose "reintegration") before submitting the plan');
      }
      const org = await this.settings.findOwner(em, plan.owningOrganizationId);
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
   * Maker-checker (DESIGN §2, reintegration.rules.ts): a manager who did not submit the plan
   * approves it; above the ceiling the first approval waits for a second manager who is neither
   * the submitter nor the first approver (403 SELF_APPROVAL_FORBIDDEN).
   */
  approve(actor: Actor, id: string): Promise<PlanView> {
    return this.writer.act(actor, id, 'approve', async (em, plan) => {
      assertMayDecide(actor, plan, 'approve');
      const status = nextPlanStatus(plan.status, 'approve', { approvalsRequired: plan.approvalsRequired ?? 1 });
      const before = snapshot(plan);
      const now = this.clock.now();
      const second = plan.status === 'awaiting_second_approval';
      Object.assign(plan, second ? { status, secondApprovedAt: now, secondApprovedBy: actor.userId } : { status, firstApprovedAt: now, firstApprovedBy: actor.userId });
      return { action: status === 'approved' ? 'reintegration_plan.approved' : 'reintegration_plan.first_approved', changes: diff(before, snapshot(plan), MASKED), details: { approval: second ? 2 : 1, of: plan.approvalsRequired } };
    });
  }

  reject(actor: Actor, id: string, reason: string): Promise<PlanView> {
    return this.writer.act(actor, id, 'reject', async (em, plan) => {
      assertMayDecide(actor, plan, 'reject');
      const status = nextPlanStatus(plan.status, 'reject');
      const before = snapshot(plan);
      Object.assign(plan, { status, rejectedAt: this.clock.now(), rejectedBy: actor.userId, rejectionReason: reason.trim() });
      return { action: 'reintegration_plan.rejected', changes: diff(before, snapshot(plan), MASKED), details: { reason: plan.rejectionReason } };
    });
  }

  /** Issue 10: completed once no item is still planned (each delivered or cancelled). */
  complete(actor: Actor, id: string): Promise<PlanView> {
    return this.writer.act(actor, id, 'complete', async (em, plan) => {
      const status = nextPlanStatus(plan.status, 'complete');
      const planned = await this.items.countPlanned(em, plan.id);
      if (planned) throw new DomainError('CONFLICT', `${planned} item(s) still planned: deliver or cancel each before completing the plan`);
      const before = snapshot(plan);
      Object.assign(plan, { status, completedAt: this.clock.now(), completedBy: actor.userId });
      return { action: 'reintegration_plan.completed', changes: diff(before, snapshot(plan), MASKED) };
    });
  }

  /** Everything that happened to the plan, from the audit trail (reads left out), oldest first. */
  async timeline(actor: Actor, planId: string, page: PageRequest) {
    const plan = await this.plans.findVisible(this.db.manager, actor, planId);
    await this.audit.record(null, actor, 'reintegration_plan.timeline_viewed', planTarget(plan), { details: { caseId: plan.caseId } });
    const p = await this.plans.timeline(this.db.manager, plan.id, page);
    return { nextCursor: p.nextCursor, items: p.items.map((e) => ({ at: e.at, type: e.type, actorUserId: e.actorUserId, details: e.details, changedFields: Object.keys(e.changes ?? {}) })) };
  }

  /** Issue 10: a returnee is a case with an arrived return to Mali, or one registered as a returnee. */
  private async isReturnee(em: EntityManager, c: Case): Promise<boolean> {
    return c.migrantCategory === 'returnee' || (await hasArrivedReturnTo(em, c.id, 'MLI'));
  }
}
