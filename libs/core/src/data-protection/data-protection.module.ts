import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { CasesModule } from '../cases/index.js';
import { JobsModule } from '../jobs/index.js';
import { AnonymizationRequestsRepository } from './anonymization-requests.repository.js';
import { AnonymizationRequestsService } from './anonymization-requests.service.js';
import { AnonymizationRepository } from './anonymization.repository.js';
import { DataProtectionService } from './data-protection.service.js';
import { SubjectAccessRepository } from './subject-access.repository.js';
import { SubjectAccessService } from './subject-access.service.js';
import { SubjectDataRegistry } from './subject-data.registry.js';

const SERVICES = [DataProtectionService, AnonymizationRequestsService, SubjectAccessService, SubjectDataRegistry];
const REPOSITORIES = [AnonymizationRepository, AnonymizationRequestsRepository, SubjectAccessRepository];

/**
 * Subject access, retention and anonymization (issue 11). Global: every feature holding data about
 * people registers its SubjectDataHandler with the registry. Needs CasesModule, AuditModule, JobsModule.
 */
@Module({ imports: [AuditModule, CasesModule, JobsModule], providers: [...SERVICES, ...REPOSITORIES], exports: SERVICES })
export class DataProtectionModule {}
