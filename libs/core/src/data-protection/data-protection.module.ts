import { Global, Module } from '@nestjs/common';
import { DataProtectionService } from './data-protection.service.js';
import { SubjectDataRegistry } from './subject-data.registry.js';

const SERVICES = [DataProtectionService, SubjectDataRegistry];

/**
 * Subject access, retention and anonymization (issue 11). Global: every feature holding data about
 * people registers its SubjectDataHandler with the registry. Needs CasesModule, AuditModule, JobsModule.
 */
@Global()
@Module({ providers: SERVICES, exports: SERVICES })
export class DataProtectionModule {}
