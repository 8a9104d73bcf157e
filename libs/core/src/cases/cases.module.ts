import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { JobsModule } from '../jobs/index.js';
import { ConsentsService } from './consents.service.js';
import { ScreeningsService } from './screenings.service.js';
import { CaseCloseChecks } from './case-close-checks.js';
import { CasesService } from './cases.service.js';
import { CasesRepository } from './cases.repository.js';

const SERVICES = [CasesService, CasesRepository, ConsentsService, ScreeningsService, CaseCloseChecks];

@Module({ imports: [AuditModule, JobsModule], providers: SERVICES, exports: SERVICES })
export class CasesModule {}
