import { Module, type OnModuleInit } from '@nestjs/common';
import { AuditModule, AuditPrivacy } from '../audit/index.js';
import { CasesModule } from '../cases/index.js';
import { DataProtectionModule, SubjectDataRegistry } from '../data-protection/index.js';
import { MonitoringVisitsService } from './monitoring-visits.service.js';
import { ReintegrationService } from './reintegration.service.js';
import { ReintegrationItemsRepository } from './reintegration-items.repository.js';
import { ReintegrationItemsService } from './reintegration-items.service.js';
import { ReintegrationPlanWriter } from './reintegration-plan.writer.js';
import { ReintegrationPlansRepository } from './reintegration-plans.repository.js';
import { ReintegrationSettingsRepository } from './reintegration-settings.repository.js';
import { ReintegrationSettingsService } from './reintegration-settings.service.js';
import { reintegrationSubjectData } from './reintegration-subject-data.repository.js';
import { ReintegrationVisitsRepository } from './reintegration-visits.repository.js';
import { ScoringSchemesRepository } from './scoring-schemes.repository.js';
import { ScoringSchemesService } from './scoring-schemes.service.js';

const SERVICES = [ReintegrationService, ReintegrationItemsService, MonitoringVisitsService, ReintegrationSettingsService, ScoringSchemesService];
const REPOSITORIES = [ReintegrationPlansRepository, ReintegrationItemsRepository, ReintegrationVisitsRepository, ReintegrationSettingsRepository, ScoringSchemesRepository];

/** Reintegration (issue 10); needs CasesModule (cases, consents) and AuditModule, both global. */
@Module({ imports: [AuditModule, CasesModule, DataProtectionModule], providers: [...SERVICES, ...REPOSITORIES, ReintegrationPlanWriter], exports: SERVICES })
export class ReintegrationModule implements OnModuleInit {
  constructor(
    private readonly subjectData: SubjectDataRegistry,
    private readonly auditPrivacy: AuditPrivacy,
  ) {}

  onModuleInit(): void {
    // Issue 11: export and anonymization; the audit keeps the coded values in clear, the rest
    // (summary, descriptions, evidence, reasons, answers, who visited) is sealed.
    this.subjectData.register(reintegrationSubjectData);
    this.auditPrivacy.register('ReintegrationPlan', {
      changes: ['status', 'totalBudgetXof', 'budgetCeilingXof', 'approvalsRequired', 'type', 'dimension', 'budgetXof', 'partnerOrganizationId', 'deliveredOn'],
      details: ['itemId', 'visitId', 'visitType', 'visitDate', 'schemeId', 'official', 'compositeScore'],
    });
  }
}
