import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '@passerelle/common';
import { Organization } from '../organizations/index.js';
import type { ConsentPurpose } from './case-vocabulary.js';
import type { ConsentInput } from './case.types.js';
import { Consent } from './consent.entity.js';

/** The SQL of consents (DESIGN §3). Takes `em` first and never opens a transaction. */
@Injectable()
export class ConsentsRepository {
  /** A new consent of the case `c`, recorded by `recordedBy` at `now`. */
  insert(em: EntityManager, c: { id: string; owningOrganizationId: string }, input: ConsentInput, recordedBy: string | null, now: Date): Promise<Consent> {
    return em.save(
      em.create(Consent, {
        caseId: c.id,
        owningOrganizationId: c.owningOrganizationId,
        purpose: input.purpose,
        basis: input.basis,
        method: input.method,
        organizationIds: [...new Set(input.organizationIds ?? [])],
        notes: input.notes ?? null,
        recordedBy,
        recordedAt: now,
      }),
    );
  }

  /** A consent of the case, row-locked until the transaction ends, else 404. */
  async lock(em: EntityManager, caseId: string, consentId: string): Promise<Consent> {
    const consent = await em.findOne(Consent, { where: { id: consentId, caseId }, lock: { mode: 'pessimistic_write' } });
    if (!consent) throw new DomainError('NOT_FOUND', 'Consent not found');
    return consent;
  }

  persist(em: EntityManager, consent: Consent): Promise<Consent> {
    return em.save(consent);
  }

  /** The case's consents, newest first. */
  ofCase(em: EntityManager, caseId: string): Promise<Consent[]> {
    return em.getRepository(Consent).find({ where: { caseId }, order: { recordedAt: 'DESC' } });
  }

  /** Whether every one of these organizations exists. */
  async organizationsExist(em: EntityManager, ids: string[]): Promise<boolean> {
    return (await em.getRepository(Organization).countBy(ids.map((id) => ({ id })))) === ids.length;
  }

  /** An active consent for `purpose` covering `organizationId` (none listed: covers all). */
  activeFor(em: EntityManager, caseId: string, purpose: ConsentPurpose, organizationId?: string): Promise<Consent | null> {
    const qb = em
      .getRepository(Consent)
      .createQueryBuilder('k')
      .where('k.case_id = :caseId AND k.purpose = :purpose AND k.withdrawn_at IS NULL', { caseId, purpose })
      .orderBy('k.recorded_at', 'DESC');
    if (organizationId) qb.andWhere(`(cardinality(k.organization_ids) = 0 OR :org = ANY(k.organization_ids))`, { org: organizationId });
    return qb.getOne();
  }
}
