import { Module, type OnModuleInit } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { CasesModule } from '../cases/index.js';
import { JobsModule } from '../jobs/index.js';
import { ReferralsModule } from '../referrals/index.js';
import { SitesModule } from '../sites/index.js';
import { DataProtectionModule, SubjectDataRegistry } from '../data-protection/index.js';
import { staysSubjectData } from './stays-subject-data.repository.js';
import { StayExtensionsRepository } from './stay-extensions.repository.js';
import { StaysAlertsJob } from './stays-alerts.job.js';
import { StaysRepository } from './stays.repository.js';
import { StaysService } from './stays.service.js';

const SERVICES = [StaysService, StaysRepository, StayExtensionsRepository, StaysAlertsJob];

/** Shelter stays (issue 7); needs CasesModule (close checks), AuditModule and JobsModule, all global. */
@Module({ imports: [AuditModule, CasesModule, DataProtectionModule, JobsModule, ReferralsModule, SitesModule], providers: SERVICES, exports: SERVICES })
export class StaysModule implements OnModuleInit {
  constructor(private readonly subjectData: SubjectDataRegistry) {}

  onModuleInit(): void {
    this.subjectData.register(staysSubjectData); // issue 11: export and anonymization
  }
}
