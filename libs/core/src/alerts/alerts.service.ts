import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, assertCan, Clock, type Page, type PageRequest } from '@passerelle/common';
import type { Alert, AlertStatus } from './alert.entity.js';
import { AlertsRepository } from './alerts.repository.js';

/** Each user's alerts (API.md "Reports, audit, alerts"); jobs raise them, users acknowledge them. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: AlertsRepository,
    private readonly clock: Clock,
  ) {}

  list(actor: Actor, filter: { status?: AlertStatus }, page: PageRequest): Promise<Page<Alert>> {
    return this.repo.list(this.db.manager, actor, filter, page);
  }

  /** Acknowledging twice is harmless: the first acknowledgement stands. */
  acknowledge(actor: Actor, id: string): Promise<Alert> {
    return this.db.transaction(async (em) => {
      const alert = await this.repo.lockVisible(em, actor, id);
      assertCan(actor, 'acknowledge', 'Alert', alert);
      if (alert.status === 'open') {
        Object.assign(alert, { status: 'acknowledged', acknowledgedAt: this.clock.now() });
        await this.repo.markAcknowledged(em, alert);
      }
      return alert;
    });
  }

  /**
   * Raises the alerts of referrals pending past `respondBy` (DESIGN §4), each once however often
   * it runs (AlertsRepository.insertOverdueReferrals). Returns how many alerts were raised now.
   */
  raiseOverdueReferrals(now: Date = this.clock.now(), em: EntityManager = this.db.manager): Promise<number> {
    return this.repo.insertOverdueReferrals(em, now);
  }
}
