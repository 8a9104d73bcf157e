import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '@passerelle/common';
import type { AlertType } from '../alerts/index.js';
import { JobRegistry } from '../jobs/index.js';
import { ENDING_WITHIN_24H_SQL, OVERDUE_SQL } from './stay.entity.js';

export const STAYS_ALERTS_JOB = 'stays.alerts';

const KINDS: { type: AlertType; when: (st: string, now: string) => string; message: string }[] = [
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
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: STAYS_ALERTS_JOB, cron: '*/15 * * * *', run: () => this.run().then(() => undefined) });
  }

  /** Returns how many alerts of each kind were raised now. */
  async run(now: Date = this.clock.now(), em: EntityManager = this.db.manager): Promise<Record<'stay_ending' | 'stay_overdue', number>> {
    const raised = { stay_ending: 0, stay_overdue: 0 };
    for (const kind of KINDS) {
      const rows: unknown[] = await em.query(
        `INSERT INTO alerts (recipient_user_id, organization_id, type, entity_type, entity_id, message, status, dedupe_key, created_at)
         SELECT u.id, u.organization_id, CAST($2 AS text), 'Stay', st.id,
                format(CAST($3 AS text), st.id, c.case_number, s.name, to_char(st.expected_check_out_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')),
                'open',
                CAST($2 AS text) || ':' || st.id || ':' || to_char(st.expected_check_out_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ':' || u.id,
                $1
         FROM stays st
         JOIN sites s ON s.id = st.site_id
         JOIN cases c ON c.id = st.case_id
         JOIN users u ON u.active AND u.organization_id = st.owning_organization_id
              AND ('manager' = ANY (u.roles) OR ('caseworker' = ANY (u.roles) AND st.site_id = ANY (u.site_ids)))
         WHERE st.status = 'active' AND ${kind.when('st', '$1')}
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id`,
        [now, kind.type, kind.message],
      );
      raised[kind.type as keyof typeof raised] = rows.length;
    }
    return raised;
  }
}
