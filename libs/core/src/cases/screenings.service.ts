import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import { caseTarget, isChild } from './case-data.js';
import { CasesRepository } from './cases.repository.js';
import { assessEligibility, type ScreeningAnswers } from './eligibility.js';
import type { Screening } from './screening.entity.js';
import { ScreeningsRepository } from './screenings.repository.js';

/** AVRR eligibility screenings (DESIGN §3): records, re-runnable; the latest counts. */
@Injectable()
export class ScreeningsService {
  constructor(
    private readonly db: DataSource,
    private readonly caseRepo: CasesRepository,
    private readonly repo: ScreeningsRepository,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  screen(actor: Actor, caseId: string, answers: ScreeningAnswers): Promise<Screening> {
    return this.db.transaction(async (em) => {
      const c = await this.caseRepo.lockVisible(em, actor, caseId);
      assertCan(actor, 'update', 'Case', c);
      const now = this.clock.now();
      const result = assessEligibility(answers, { child: isChild(c, now) });
      const screening = await this.repo.insert(em, {
        caseId: c.id,
        owningOrganizationId: c.owningOrganizationId,
        ...answers,
        countryOfReturn: answers.countryOfReturn ?? null,
        outcome: result.outcome,
        reasons: result.reasons,
        screenedBy: actor.userId,
        screenedAt: now,
      });
      await this.audit.record(em, actor, 'screening.recorded', caseTarget(c), { details: { screeningId: screening.id, outcome: result.outcome, reasons: result.reasons } });
      return screening;
    });
  }

  /** The case's screenings, newest first: part of its record (403 to a shared view). */
  async list(actor: Actor, caseId: string): Promise<Screening[]> {
    const c = await this.caseRepo.findVisible(this.db.manager, actor, caseId);
    assertCan(actor, 'read', 'Case', c, 'record');
    return this.repo.ofCase(this.db.manager, c.id);
  }

  /** The case's latest screening (the one that counts), or null. */
  latest(em: EntityManager, caseId: string): Promise<Screening | null> {
    return this.repo.latest(em, caseId);
  }
}
