import { Module } from '@nestjs/common';
import { ReportsService } from './reports.service.js';

/** Aggregated reports (issue 11); AuditWriter comes from the global AuditModule. */
@Module({ providers: [ReportsService], exports: [ReportsService] })
export class ReportsModule {}
