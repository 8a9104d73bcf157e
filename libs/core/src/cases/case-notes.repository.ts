import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { byTime, CursorCodec, type Page, type PageRequest, paginate } from '@passerelle/common';
import { CaseNote } from './case-note.entity.js';

/** A row of a case's timeline as read from its audit trail (see `timeline`). */
export interface TimelineRow {
  seq: string;
  at: Date;
  type: string;
  actorUserId: string | null;
  details: Record<string, unknown> | null;
  changes: Record<string, unknown> | null;
}

/** The SQL of a case file's notes and timeline. Takes `em` first and never opens a transaction. */
@Injectable()
export class CaseNotesRepository {
  constructor(private readonly cursors: CursorCodec) {}

  insert(em: EntityManager, note: Pick<CaseNote, 'caseId' | 'owningOrganizationId' | 'text' | 'authorId' | 'createdAt'>): Promise<CaseNote> {
    return em.save(em.create(CaseNote, note));
  }

  /** One page of the case's notes, newest first. */
  notes(em: EntityManager, caseId: string, page: PageRequest): Promise<Page<CaseNote>> {
    const qb = em.getRepository(CaseNote).createQueryBuilder('n').where('n.case_id = :id', { id: caseId });
    return paginate(qb, page, byTime(`notes:${caseId}`, 'n', 'created_at', (n: CaseNote) => n.createdAt), this.cursors);
  }

  /**
   * One page of the case's audit events, oldest first, reads excluded: its own, and those of its
   * referrals and services (which name it in details). Raw: personal values still sealed.
   */
  timeline(em: EntityManager, caseId: string, page: PageRequest): Promise<Page<TimelineRow>> {
    const qb = em
      .createQueryBuilder()
      .select(['e.seq AS seq', 'e.at AS at', 'e.action AS type', 'e.actor_user_id AS "actorUserId"', 'e.details AS details', 'e.changes AS changes'])
      .from('audit_events', 'e')
      // The case's own events, and those of its referrals and services (which name it in details).
      .where(`((e.entity_type = 'Case' AND e.entity_id = :id) OR (e.details ? 'caseId' AND e.details ->> 'caseId' = :idText)) AND e.action NOT LIKE '%viewed'`, {
        id: caseId,
        idText: caseId,
      });
    return paginate<TimelineRow>(qb, page, { list: `timeline:${caseId}`, columns: [{ expr: 'e.seq', cast: 'numeric' }], direction: 'ASC', keyOf: (e) => [String(e.seq)] }, this.cursors, { raw: true });
  }
}
