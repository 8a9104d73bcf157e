import { Global, Module } from '@nestjs/common';
import { AuditSealer } from './audit.sealer.js';
import { AuditService } from './audit.service.js';
import { AuditWriter } from './audit.writer.js';

@Global()
@Module({ providers: [AuditWriter, AuditSealer, AuditService], exports: [AuditWriter, AuditSealer, AuditService] })
export class AuditModule {}
