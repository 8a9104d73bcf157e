import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import { CasesService, isChild } from './cases.service.js';
import { assessEligibility, type ScreeningAnswers } from './eligibility.js';
import { Screening } from './screening.entity.js';

/** AVRR eligibility screenings (DESIGN §3): records, re-runnable; the latest counts. */
@Injectable()
export class ScreeningsService {
  constructor(
    private readonly db: DataSource,
    private readonly cases: CasesService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  screen(actor: Actor, caseId: string, answers: ScreeningAnswers): Promise<Screening> {
    return this.db.transaction(async (em) => {
      const c = await this.cases.getVisible(em, actor, caseId, true);
      assertCan(actor, 'update', 'Case', c);
      const now = this.clock.now();
      const result = assessEligibility(answers, { child: isChild(c, now) });
      const screening = await em.save(
        em.create(Screening, {
          caseId: c.id,
          owningOrganizationId: c.owningOrganizationId,
          ...answers,
          countryOfReturn: answers.countryOfReturn ?? null,
          outcome: result.outcome,
          reasons: result.reasons,
          screenedBy: actor.userId,
          screenedAt: now,
        }),
      );
      await this.audit.record(em, actor, 'screening.recorded', this.cases.target(c), { details: { screeningId: screening.id, outcome: result.outcome, reasons: result.reasons } });
      return screening;
    });
  }

  async list(actor: Actor, caseId: string): Promise<Screening[]> {
    const c = await this.cases.getRecord(this.db.manager, actor, caseId);
    return this.db.getRepository(Screening).find({ where: { caseId: c.id }, order: { screenedAt: 'DESC' } });
  }

  latest(em: EntityManager, caseId: string): Promise<Screening | null> {
    return em.getRepository(Screening).findOne({ where: { caseId }, order: { screenedAt: 'DESC', id: 'DESC' } });
  }
}
