import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { AnonymizationRequest } from './anonymization-request.entity.js';

/** The SQL of an AnonymizationRequest's CASL conditions (data-protection.rules.ts). */
export const ANONYMIZATION_REQUEST_FIELDS: FieldMap = {
  id: 'ar.id',
  owningOrganizationId: 'ar.owning_organization_id',
};

export interface AnonymizationRequestFilter {
  status?: string;
}

/**
 * The SQL of anonymization_requests: the scoped query (data-protection.rules.ts in SQL), the list,
 * the lock a decision starts from, the writes. Takes `em` first and never opens a transaction.
 */
@Injectable()
export class AnonymizationRequestsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<AnonymizationRequest> {
    return readableBy(em, actor, AnonymizationRequest, 'AnonymizationRequest', 'ar', ANONYMIZATION_REQUEST_FIELDS);
  }

  /** Newest first. */
  list(em: EntityManager, actor: Actor, filter: AnonymizationRequestFilter, page: PageRequest): Promise<Page<AnonymizationRequest>> {
    const qb = this.visible(em, actor);
    if (filter.status) qb.andWhere('ar.status = :status', { status: filter.status });
    return paginate<AnonymizationRequest>(qb, page, byTime('anonymization-requests', 'ar', 'requested_at', (r) => r.requestedAt), this.cursors);
  }

  /**
   * A visible request, row-locked (else 404), its case's row locked first, in the order the
   * retention job takes them: no deadlock between a decision and the job.
   */
  async lockVisible(em: EntityManager, actor: Actor, id: string): Promise<AnonymizationRequest> {
    const seen = await this.visible(em, actor).andWhere('ar.id = :id', { id }).getOne();
    if (!seen) throw new DomainError('NOT_FOUND', 'Anonymization request not found');
    await em.query('SELECT 1 FROM cases WHERE id = $1 FOR UPDATE', [seen.caseId]);
    return this.visible(em, actor).andWhere('ar.id = :id', { id }).setLock('pessimistic_write').getOneOrFail();
  }

  /** One pending request per case (also a partial unique index). */
  hasPending(em: EntityManager, caseId: string): Promise<boolean> {
    return em.existsBy(AnonymizationRequest, { caseId, status: 'pending' });
  }

  async insert(em: EntityManager, r: AnonymizationRequest): Promise<void> {
    await em.insert(AnonymizationRequest, r);
  }

  /** The decision: status, who, when, and on a rejection its reason. */
  async updateDecision(em: EntityManager, r: AnonymizationRequest, withReason: boolean): Promise<void> {
    const decision = { status: r.status, decidedBy: r.decidedBy, decidedAt: r.decidedAt };
    await em.update(AnonymizationRequest, { id: r.id }, withReason ? { ...decision, decisionReason: r.decisionReason } : decision);
  }
}
