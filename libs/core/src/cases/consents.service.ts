import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, validationFailed } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import type { ConsentPurpose } from './case-vocabulary.js';
import type { ConsentInput } from './case.types.js';
import { assertNotAnonymized, CasesService } from './cases.service.js';
import { Organization } from '../organizations/index.js';
import { Consent } from './consent.entity.js';

/** Consents per purpose (DESIGN §3); withdrawal takes effect at once. */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly db: DataSource,
    private readonly cases: CasesService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  record(actor: Actor, caseId: string, input: ConsentInput): Promise<Consent> {
    return this.db.transaction(async (em) => {
      const c = await this.cases.getVisible(em, actor, caseId, true);
      assertCan(actor, 'update', 'Case', c);
      assertNotAnonymized(c);
      const orgs = [...new Set(input.organizationIds ?? [])];
      if (orgs.length && (await em.getRepository(Organization).countBy(orgs.map((id) => ({ id })))) !== orgs.length) {
        throw validationFailed([{ field: 'organizationIds', message: 'every organization must exist' }]);
      }
      const consent = await this.cases.recordConsent(em, actor, c, { ...input, organizationIds: orgs }, this.clock.now());
      await this.audit.record(em, actor, 'consent.recorded', this.cases.target(c), { details: { consentId: consent.id, purpose: consent.purpose, basis: consent.basis, organizationIds: orgs } });
      return consent;
    });
  }

  withdraw(actor: Actor, caseId: string, consentId: string, reason?: string): Promise<Consent> {
    return this.db.transaction(async (em) => {
      const c = await this.cases.getVisible(em, actor, caseId, true);
      assertCan(actor, 'update', 'Case', c);
      const consent = await em.findOne(Consent, { where: { id: consentId, caseId: c.id }, lock: { mode: 'pessimistic_write' } });
      if (!consent) throw new DomainError('NOT_FOUND', 'Consent not found');
      if (consent.withdrawnAt) throw new DomainError('INVALID_TRANSITION', 'The consent is already withdrawn');
      Object.assign(consent, { withdrawnAt: this.clock.now(), withdrawnBy: actor.userId, withdrawalReason: reason ?? null });
      await em.save(consent);
      await this.audit.record(em, actor, 'consent.withdrawn', this.cases.target(c), { details: { consentId: consent.id, purpose: consent.purpose } });
      return consent;
    });
  }

  async list(actor: Actor, caseId: string): Promise<Consent[]> {
    const c = await this.cases.getRecord(this.db.manager, actor, caseId);
    return this.db.getRepository(Consent).find({ where: { caseId: c.id }, order: { recordedAt: 'DESC' } });
  }

  /** An active consent for `purpose` covering `organizationId` (none listed: covers all). */
  async activeFor(em: EntityManager, caseId: string, purpose: ConsentPurpose, organizationId?: string): Promise<Consent | null> {
    const qb = em
      .getRepository(Consent)
      .createQueryBuilder('k')
      .where('k.case_id = :caseId AND k.purpose = :purpose AND k.withdrawn_at IS NULL', { caseId, purpose })
      .orderBy('k.recorded_at', 'DESC');
    if (organizationId) qb.andWhere(`(cardinality(k.organization_ids) = 0 OR :org = ANY(k.organization_ids))`, { org: organizationId });
    return qb.getOne();
  }
}
