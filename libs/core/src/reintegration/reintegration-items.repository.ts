import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '@passerelle/common';
import { Organization } from '../organizations/index.js';
import { ReintegrationItem } from './reintegration.entity.js';

/** Columns an item write may set (never ids, plan, case or owner). */
const ITEM_WRITABLE = [
  'type', 'dimension', 'description', 'budgetXof', 'partnerOrganizationId', 'status', 'deliveredOn', 'evidenceNote', 'cancelReason', 'deliveredBy', 'cancelledAt', 'cancelledBy',
] as const satisfies readonly (keyof ReintegrationItem)[];

/**
 * The SQL of a plan's items: the items of a plan, one row-locked (404), the counts and the budget
 * total the plan keeps, the writes. Takes `em` first and never opens a transaction.
 */
@Injectable()
export class ReintegrationItemsRepository {
  /** The plan's items, oldest first. */
  ofPlan(em: EntityManager, planId: string): Promise<ReintegrationItem[]> {
    return em.getRepository(ReintegrationItem).find({ where: { planId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** An item of the plan, row-locked until `em`'s transaction ends, else 404. */
  async lockOfPlan(em: EntityManager, planId: string, itemId: string): Promise<ReintegrationItem> {
    const item = await em.getRepository(ReintegrationItem).createQueryBuilder('i').where('i.id = :itemId AND i.plan_id = :planId', { itemId, planId }).setLock('pessimistic_write').getOne();
    if (!item) throw new DomainError('NOT_FOUND', 'Item not found');
    return item;
  }

  countPlanned(em: EntityManager, planId: string): Promise<number> {
    return em.count(ReintegrationItem, { where: { planId, status: 'planned' } });
  }

  /** Σ budgets of the plan's items not cancelled: the plan's `totalBudgetXof`. */
  async totalBudget(em: EntityManager, planId: string): Promise<number> {
    const [row] = await em.query(`SELECT COALESCE(sum(budget_xof), 0)::bigint AS total FROM reintegration_items WHERE plan_id = $1 AND status <> 'cancelled'`, [planId]);
    return Number(row.total);
  }

  /** Whether a partner named by an item is an organization of the platform. */
  partnerExists(em: EntityManager, organizationId: string): Promise<boolean> {
    return em.existsBy(Organization, { id: organizationId });
  }

  async insert(em: EntityManager, item: ReintegrationItem): Promise<void> {
    await em.insert(ReintegrationItem, item);
  }

  /** Writes the item's writable columns, stamped by `by`. */
  async persist(em: EntityManager, item: ReintegrationItem, by: string | null): Promise<void> {
    item.updatedBy = by;
    await em.update(ReintegrationItem, { id: item.id }, { ...Object.fromEntries(ITEM_WRITABLE.map((k) => [k, item[k]])), updatedBy: by });
  }
}
