import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

/** Aggregated reports (issue 11); AuditWriter comes from the global AuditModule. */
@Module({ imports: [AuditModule], providers: [ReportsService, ReportsRepository], exports: [ReportsService] })
export class ReportsModule {}
