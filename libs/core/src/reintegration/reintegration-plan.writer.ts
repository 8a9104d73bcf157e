import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan } from '@passerelle/common';
import { AuditWriter, type diff } from '../audit/index.js';
import { planTarget } from './plan-snapshots.js';
import type { ReintegrationPlan } from './reintegration.entity.js';
import { requireReintegrationCapability } from './reintegration.rules.js';
import type { PlanView } from './reintegration.types.js';
import { ReintegrationItemsRepository } from './reintegration-items.repository.js';
import { ReintegrationPlansRepository } from './reintegration-plans.repository.js';

/** What a change to a plan did, for the audit; `keepVersion` when the plan row itself is unchanged. */
export interface PlanChange {
  action: string;
  changes?: ReturnType<typeof diff>;
  details?: Record<string, unknown>;
  keepVersion?: boolean;
}

/**
 * Every write on a plan, its items or its visits takes this one path: capability (403) → the plan
 * loaded in scope and row-locked (404) → the rule on the record (403) → `change` (maker-checker,
 * the transition tables, the change itself) → the plan row with version + 1 → audit in the same
 * transaction, on the plan, with `details.caseId` for the case's timeline.
 */
@Injectable()
export class ReintegrationPlanWriter {
  constructor(
    private readonly db: DataSource,
    private readonly plans: ReintegrationPlansRepository,
    private readonly items: ReintegrationItemsRepository,
    private readonly audit: AuditWriter,
  ) {}

  act(actor: Actor, id: string, action: string, change: (em: EntityManager, plan: ReintegrationPlan) => Promise<PlanChange>): Promise<PlanView> {
    requireReintegrationCapability(actor);
    return this.db.transaction(async (em) => {
      // Row lock: concurrent actions on one plan queue; the second sees the first's result (409).
      const plan = await this.plans.lockVisible(em, actor, id);
      assertCan(actor, action, 'ReintegrationPlan', plan);
      const done = await change(em, plan);
      if (!done.keepVersion) await this.plans.persist(em, plan, actor.userId);
      await this.audit.record(em, actor, done.action, planTarget(plan), { changes: done.changes ?? null, details: { caseId: plan.caseId, ...(done.details ?? {}) } });
      return this.view(em, plan);
    });
  }

  /** A plan with its items, oldest first. */
  async view(em: EntityManager, plan: ReintegrationPlan): Promise<PlanView> {
    return { plan, items: await this.items.ofPlan(em, plan.id) };
  }
}
