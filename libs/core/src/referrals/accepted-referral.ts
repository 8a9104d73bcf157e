import type { EntityManager } from 'typeorm';
import type { Capability } from '../organizations/index.js';
import { Referral } from './referral.entity.js';

/**
 * The newest referral of a case to an organization that it accepted (for one service type, or
 * one referral): what lets an organization other than the case's act on it — record a service,
 * issue a letter (DESIGN §4, §6). Whether it still shares the case is the case scope's question.
 */
export function acceptedReferral(em: EntityManager, caseId: string, organizationId: string, only: { serviceType?: Capability; referralId?: string } = {}): Promise<Referral | null> {
  const qb = em
    .getRepository(Referral)
    .createQueryBuilder('r')
    .where(`r.case_id = :case AND r.to_organization_id = :org AND r.status = 'accepted'`, { case: caseId, org: organizationId })
    .orderBy('r.created_at', 'DESC');
  if (only.serviceType) qb.andWhere('r.service_type = :serviceType', { serviceType: only.serviceType });
  if (only.referralId) qb.andWhere('r.id = :referralId', { referralId: only.referralId });
  return qb.getOne();
}
