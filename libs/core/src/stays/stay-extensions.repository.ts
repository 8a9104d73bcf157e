import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { StayExtension } from './stay.entity.js';

/** The SQL field map of the StayExtension rules (stay.rules.ts). */
export const STAY_EXTENSION_FIELDS: FieldMap = {
  id: 'x.id',
  owningOrganizationId: 'x.owning_organization_id',
};

/** The SQL of stay extension requests: those of one stay the actor may read, the decision's lock, the writes. */
@Injectable()
export class StayExtensionsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  /** The extension requests of a stay the actor may read. */
  ofStay(em: EntityManager, actor: Actor, stayId: string): SelectQueryBuilder<StayExtension> {
    return readableBy(em, actor, StayExtension, 'StayExtension', 'x', STAY_EXTENSION_FIELDS).andWhere('x.stay_id = :stayId', { stayId });
  }

  /** All of them, oldest first. */
  listOfStay(em: EntityManager, actor: Actor, stayId: string): Promise<StayExtension[]> {
    return this.ofStay(em, actor, stayId).orderBy('x.requested_at', 'ASC').addOrderBy('x.id', 'ASC').getMany();
  }

  pageOfStay(em: EntityManager, actor: Actor, stayId: string, page: PageRequest): Promise<Page<StayExtension>> {
    return paginate<StayExtension>(this.ofStay(em, actor, stayId), page, byTime(`stay-extensions:${stayId}`, 'x', 'requested_at', (x) => x.requestedAt, 'ASC'), this.cursors);
  }

  hasPending(em: EntityManager, actor: Actor, stayId: string): Promise<boolean> {
    return this.ofStay(em, actor, stayId).andWhere(`x.status = 'pending'`).getExists();
  }

  /** A request of the stay the actor may read, row-locked, else 404. */
  async lockVisible(em: EntityManager, actor: Actor, stayId: string, id: string): Promise<StayExtension> {
    const x = await this.ofStay(em, actor, stayId).andWhere('x.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!x) throw new DomainError('NOT_FOUND', 'Extension request not found');
    return x;
  }

  /** The pending requests of a stay, unscoped (a check-out lapses them all). */
  pendingOfStay(em: EntityManager, stayId: string): Promise<StayExtension[]> {
    return em.getRepository(StayExtension).createQueryBuilder('x').where(`x.stay_id = :id AND x.status = 'pending'`, { id: stayId }).getMany();
  }

  async insert(em: EntityManager, x: StayExtension): Promise<void> {
    await em.insert(StayExtension, x);
  }

  /** Writes the decision (approve, reject) or the lapse (cancel) of a request. */
  async updateDecision(em: EntityManager, x: StayExtension, set: Partial<Pick<StayExtension, 'status' | 'decidedAt' | 'decidedBy' | 'decisionReason'>>): Promise<void> {
    await em.update(StayExtension, { id: x.id }, set);
  }
}
