import { Global, Module } from '@nestjs/common';
import { ConsentsService } from './consents.service.js';
import { ScreeningsService } from './screenings.service.js';
import { CaseCloseChecks } from './case-close-checks.js';
import { CasesService } from './cases.service.js';
import { CasesRepository } from './cases.repository.js';

const SERVICES = [CasesService, CasesRepository, ConsentsService, ScreeningsService, CaseCloseChecks];

@Global()
@Module({ providers: SERVICES, exports: SERVICES })
export class CasesModule {}
