import { Global, Module } from '@nestjs/common';
import { AlertsService } from '../alerts/alerts.service.js';
import { ReferralsOverdueJob } from './referrals-overdue.job.js';
import { ReferralsService } from './referrals.service.js';
import { ServiceRecordsService } from './service-records.service.js';

const SERVICES = [ReferralsService, ServiceRecordsService, AlertsService, ReferralsOverdueJob];

/** Referrals, service records and alerts (issue 6); needs CasesModule. */
@Global()
@Module({ providers: SERVICES, exports: SERVICES })
export class ReferralsModule {}
