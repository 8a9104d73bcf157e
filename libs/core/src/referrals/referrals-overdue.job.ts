import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AlertsService } from '../alerts/index.js';
import { JobRegistry } from '../jobs/index.js';

export const REFERRALS_OVERDUE_JOB = 'referrals.overdue';

/** Every 5 minutes: alerts for referrals past `respondBy` (idempotent; pg-boss keeps the schedule across restarts). */
@Injectable()
export class ReferralsOverdueJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobRegistry,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: REFERRALS_OVERDUE_JOB, cron: '*/5 * * * *', run: () => this.run().then(() => undefined) });
  }

  run(): Promise<number> {
    return this.alerts.raiseOverdueReferrals();
  }
}
