import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, byTime, CursorCodec, DomainError, type FieldMap, type Page, type PageRequest, paginate, readableBy } from '@passerelle/common';
import type { AlertType } from '../alerts/index.js';
import { ENDING_WITHIN_24H_SQL, OVERDUE_SQL, Stay } from './stay.entity.js';
import type { OccupancyStay, StayFilter } from './stay.types.js';

/** The SQL field map of the Stay rules (stay.rules.ts). */
export const STAY_FIELDS: FieldMap = {
  id: 'st.id',
  owningOrganizationId: 'st.owning_organization_id',
};

/** A shelter's occupancy as one query computes it (StaysRepository.occupancy). */
export interface OccupancyRow {
  capacity: number;
  occupied: number;
  endingWithin24h: OccupancyStay[];
  overdue: OccupancyStay[];
}

/** One kind of stay alert: its type, which active stays it concerns, its message (format() with stay id, case number, site name, date). */
export interface StayAlertKind {
  type: AlertType;
  when: (st: string, now: string) => string;
  message: string;
}

/**
 * The SQL of stays: the scoped reads, the row locks, the list, the writes of check-in and
 * check-out, the occupancy of a shelter, the accepted shelter referral a stay comes under, the alerts.
 */
@Injectable()
export class StaysRepository {
  constructor(private readonly cursors: CursorCodec) {}

  visible(em: EntityManager, actor: Actor): SelectQueryBuilder<Stay> {
    return readableBy(em, actor, Stay, 'Stay', 'st', STAY_FIELDS);
  }

  /** A visible stay, else 404 (also when it exists elsewhere: no existence leak). */
  findVisible(em: EntityManager, actor: Actor, id: string): Promise<Stay> {
    return this.one(this.visible(em, actor).andWhere('st.id = :id', { id }));
  }

  /** A visible stay, row-locked until the transaction `em` ends (else 404): two changes to it run one after the other. */
  lockVisible(em: EntityManager, actor: Actor, id: string): Promise<Stay> {
    return this.one(this.visible(em, actor).andWhere('st.id = :id', { id }).setLock('pessimistic_write'));
  }

  private async one(qb: SelectQueryBuilder<Stay>): Promise<Stay> {
    const found = await qb.getOne();
    if (!found) throw new DomainError('NOT_FOUND', 'Stay not found');
    return found;
  }

  list(em: EntityManager, actor: Actor, filter: StayFilter, page: PageRequest): Promise<Page<Stay>> {
    const qb = this.visible(em, actor);
    if (filter.siteId) qb.andWhere('st.site_id = :siteId', { siteId: filter.siteId });
    if (filter.status) qb.andWhere('st.status = :status', { status: filter.status });
    if (filter.caseId) qb.andWhere('st.case_id = :caseId', { caseId: filter.caseId });
    return paginate<Stay>(qb, page, byTime('stays', 'st', 'checked_in_at', (s) => s.checkedInAt), this.cursors);
  }

  /** The case's active stay wherever it is (unscoped: a departure ends it), row-locked, or null. */
  lockActiveOfCase(em: EntityManager, caseId: string): Promise<Stay | null> {
    return em.getRepository(Stay).createQueryBuilder('st').where(`st.case_id = :caseId AND st.status = 'active'`, { caseId }).setLock('pessimistic_write').getOne();
  }

  async hasActiveStay(em: EntityManager, caseId: string): Promise<boolean> {
    return (await em.query(`SELECT 1 FROM stays WHERE case_id = $1 AND status = 'active' LIMIT 1`, [caseId])).length > 0;
  }


  async insert(em: EntityManager, stay: Stay): Promise<void> {
    await em.insert(Stay, stay);
  }

  async updateCheckedOut(em: EntityManager, stay: Stay): Promise<void> {
    await em.update(Stay, { id: stay.id }, { status: stay.status, checkedOutAt: stay.checkedOutAt, checkedOutBy: stay.checkedOutBy, updatedAt: stay.updatedAt, updatedBy: stay.updatedBy });
  }

  async updateExpectedCheckOut(em: EntityManager, stay: Stay): Promise<void> {
    await em.update(Stay, { id: stay.id }, { expectedCheckOutAt: stay.expectedCheckOutAt, updatedAt: stay.updatedAt, updatedBy: stay.updatedBy });
  }

  /**
   * DESIGN §5: a shelter's capacity, beds occupied, stays ending within 24 h and overdue ones at
   * `at` — one query.
   */
  async occupancy(em: EntityManager, siteId: string, at: Date): Promise<OccupancyRow> {
    const item = `json_build_object('id', st.id, 'caseId', st.case_id, 'caseNumber', c.case_number, 'checkedInAt', st.checked_in_at, 'expectedCheckOutAt', st.expected_check_out_at)`;
    const [row] = await em.query(
      `SELECT s.bed_capacity AS capacity, count(st.id)::int AS occupied,
              COALESCE(json_agg(${item} ORDER BY st.expected_check_out_at, st.id) FILTER (WHERE ${ENDING_WITHIN_24H_SQL('st', '$2')}), '[]') AS ending,
              COALESCE(json_agg(${item} ORDER BY st.expected_check_out_at, st.id) FILTER (WHERE ${OVERDUE_SQL('st', '$2')}), '[]') AS overdue
       FROM sites s
       LEFT JOIN stays st ON st.site_id = s.id AND st.status = 'active'
       LEFT JOIN cases c ON c.id = st.case_id
       WHERE s.id = $1
       GROUP BY s.id`,
      [siteId, at],
    );
    type Row = Omit<OccupancyStay, 'checkedInAt' | 'expectedCheckOutAt'> & { checkedInAt: string; expectedCheckOutAt: string };
    const stays = (rows: Row[]): OccupancyStay[] => rows.map((r) => ({ ...r, checkedInAt: new Date(r.checkedInAt), expectedCheckOutAt: new Date(r.expectedCheckOutAt) }));
    return { capacity: row.capacity, occupied: row.occupied, endingWithin24h: stays(row.ending), overdue: stays(row.overdue) };
  }

  /**
   * Alerts of one kind to the shelter organization's active managers and the caseworkers working
   * at that shelter: one INSERT … SELECT, deduplicated by a key holding the expected check-out
   * date. Returns how many were raised now.
   */
  async insertAlerts(em: EntityManager, now: Date, kind: StayAlertKind): Promise<number> {
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
    return rows.length;
  }
}
