import type { EntityManager } from 'typeorm';
import { type CursorCodec, type Page, type PageRequest, paginate } from '@passerelle/common';

/** A row of a record's timeline as read from the audit trail: raw, personal values still sealed. */
export interface TimelineRow {
  seq: string;
  at: Date;
  type: string;
  actorUserId: string | null;
  details: Record<string, unknown> | null;
  changes: Record<string, unknown> | null;
}

/**
 * One page of the audit events `where` selects (alias `e`), oldest first, reads excluded: the
 * timeline of a case, of a reintegration plan. `list` binds the cursors to that one timeline.
 */
export function timelinePage(
  em: EntityManager,
  cursors: CursorCodec,
  timeline: { list: string; where: string; params: Record<string, unknown> },
  page: PageRequest,
): Promise<Page<TimelineRow>> {
  const qb = em
    .createQueryBuilder()
    .select(['e.seq AS seq', 'e.at AS at', 'e.action AS type', 'e.actor_user_id AS "actorUserId"', 'e.details AS details', 'e.changes AS changes'])
    .from('audit_events', 'e')
    .where(`(${timeline.where}) AND e.action NOT LIKE '%viewed'`, timeline.params);
  return paginate<TimelineRow>(qb, page, { list: timeline.list, columns: [{ expr: 'e.seq', cast: 'numeric' }], direction: 'ASC', keyOf: (e) => [String(e.seq)] }, cursors, { raw: true });
}
