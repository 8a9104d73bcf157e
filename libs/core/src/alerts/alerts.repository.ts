import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import { Alert, type AlertStatus } from './alert.entity.js';

/** The SQL field map of the Alert rules (alert.rules.ts). */
export const ALERT_FIELDS: FieldMap = { recipientUserId: 'a.recipient_user_id' };

/** The SQL of alerts: each user's own, and the INSERT … SELECT the overdue-referral job raises them with. */
@Injectable()
export class AlertsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Alert> {
    return readableBy(em, actor, Alert, 'Alert', 'a', ALERT_FIELDS);
  }

  list(em: EntityManager, actor: Actor, filter: { status?: AlertStatus }, page: PageRequest): Promise<Page<Alert>> {
    const qb = this.visible(em, actor);
    if (filter.status) qb.andWhere('a.status = :status', { status: filter.status });
    return paginate<Alert>(qb, page, byTime('alerts', 'a', 'created_at', (a) => a.createdAt), this.cursors);
  }

  /** One of the actor's alerts, row-locked until the transaction ends, else 404. */
  async lockVisible(em: EntityManager, actor: Actor, id: string): Promise<Alert> {
    const alert = await this.visible(em, actor).andWhere('a.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!alert) throw new DomainError('NOT_FOUND', 'Alert not found');
    return alert;
  }

  async markAcknowledged(em: EntityManager, alert: Alert): Promise<void> {
    await em.update(Alert, { id: alert.id }, { status: alert.status, acknowledgedAt: alert.acknowledgedAt });
  }

  /**
   * Overdue referrals (pending past `respondBy`) alert the caseworker who sent them and the
   * receiving organization's active caseworkers and managers (DESIGN §4). One INSERT … SELECT,
   * deduplicated by key: running twice, or on two workers at once, raises each alert once.
   * Returns how many alerts were raised now.
   */
  async insertOverdueReferrals(em: EntityManager, now: Date): Promise<number> {
    const rows: unknown[] = await em.query(
      `INSERT INTO alerts (recipient_user_id, organization_id, type, entity_type, entity_id, message, status, dedupe_key, created_at)
       SELECT u.id, u.organization_id, 'referral_overdue', 'Referral', r.id,
              format('Referral %s (%s, %s) from %s to %s for case %s awaits an answer since %s',
                     r.id, r.service_type, r.urgency, fo.code, tor.code, c.case_number,
                     to_char(r.respond_by AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')),
              'open', 'referral_overdue:' || r.id || ':' || u.id, $1
       FROM referrals r
       JOIN cases c ON c.id = r.case_id
       JOIN organizations fo ON fo.id = r.from_organization_id
       JOIN organizations tor ON tor.id = r.to_organization_id
       JOIN users u ON u.active AND (u.id = r.created_by
            OR (u.organization_id = r.to_organization_id AND u.roles && ARRAY['caseworker', 'manager']::text[]))
       WHERE r.status = 'pending' AND r.respond_by <= $1
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [now],
    );
    return rows.length;
  }
}
