import { Global, Module } from '@nestjs/common';
import { AuditSealer } from './audit.sealer.js';
import { AuditService } from './audit.service.js';
import { AuditWriter } from './audit.writer.js';
import { AuditPrivacy } from './audit-personal.js';
import { SubjectKeys } from './subject-keys.js';

const PROVIDERS = [AuditWriter, AuditSealer, AuditService, SubjectKeys, AuditPrivacy];

@Global()
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class AuditModule {}
