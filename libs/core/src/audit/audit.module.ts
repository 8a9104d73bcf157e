import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/index.js';
import { AuditSealer } from './audit.sealer.js';
import { AuditService } from './audit.service.js';
import { AuditWriter } from './audit.writer.js';
import { AuditPrivacy } from './audit-personal.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditSealsRepository } from './audit-seals.repository.js';
import { SubjectKeys } from './subject-keys.js';
import { SubjectKeysRepository } from './subject-keys.repository.js';

const PROVIDERS = [AuditWriter, AuditSealer, AuditService, SubjectKeys, AuditPrivacy, AuditEventsRepository, AuditSealsRepository, SubjectKeysRepository];

@Module({ imports: [JobsModule], providers: PROVIDERS, exports: PROVIDERS })
export class AuditModule {}
