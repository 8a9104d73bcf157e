import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { byTime, CursorCodec, type Page, type PageRequest, paginate } from '@passerelle/common';
import { type TimelineRow, timelinePage } from '../audit/index.js';
import { CaseNote } from './case-note.entity.js';

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
    // The case's own events, and those of its referrals and services (which name it in details).
    const where = `(e.entity_type = 'Case' AND e.entity_id = :id) OR (e.details ? 'caseId' AND e.details ->> 'caseId' = :idText)`;
    return timelinePage(em, this.cursors, { list: `timeline:${caseId}`, where, params: { id: caseId, idText: caseId } }, page);
  }
}
