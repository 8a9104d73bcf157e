import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { JobsModule } from '../jobs/index.js';
import { SitesModule } from '../sites/index.js';
import { UsersModule } from '../users/index.js';
import { CaseCloseChecks } from './case-close-checks.js';
import { CaseDuplicatesService } from './case-duplicates.service.js';
import { CaseNotesRepository } from './case-notes.repository.js';
import { CaseNotesService } from './case-notes.service.js';
import { CaseSearchRepository } from './case-search.repository.js';
import { CasesRepository } from './cases.repository.js';
import { CasesService } from './cases.service.js';
import { ConsentsRepository } from './consents.repository.js';
import { ConsentsService } from './consents.service.js';
import { ScreeningsRepository } from './screenings.repository.js';
import { ScreeningsService } from './screenings.service.js';

/** What other features and the API use: the services, and the repositories to load a case, its consents, its screenings. */
const EXPORTED = [CasesService, CaseNotesService, CaseDuplicatesService, ConsentsService, ScreeningsService, CaseCloseChecks, CasesRepository, ConsentsRepository, ScreeningsRepository];

@Module({ imports: [AuditModule, JobsModule, SitesModule, UsersModule], providers: [...EXPORTED, CaseSearchRepository, CaseNotesRepository], exports: EXPORTED })
export class CasesModule {}
