import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, stampedBy, validationFailed } from '@passerelle/common';
import { diff } from '../audit/index.js';
import { itemSnapshot, maliToday } from './plan-snapshots.js';
import { type ItemAction, nextItemStatus, nextPlanStatus } from './plan-status.js';
import { ReintegrationItem, type ReintegrationPlan } from './reintegration.entity.js';
import type { DeliverItemInput, ItemInput, PlanView, UpdateItemInput } from './reintegration.types.js';
import { dimensionOf, MAX_ITEM_BUDGET_XOF, REINTEGRATION_ITEM_TYPES } from './reintegration-vocabulary.js';
import { ReintegrationItemsRepository } from './reintegration-items.repository.js';
import { ReintegrationPlanWriter } from './reintegration-plan.writer.js';

export type ItemChange = PlanView & { item: ReintegrationItem };

/**
 * A plan's items (issue 10): added and changed while the plan is a draft, delivered once it is
 * approved (the first delivery starts it), cancelled in either. Each change keeps the plan's
 * total and goes through ReintegrationPlanWriter (capability, lock, rules, version, audit).
 */
@Injectable()
export class ReintegrationItemsService {
  constructor(
    private readonly items: ReintegrationItemsRepository,
    private readonly writer: ReintegrationPlanWriter,
    private readonly clock: Clock,
  ) {}

  add(actor: Actor, planId: string, input: ItemInput): Promise<ItemChange> {
    let item!: ReintegrationItem;
    return this.writer
      .act(actor, planId, 'update', async (em, plan) => {
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
          ...stampedBy(actor),
        });
        await this.items.insert(em, item);
        plan.totalBudgetXof = await this.items.totalBudget(em, plan.id);
        return { action: 'reintegration_plan.item_added', changes: diff(null, itemSnapshot(item)), details: { itemId: item.id } };
      })
      .then((v) => ({ ...v, item: v.items.find((i) => i.id === item.id)! }));
  }

  update(actor: Actor, planId: string, itemId: string, patch: UpdateItemInput): Promise<ItemChange> {
    return this.change(actor, planId, itemId, 'edit', async (em, plan, item) => {
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
  deliver(actor: Actor, planId: string, itemId: string, input: DeliverItemInput): Promise<ItemChange> {
    return this.change(actor, planId, itemId, 'deliver', async (em, plan, item) => {
      const today = maliToday(this.clock.now());
      if (input.deliveredOn > today) throw validationFailed([{ field: 'deliveredOn', message: 'must not be in the future' }]);
      const before = itemSnapshot(item);
      Object.assign(item, { status: nextItemStatus(item.status, 'deliver'), deliveredOn: input.deliveredOn, evidenceNote: input.evidenceNote.trim(), deliveredBy: actor.userId });
      return { action: 'reintegration_plan.item_delivered', changes: diff(before, itemSnapshot(item)) };
    });
  }

  /** A planned item is dropped, with the reason: from a draft (editing) or an approved plan (implementation). */
  cancel(actor: Actor, planId: string, itemId: string, reason: string): Promise<ItemChange> {
    return this.change(actor, planId, itemId, 'cancel', async (em, plan, item) => {
      const before = itemSnapshot(item);
      Object.assign(item, { status: nextItemStatus(item.status, 'cancel'), cancelledAt: this.clock.now(), cancelledBy: actor.userId, cancelReason: reason.trim() });
      return { action: 'reintegration_plan.item_cancelled', changes: diff(before, itemSnapshot(item)) };
    });
  }

  /** An item of the plan (404) → the table of the plan for that item action → the item's table → write. */
  private change(
    actor: Actor,
    planId: string,
    itemId: string,
    action: ItemAction,
    change: (em: EntityManager, plan: ReintegrationPlan, item: ReintegrationItem) => Promise<{ action: string; changes: ReturnType<typeof diff> }>,
  ): Promise<ItemChange> {
    return this.writer
      .act(actor, planId, action === 'edit' ? 'update' : action === 'deliver' ? 'deliver' : 'update', async (em, plan) => {
        const item = await this.items.lockOfPlan(em, plan.id, itemId);
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
        await this.items.persist(em, item, actor.userId);
        plan.totalBudgetXof = await this.items.totalBudget(em, plan.id);
        return { ...done, details: { itemId: item.id } };
      })
      .then(async (v) => ({ ...v, item: v.items.find((i) => i.id === itemId)! }));
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
    if (partner && partner !== current?.partnerOrganizationId && !(await this.items.partnerExists(em, partner))) {
      errors.push({ field: 'partnerOrganizationId', message: 'must be an organization of the platform' });
    }
    if (errors.length) throw validationFailed(errors);
    return { type: input.type, dimension: dimension!, description: input.description.trim(), budgetXof: input.budgetXof, partnerOrganizationId: partner };
  }
}
