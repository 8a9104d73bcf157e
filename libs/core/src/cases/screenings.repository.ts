import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Screening } from './screening.entity.js';

/** The SQL of AVRR eligibility screenings (DESIGN §3). Takes `em` first and never opens a transaction. */
@Injectable()
export class ScreeningsRepository {
  insert(em: EntityManager, screening: Omit<Screening, 'id' | 'case'>): Promise<Screening> {
    return em.save(em.create(Screening, screening));
  }

  /** The case's screenings, newest first. */
  ofCase(em: EntityManager, caseId: string): Promise<Screening[]> {
    return em.getRepository(Screening).find({ where: { caseId }, order: { screenedAt: 'DESC' } });
  }

  /** The case's latest screening (the one that counts), or null. */
  latest(em: EntityManager, caseId: string): Promise<Screening | null> {
    return em.getRepository(Screening).findOne({ where: { caseId }, order: { screenedAt: 'DESC', id: 'DESC' } });
  }
}
