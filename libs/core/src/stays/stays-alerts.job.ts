import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '@passerelle/common';
import { JobRegistry } from '../jobs/index.js';
import { ENDING_WITHIN_24H_SQL, OVERDUE_SQL } from './stay.entity.js';
import { type StayAlertKind, StaysRepository } from './stays.repository.js';

export const STAYS_ALERTS_JOB = 'stays.alerts';

const KINDS: StayAlertKind[] = [
  { type: 'stay_ending', when: ENDING_WITHIN_24H_SQL, message: 'Stay %s of case %s at %s ends on %s: check the migrant out or request an extension' },
  { type: 'stay_overdue', when: OVERDUE_SQL, message: 'Stay %s of case %s at %s was due to end on %s: check the migrant out or request an extension' },
];

/**
 * Every 15 minutes: alerts for stays ending within 24 h (“tomorrow”) and overdue stays (DESIGN
 * §5), to the shelter organization's active managers and the caseworkers working at that shelter.
 * One INSERT … SELECT per kind, deduplicated by a key holding the expected check-out date: a
 * repeated or concurrent run raises nothing twice, and an approved extension re-arms both alerts.
 */
@Injectable()
export class StaysAlertsJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobRegistry,
    private readonly db: DataSource,
    private readonly stays: StaysRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: STAYS_ALERTS_JOB, cron: '*/15 * * * *', run: () => this.run().then(() => undefined) });
  }

  /** Returns how many alerts of each kind were raised now. */
  async run(now: Date = this.clock.now(), em: EntityManager = this.db.manager): Promise<Record<'stay_ending' | 'stay_overdue', number>> {
    const raised = { stay_ending: 0, stay_overdue: 0 };
    for (const kind of KINDS) raised[kind.type as keyof typeof raised] = await this.stays.insertAlerts(em, now, kind);
    return raised;
  }
}
