import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, assertCan, Clock, type Page, type PageRequest, validationFailed } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import { CasesRepository } from '../cases/index.js';
import { maliToday, planSubjectOf, planTarget } from './plan-snapshots.js';
import { nextPlanStatus } from './plan-status.js';
import { ReintegrationVisit } from './reintegration.entity.js';
import type { VisitInput } from './reintegration.types.js';
import { ReintegrationPlanWriter } from './reintegration-plan.writer.js';
import { ReintegrationPlansRepository } from './reintegration-plans.repository.js';
import { ReintegrationVisitsRepository } from './reintegration-visits.repository.js';
import { answerErrors, scoreVisit } from './scoring.js';
import { ScoringSchemesService } from './scoring-schemes.service.js';

/**
 * Monitoring visits of a plan (issue 10): the Reintegration Sustainability Survey answers, scored
 * by the server with a versioned scheme, and the scores over time. Every read is audited on the plan.
 */
@Injectable()
export class MonitoringVisitsService {
  constructor(
    private readonly db: DataSource,
    private readonly caseRepo: CasesRepository,
    private readonly plans: ReintegrationPlansRepository,
    private readonly visitRepo: ReintegrationVisitsRepository,
    private readonly writer: ReintegrationPlanWriter,
    private readonly schemes: ScoringSchemesService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  /**
   * A monitoring visit (issue 10): the RSS answers, scored now with the given scheme or the
   * organization's latest; the visit keeps that scheme's id and the scores for good.
   */
  record(actor: Actor, planId: string, input: VisitInput): Promise<ReintegrationVisit> {
    let visit!: ReintegrationVisit;
    return this.writer
      .act(actor, planId, 'recordVisit', async (em, plan) => {
        nextPlanStatus(plan.status, 'visit');
        if (input.visitDate > maliToday(this.clock.now())) throw validationFailed([{ field: 'visitDate', message: 'must not be in the future' }]);
        const scheme = input.schemeId ? await this.schemes.usable(em, actor, input.schemeId) : await this.schemes.latest(em, actor);
        const errors = answerErrors(scheme.definition, input.answers);
        if (errors.length) throw validationFailed(errors);
        const answers = Object.fromEntries(Object.entries(input.answers).filter(([, v]) => v !== null && v !== undefined));
        const scores = scoreVisit({ id: scheme.id, official: scheme.official, definition: scheme.definition }, answers);
        visit = em.create(ReintegrationVisit, {
          planId: plan.id,
          caseId: plan.caseId,
          owningOrganizationId: plan.owningOrganizationId,
          visitDate: input.visitDate,
          visitType: input.visitType,
          visitedBy: input.visitedBy.trim(),
          answers,
          schemeId: scheme.id,
          scores,
          economicScore: scores.dimensions.economic.score,
          socialScore: scores.dimensions.social.score,
          psychosocialScore: scores.dimensions.psychosocial.score,
          compositeScore: scores.composite.score,
          recordedBy: actor.userId,
          createdAt: this.clock.now(),
        });
        await this.visitRepo.insert(em, visit);
        return {
          action: 'reintegration_visit.recorded',
          details: { visitId: visit.id, visitType: visit.visitType, visitDate: visit.visitDate, schemeId: scheme.id, official: scheme.official, compositeScore: scores.composite.score },
          keepVersion: true,
        };
      })
      .then(() => visit);
  }

  /** The visits of a plan the actor may see, oldest first. */
  async ofPlan(actor: Actor, planId: string, page: PageRequest): Promise<Page<ReintegrationVisit>> {
    const plan = await this.plans.findVisible(this.db.manager, actor, planId);
    await this.audit.record(null, actor, 'reintegration_plan.visits_viewed', planTarget(plan), { details: { caseId: plan.caseId } });
    return this.visitRepo.ofPlan(this.db.manager, plan.id, page);
  }

  /** Scores over time (issue 10): every visit of the case's plans the actor may see, by visit date. */
  async scoresForCase(actor: Actor, caseId: string): Promise<ReintegrationVisit[]> {
    const plans = await this.plans.visibleOfCase(this.db.manager, actor, caseId);
    if (!plans.length) {
      // A visible case without a plan has no scores yet; a hidden case is a 404 (DESIGN §2).
      const c = await this.caseRepo.findVisible(this.db.manager, actor, caseId);
      assertCan(actor, 'read', 'ReintegrationPlan', planSubjectOf(c));
      return [];
    }
    await this.audit.record(null, actor, 'reintegration_plan.scores_viewed', planTarget(plans[0]), { details: { caseId } });
    return this.visitRepo.ofPlans(this.db.manager, plans.map((p) => p.id));
  }
}
