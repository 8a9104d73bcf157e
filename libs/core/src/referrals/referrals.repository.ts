import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { type Case, caseAssigneeSql, CasesRepository, caseSiteSql } from '../cases/index.js';
import type { Capability } from '../organizations/index.js';
import { Referral } from './referral.entity.js';
import type { ReferralFilter } from './referral.types.js';

/** The SQL field map of the Referral rules (referral.rules.ts). */
export const REFERRAL_FIELDS: FieldMap = {
  id: 'r.id',
  fromOrganizationId: 'r.from_organization_id',
  toOrganizationId: 'r.to_organization_id',
  createdBy: 'r.created_by',
  caseSiteId: caseSiteSql('r'),
  caseAssignedTo: caseAssigneeSql('r'),
};

/**
 * The SQL of referrals: the scoped reads (the rules of referral.rules.ts in SQL), the row lock of
 * an answer, the list and its filters, the writes, and the cases a page of referrals shows.
 */
@Injectable()
export class ReferralsRepository {
  constructor(
    private readonly cursors: CursorCodec,
    private readonly caseRepo: CasesRepository,
  ) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Referral> {
    return readableBy(em, actor, Referral, 'Referral', 'r', REFERRAL_FIELDS);
  }

  /** A visible referral, else 404 (also when it exists elsewhere: no existence leak). */
  findVisible(em: EntityManager, actor: Actor, id: string): Promise<Referral> {
    return this.one(this.visible(em, actor).andWhere('r.id = :id', { id }));
  }

  /** A visible referral, row-locked until the transaction `em` ends (else 404): two changes to it run one after the other. */
  lockVisible(em: EntityManager, actor: Actor, id: string): Promise<Referral> {
    return this.one(this.visible(em, actor).andWhere('r.id = :id', { id }).setLock('pessimistic_write'));
  }

  private async one(qb: SelectQueryBuilder<Referral>): Promise<Referral> {
    const found = await qb.getOne();
    if (!found) throw new DomainError('NOT_FOUND', 'Referral not found');
    return found;
  }

  /** The referral as the actor reads it now (its virtual columns recomputed); it must be there. */
  reload(em: EntityManager, actor: Actor, id: string): Promise<Referral> {
    return this.visible(em, actor).andWhere('r.id = :id', { id }).getOneOrFail();
  }

  list(em: EntityManager, actor: Actor, filter: ReferralFilter, now: Date, page: PageRequest): Promise<Page<Referral>> {
    const qb = this.visible(em, actor);
    if (filter.direction === 'incoming') qb.andWhere('r.to_organization_id = :me', { me: actor.organizationId });
    if (filter.direction === 'outgoing') qb.andWhere('r.from_organization_id = :me', { me: actor.organizationId });
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    if (filter.serviceType) qb.andWhere('r.service_type = :serviceType', { serviceType: filter.serviceType });
    if (filter.caseId) qb.andWhere('r.case_id = :caseId', { caseId: filter.caseId });
    if (filter.overdue === true) qb.andWhere(`r.status = 'pending' AND r.respond_by < :now`, { now });
    if (filter.overdue === false) qb.andWhere(`NOT (r.status = 'pending' AND r.respond_by < :now)`, { now });
    return paginate<Referral>(qb, page, byTime('referrals', 'r', 'created_at', (r) => r.createdAt), this.cursors);
  }

  /** How many referrals of the case are pending or accepted (live). */
  async countLive(em: EntityManager, caseId: string): Promise<number> {
    const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM referrals WHERE case_id = $1 AND status IN ('pending', 'accepted')`, [caseId]);
    return n;
  }

  /**
   * The newest referral of a case to an organization that it accepted (for one service type, or
   * one referral): what lets an organization other than the case's act on it — record a service,
   * house the migrant, issue a letter (DESIGN §4, §5, §6). Whether it still shares the case is the
   * case scope's question.
   */
  findAccepted(em: EntityManager, caseId: string, organizationId: string, only: { serviceType?: Capability; referralId?: string } = {}): Promise<Referral | null> {
    const qb = em
      .getRepository(Referral)
      .createQueryBuilder('r')
      .where(`r.case_id = :case AND r.to_organization_id = :org AND r.status = 'accepted'`, { case: caseId, org: organizationId })
      .orderBy('r.created_at', 'DESC');
    if (only.serviceType) qb.andWhere('r.service_type = :serviceType', { serviceType: only.serviceType });
    if (only.referralId) qb.andWhere('r.id = :referralId', { referralId: only.referralId });
    return qb.getOne();
  }

  async insert(em: EntityManager, referral: Referral): Promise<void> {
    await em.insert(Referral, referral);
  }

  /** Writes the status and what the transitions set (answer, completion, cancellation). */
  async persist(em: EntityManager, r: Referral, at: Date, by: string | null): Promise<void> {
    await em.update(Referral, { id: r.id }, {
      status: r.status,
      respondedAt: r.respondedAt,
      respondedBy: r.respondedBy,
      declineReason: r.declineReason,
      completedAt: r.completedAt,
      completedBy: r.completedBy,
      outcome: r.outcome,
      cancelledAt: r.cancelledAt,
      cancelledBy: r.cancelledBy,
      cancelReason: r.cancelReason,
      updatedAt: at,
      updatedBy: by,
    });
  }

  /** The case of a referral if the actor may read it (its scope, shared views included), else null. */
  findVisibleCase(em: EntityManager, actor: Actor, caseId: string): Promise<Case | null> {
    return this.caseRepo.visible(em, actor).andWhere('c.id = :id', { id: caseId }).getOne();
  }

  /** The cases of a page of referrals the actor may read: one query, scoped like every case read. */
  visibleCases(em: EntityManager, actor: Actor, ids: string[]): Promise<Case[]> {
    return ids.length ? this.caseRepo.visible(em, actor).andWhere('c.id IN (:...ids)', { ids }).getMany() : Promise.resolve([]);
  }

  /** Whether the actor may read the case at all. */
  caseIsVisible(em: EntityManager, actor: Actor, caseId: string): Promise<boolean> {
    return this.caseRepo.visible(em, actor).andWhere('c.id = :caseId', { caseId }).getExists();
  }
}
