import { Module } from '@nestjs/common';
import { StaysAlertsJob } from './stays-alerts.job.js';
import { StaysService } from './stays.service.js';

const SERVICES = [StaysService, StaysAlertsJob];

/** Shelter stays (issue 7); needs CasesModule (close checks), AuditModule and JobsModule, all global. */
@Module({ providers: SERVICES, exports: SERVICES })
export class StaysModule {}
