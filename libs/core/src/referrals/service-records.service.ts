import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, DomainError, type Page, type PageRequest } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import { CasesRepository } from '../cases/index.js';
import { OrganizationsRepository } from '../organizations/index.js';
import type { Referral } from './referral.entity.js';
import { assertOffers } from './referral.rules.js';
import type { RecordServiceInput, ServiceFilter, ServiceInput } from './referral.types.js';
import { ReferralsRepository } from './referrals.repository.js';
import { ServiceRecord } from './service-record.entity.js';
import { ServiceRecordsRepository } from './service-records.repository.js';

/** Services delivered to a migrant (DESIGN §4): by the owning org, or an org holding an accepted referral. */
@Injectable()
export class ServiceRecordsService {
  constructor(
    private readonly db: DataSource,
    private readonly caseRepo: CasesRepository,
    private readonly referrals: ReferralsRepository,
    private readonly repo: ServiceRecordsRepository,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    private readonly organizations: OrganizationsRepository,
  ) {}

  /** Who may record: referral.rules.ts (the owning organization, or one holding an accepted referral). */
  record(actor: Actor, caseId: string, input: RecordServiceInput): Promise<ServiceRecord> {
    return this.db.transaction(async (em) => {
      const c = await this.caseRepo.findVisible(em, actor, caseId); // 404, shared views included
      assertCan(actor, 'create', 'ServiceRecord');
      let referral: Referral | null = null;
      if (c.owningOrganizationId === actor.organizationId) {
        assertCan(actor, 'update', 'Case', c);
        if (input.referralId) throw new DomainError('FORBIDDEN', 'Services under a referral are recorded by the organization it was sent to');
      } else {
        // Another organization: only under a referral to it that it accepted (and that still shares the case).
        referral = await this.referrals.findAccepted(em, c.id, actor.organizationId!, { referralId: input.referralId });
        if (!referral) throw new DomainError('FORBIDDEN', 'Only the owning organization or one holding an accepted referral for this case may record services');
      }
      const record = referral ? await this.recordUnder(em, actor, referral, input) : await this.recordOwn(em, actor, c.id, c.owningOrganizationId, input);
      return record;
    });
  }

  /** A service provided under `referral` by its receiving organization (on completion, or while accepted). */
  recordUnder(em: EntityManager, actor: Actor, referral: Referral, input: ServiceInput): Promise<ServiceRecord> {
    return this.recordFor(em, actor, { caseId: referral.caseId, owningOrganizationId: referral.owningOrganizationId, providingOrganizationId: referral.toOrganizationId, referralId: referral.id }, input);
  }

  list(actor: Actor, filter: ServiceFilter, page: PageRequest): Promise<Page<ServiceRecord>> {
    return this.repo.list(this.db.manager, actor, filter, page);
  }

  /** The services of a case the actor may see (404 when the case is hidden from them). */
  async listForCase(actor: Actor, caseId: string, page: PageRequest): Promise<Page<ServiceRecord>> {
    const c = await this.caseRepo.findVisible(this.db.manager, actor, caseId);
    return this.list(actor, { caseId: c.id }, page);
  }

  /** The services recorded under a referral that the actor may see, newest first. */
  listForReferral(em: EntityManager, actor: Actor, referralId: string): Promise<ServiceRecord[]> {
    return this.repo.listForReferral(em, actor, referralId);
  }

  private recordOwn(em: EntityManager, actor: Actor, caseId: string, owner: string, input: ServiceInput): Promise<ServiceRecord> {
    return this.recordFor(em, actor, { caseId, owningOrganizationId: owner, providingOrganizationId: owner, referralId: null }, input);
  }

  /** The provider must offer the service (422) → insert → audit. */
  private async recordFor(
    em: EntityManager,
    actor: Actor,
    who: Pick<ServiceRecord, 'caseId' | 'owningOrganizationId' | 'providingOrganizationId' | 'referralId'>,
    input: ServiceInput,
  ): Promise<ServiceRecord> {
    const provider = await this.organizations.getById(em, who.providingOrganizationId);
    assertOffers(provider, input.serviceType);
    const record = em.create(ServiceRecord, { ...who, serviceType: input.serviceType, date: input.date, description: input.description ?? null, createdBy: actor.userId, createdAt: this.clock.now() });
    await this.repo.insert(em, record);
    await this.audit.record(em, actor, 'service.recorded', { type: 'ServiceRecord', id: record.id, organizationId: who.owningOrganizationId }, {
      details: { caseId: who.caseId, referralId: who.referralId, serviceType: input.serviceType, date: input.date, providingOrganizationId: who.providingOrganizationId },
    });
    return record;
  }
}
