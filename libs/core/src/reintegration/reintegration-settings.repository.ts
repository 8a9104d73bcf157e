import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Organization } from '../organizations/index.js';

/** The SQL of an organization's reintegration settings: its budget ceiling, read, locked, set. */
@Injectable()
export class ReintegrationSettingsRepository {
  find(em: EntityManager, orgId: string): Promise<Organization | null> {
    return em.findOneBy(Organization, { id: orgId });
  }

  /** The organization of a plan being submitted (it exists: a foreign key). */
  findOwner(em: EntityManager, orgId: string): Promise<Organization> {
    return em.findOneByOrFail(Organization, { id: orgId });
  }

  /** The organization, row-locked until `em`'s transaction ends: concurrent settings queue. */
  lock(em: EntityManager, orgId: string): Promise<Organization | null> {
    return em.getRepository(Organization).createQueryBuilder('o').where('o.id = :id', { id: orgId }).setLock('pessimistic_write').getOne();
  }

  async setBudgetCeiling(em: EntityManager, orgId: string, budgetCeilingXof: number | null, by: string | null): Promise<void> {
    await em.update(Organization, { id: orgId }, { reintegrationBudgetCeilingXof: budgetCeilingXof, updatedBy: by });
  }
}
