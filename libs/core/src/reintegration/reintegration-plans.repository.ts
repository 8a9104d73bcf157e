import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy, updateVersioned, whereDayRange } from '@passerelle/common';
import { type TimelineRow, timelinePage } from '../audit/index.js';
import { caseAssigneeSql, caseSiteSql } from '../cases/index.js';
import type { PlanStatus } from './plan-status.js';
import { ReintegrationPlan } from './reintegration.entity.js';
import type { PlanFilter } from './reintegration.types.js';

/** The SQL of the fields the plan rules (reintegration.rules.ts) test. */
export const PLAN_FIELDS: FieldMap = {
  id: 'p.id',
  owningOrganizationId: 'p.owning_organization_id',
  caseSiteId: caseSiteSql('p'),
  caseAssignedTo: caseAssigneeSql('p'),
};

/** Columns a plan write may set (never ids, owner or case). */
export const PLAN_WRITABLE: (keyof ReintegrationPlan)[] = [
  'status', 'summary', 'budgetCeilingXof', 'approvalsRequired', 'submittedAt', 'submittedBy', 'firstApprovedAt', 'firstApprovedBy', 'secondApprovedAt',
  'secondApprovedBy', 'rejectedAt', 'rejectedBy', 'rejectionReason', 'startedAt', 'completedAt', 'completedBy',
];


/**
 * The SQL of reintegration plans: the plans an actor may read (the CASL rules as SQL), one plan
 * loaded or row-locked in that scope (404), the case's plans, the list page, the versioned write,
 * and the plan's timeline from the audit trail. Takes `em` first and never opens a transaction.
 */
@Injectable()
export class ReintegrationPlansRepository {
  constructor(private readonly cursors: CursorCodec) {}

  /** Lists and single reads start here: the same CASL rules, as SQL (CONVENTIONS §2). */
  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<ReintegrationPlan> {
    return readableBy(em, actor, ReintegrationPlan, 'ReintegrationPlan', 'p', PLAN_FIELDS);
  }

  /** A plan the actor may read, else 404 (also another organization's: DESIGN §2). */
  findVisible(em: EntityManager, actor: Actor, id: string): Promise<ReintegrationPlan> {
    return this.one(this.visible(em, actor).andWhere('p.id = :id', { id }));
  }

  /** The same, row-locked until `em`'s transaction ends: concurrent actions on one plan queue. */
  lockVisible(em: EntityManager, actor: Actor, id: string): Promise<ReintegrationPlan> {
    return this.one(this.visible(em, actor).andWhere('p.id = :id', { id }).setLock('pessimistic_write', undefined, ['p']));
  }

  /** The case's plan the actor may read: the one not rejected, else the latest rejected one. */
  findForCase(em: EntityManager, actor: Actor, caseId: string): Promise<ReintegrationPlan | null> {
    return this.visible(em, actor)
      .andWhere('p.case_id = :caseId', { caseId })
      .orderBy(`CASE WHEN p.status = 'rejected' THEN 1 ELSE 0 END`, 'ASC')
      .addOrderBy('p.created_at', 'DESC')
      .getOne();
  }

  /** Every plan of the case the actor may read. */
  visibleOfCase(em: EntityManager, actor: Actor, caseId: string): Promise<ReintegrationPlan[]> {
    return this.visible(em, actor).andWhere('p.case_id = :caseId', { caseId }).getMany();
  }

  /** The plans the actor may see, newest first, by status, case and creation date (whole days, UTC). */
  list(em: EntityManager, actor: Actor, filter: PlanFilter, page: PageRequest): Promise<Page<ReintegrationPlan>> {
    const qb = this.visible(em, actor);
    if (filter.status) qb.andWhere('p.status = :status', { status: filter.status });
    if (filter.caseId) qb.andWhere('p.case_id = :caseId', { caseId: filter.caseId });
    whereDayRange(qb, 'p.created_at', filter);
    return paginate<ReintegrationPlan>(qb, page, byTime('reintegration-plans', 'p', 'created_at', (p) => p.createdAt), this.cursors);
  }

  /** The case's plan that is not rejected, if any (one per case: reintegration_plans_one_per_case). */
  async liveOfCase(em: EntityManager, caseId: string): Promise<{ id: string; status: PlanStatus } | null> {
    const [row] = await em.query(`SELECT id, status FROM reintegration_plans WHERE case_id = $1 AND status <> 'rejected' LIMIT 1`, [caseId]);
    return row ?? null;
  }

  /** The status of the plan's case now (the plan, not the case, is locked). */
  async caseStatus(em: EntityManager, caseId: string): Promise<string> {
    const [c] = await em.query(`SELECT status FROM cases WHERE id = $1`, [caseId]);
    return c.status;
  }

  async insert(em: EntityManager, plan: ReintegrationPlan): Promise<void> {
    await em.insert(ReintegrationPlan, plan);
  }

  /** Writes the plan's writable columns and its total, version + 1 (under the row lock taken by `lockVisible`). */
  async persist(em: EntityManager, plan: ReintegrationPlan, by: string | null): Promise<void> {
    const set: Record<string, unknown> = Object.fromEntries(PLAN_WRITABLE.map((k) => [k, plan[k]]));
    const { version, updatedAt } = await updateVersioned(em, ReintegrationPlan, { id: plan.id, what: 'plan' }, { ...set, totalBudgetXof: plan.totalBudgetXof }, by);
    Object.assign(plan, { version, updatedAt, updatedBy: by });
  }

  /** Everything that happened to the plan, from the audit trail (reads left out), oldest first. */
  timeline(em: EntityManager, planId: string, page: PageRequest): Promise<Page<TimelineRow>> {
    return timelinePage(em, this.cursors, { list: `plan-timeline:${planId}`, where: `e.entity_type = 'ReintegrationPlan' AND e.entity_id = :id`, params: { id: planId } }, page);
  }

  private async one(qb: SelectQueryBuilder<ReintegrationPlan>): Promise<ReintegrationPlan> {
    const plan = await qb.getOne();
    if (!plan) throw new DomainError('NOT_FOUND', 'Reintegration plan not found');
    return plan;
  }
}
