import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { caseAssigneeSql, caseSiteSql } from '../cases/index.js';
import type { ServiceFilter } from './referral.types.js';
import { ServiceRecord } from './service-record.entity.js';

/** The SQL field map of the ServiceRecord rules (referral.rules.ts). */
export const SERVICE_RECORD_FIELDS: FieldMap = {
  id: 'sr.id',
  owningOrganizationId: 'sr.owning_organization_id',
  providingOrganizationId: 'sr.providing_organization_id',
  caseSiteId: caseSiteSql('sr'),
  caseAssignedTo: caseAssigneeSql('sr'),
};

/** The SQL of service records: the scoped register, the services of one referral, the insert. */
@Injectable()
export class ServiceRecordsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<ServiceRecord> {
    return readableBy(em, actor, ServiceRecord, 'ServiceRecord', 'sr', SERVICE_RECORD_FIELDS);
  }

  list(em: EntityManager, actor: Actor, filter: ServiceFilter, page: PageRequest): Promise<Page<ServiceRecord>> {
    const qb = this.visible(em, actor);
    if (filter.caseId) qb.andWhere('sr.case_id = :caseId', { caseId: filter.caseId });
    if (filter.referralId) qb.andWhere('sr.referral_id = :referralId', { referralId: filter.referralId });
    if (filter.from) qb.andWhere('sr.date >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('sr.date <= :to', { to: filter.to });
    return paginate<ServiceRecord>(qb, page, byTime('services', 'sr', 'created_at', (s) => s.createdAt), this.cursors);
  }

  /** The services recorded under a referral that the actor may see, newest date first. */
  listForReferral(em: EntityManager, actor: Actor, referralId: string): Promise<ServiceRecord[]> {
    return this.visible(em, actor).andWhere('sr.referral_id = :id', { id: referralId }).orderBy('sr.date', 'DESC').addOrderBy('sr.id').getMany();
  }

  async insert(em: EntityManager, record: ServiceRecord): Promise<void> {
    await em.insert(ServiceRecord, record);
  }
}
