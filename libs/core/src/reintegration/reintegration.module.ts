import { Module, type OnModuleInit } from '@nestjs/common';
import { AuditPrivacy } from '../audit/index.js';
import { SubjectDataRegistry } from '../data-protection/index.js';
import { reintegrationSubjectData } from './reintegration.subject-data.js';
import { ReintegrationService } from './reintegration.service.js';
import { ScoringSchemesService } from './scoring-schemes.service.js';

const SERVICES = [ReintegrationService, ScoringSchemesService];

/** Reintegration (issue 10); needs CasesModule (cases, consents) and AuditModule, both global. */
@Module({ providers: SERVICES, exports: SERVICES })
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
