import { Module, type OnModuleInit } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { CasesModule } from '../cases/index.js';
import { JobsModule } from '../jobs/index.js';
import { OrganizationsModule } from '../organizations/index.js';
import { SitesModule } from '../sites/index.js';
import { AlertsRepository, AlertsService } from '../alerts/index.js';
import { DataProtectionModule, SubjectDataRegistry } from '../data-protection/index.js';
import { referralsSubjectData } from './referrals-subject-data.repository.js';
import { ReferralsOverdueJob } from './referrals-overdue.job.js';
import { ReferralsRepository } from './referrals.repository.js';
import { ReferralsService } from './referrals.service.js';
import { ServiceRecordsRepository } from './service-records.repository.js';
import { ServiceRecordsService } from './service-records.service.js';

const SERVICES = [ReferralsService, ReferralsRepository, ServiceRecordsService, ServiceRecordsRepository, AlertsService, AlertsRepository, ReferralsOverdueJob];

/** Referrals, service records and alerts (issue 6); needs CasesModule. */
@Module({ imports: [AuditModule, CasesModule, DataProtectionModule, JobsModule, OrganizationsModule, SitesModule], providers: SERVICES, exports: SERVICES })
export class ReferralsModule implements OnModuleInit {
  constructor(private readonly subjectData: SubjectDataRegistry) {}

  onModuleInit(): void {
    this.subjectData.register(referralsSubjectData); // issue 11: export and anonymization
  }
}
