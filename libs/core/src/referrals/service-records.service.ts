import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, assertCan, Clock, CursorCodec, DomainError, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import { CasesService } from '../cases/index.js';
import { Organization } from '../organizations/index.js';
import { acceptedReferral } from './accepted-referral.js';
import type { Referral } from './referral.entity.js';
import { SERVICE_RECORD_FIELDS } from './referral.rules.js';
import type { RecordServiceInput, ServiceFilter, ServiceInput } from './referral.types.js';
import { ServiceRecord } from './service-record.entity.js';

/** Services delivered to a migrant (DESIGN §4): by the owning org, or an org holding an accepted referral. */
@Injectable()
export class ServiceRecordsService {
  constructor(
    private readonly db: DataSource,
    private readonly cases: CasesService,
    private readonly audit: AuditWriter,
    private readonly cursors: CursorCodec,
    private readonly clock: Clock,
  ) {}

  record(actor: Actor, caseId: string, input: RecordServiceInput): Promise<ServiceRecord> {
    return this.db.transaction(async (em) => {
      const c = await this.cases.getVisible(em, actor, caseId); // 404, shared views included
      assertCan(actor, 'create', 'ServiceRecord');
      let referral: Referral | null = null;
      if (c.owningOrganizationId === actor.organizationId) {
        assertCan(actor, 'update', 'Case', c);
        if (input.referralId) throw new DomainError('FORBIDDEN', 'Services under a referral are recorded by the organization it was sent to');
      } else {
        // Another organization: only under a referral to it that it accepted (and that still shares the case).
        referral = await acceptedReferral(em, c.id, actor.organizationId!, { referralId: input.referralId });
        if (!referral) throw new DomainError('FORBIDDEN', 'Only the owning organization or one holding an accepted referral for this case may record services');
      }
      const record = referral ? await this.insert(em, actor, referral, input) : await this.insertOwn(em, actor, c.id, c.owningOrganizationId, input);
      return record;
    });
  }

  /** A service provided under `referral` by its receiving organization (on completion, or while accepted). */
  insert(em: EntityManager, actor: Actor, referral: Referral, input: ServiceInput): Promise<ServiceRecord> {
    return this.save(em, actor, { caseId: referral.caseId, owningOrganizationId: referral.owningOrganizationId, providingOrganizationId: referral.toOrganizationId, referralId: referral.id }, input);
  }

  list(actor: Actor, filter: ServiceFilter, page: PageRequest): Promise<Page<ServiceRecord>> {
    const qb = this.visible(this.db.manager, actor);
    if (filter.caseId) qb.andWhere('sr.case_id = :caseId', { caseId: filter.caseId });
    if (filter.referralId) qb.andWhere('sr.referral_id = :referralId', { referralId: filter.referralId });
    if (filter.from) qb.andWhere('sr.date >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('sr.date <= :to', { to: filter.to });
    return paginate<ServiceRecord>(
      qb,
      page,
      { list: 'services', columns: [{ expr: 'sr.created_at', cast: 'timestamptz' }, { expr: 'sr.id', cast: 'uuid' }], direction: 'DESC', keyOf: (s) => [s.createdAt.toISOString(), s.id] },
      this.cursors,
    );
  }

  /** The services of a case the actor may see (404 when the case is hidden from them). */
  async listForCase(actor: Actor, caseId: string, page: PageRequest): Promise<Page<ServiceRecord>> {
    const c = await this.cases.getVisible(this.db.manager, actor, caseId);
    return this.list(actor, { caseId: c.id }, page);
  }

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<ServiceRecord> {
    return readableBy(em, actor, ServiceRecord, 'ServiceRecord', 'sr', SERVICE_RECORD_FIELDS);
  }

  private insertOwn(em: EntityManager, actor: Actor, caseId: string, owner: string, input: ServiceInput): Promise<ServiceRecord> {
    return this.save(em, actor, { caseId, owningOrganizationId: owner, providingOrganizationId: owner, referralId: null }, input);
  }

  private async save(
    em: EntityManager,
    actor: Actor,
    who: Pick<ServiceRecord, 'caseId' | 'owningOrganizationId' | 'providingOrganizationId' | 'referralId'>,
    input: ServiceInput,
  ): Promise<ServiceRecord> {
    const provider = await em.findOneByOrFail(Organization, { id: who.providingOrganizationId });
    if (!provider.capabilities.includes(input.serviceType)) {
      throw new DomainError('SERVICE_NOT_OFFERED', `${provider.code} does not offer ${input.serviceType}`, { errors: [{ field: 'serviceType', message: `not offered by ${provider.code}` }] });
    }
    const record = em.create(ServiceRecord, { ...who, serviceType: input.serviceType, date: input.date, description: input.description ?? null, createdBy: actor.userId, createdAt: this.clock.now() });
    await em.insert(ServiceRecord, record);
    await this.audit.record(em, actor, 'service.recorded', { type: 'ServiceRecord', id: record.id, organizationId: who.owningOrganizationId }, {
      details: { caseId: who.caseId, referralId: who.referralId, serviceType: input.serviceType, date: input.date, providingOrganizationId: who.providingOrganizationId },
    });
    return record;
  }
}
