import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CursorCodec, type Page, type PageRequest, paginate } from '@passerelle/common';
import { ReintegrationVisit } from './reintegration.entity.js';

/** The SQL of monitoring visits: the writes, a plan's page of visits, the visits of a case's plans. */
@Injectable()
export class ReintegrationVisitsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  async insert(em: EntityManager, visit: ReintegrationVisit): Promise<void> {
    await em.insert(ReintegrationVisit, visit);
  }

  /** The plan's visits, oldest first (visit date, then when recorded). */
  ofPlan(em: EntityManager, planId: string, page: PageRequest): Promise<Page<ReintegrationVisit>> {
    const qb = em.getRepository(ReintegrationVisit).createQueryBuilder('v').where('v.plan_id = :planId', { planId });
    return paginate<ReintegrationVisit>(
      qb,
      page,
      { list: `reintegration-visits:${planId}`, columns: [{ expr: 'v.visit_date', cast: 'date' }, { expr: 'v.created_at', cast: 'timestamptz' }, { expr: 'v.id', cast: 'uuid' }], direction: 'ASC', keyOf: (v) => [v.visitDate, v.createdAt.toISOString(), v.id] },
      this.cursors,
    );
  }

  /** Every visit of the plans, by visit date. */
  ofPlans(em: EntityManager, planIds: string[]): Promise<ReintegrationVisit[]> {
    return em
      .getRepository(ReintegrationVisit)
      .createQueryBuilder('v')
      .where('v.plan_id IN (:...ids)', { ids: planIds })
      .orderBy('v.visit_date', 'ASC')
      .addOrderBy('v.created_at', 'ASC')
      .addOrderBy('v.id', 'ASC')
      .getMany();
  }
}
