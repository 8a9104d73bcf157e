import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, assertCan, Clock, type Page, type PageRequest } from '@passerelle/common';
import { AuditWriter, openEvents, SubjectKeys } from '../audit/index.js';
import { assertNotAnonymized, caseTarget } from './case-data.js';
import type { CaseNote } from './case-note.entity.js';
import { CaseNotesRepository } from './case-notes.repository.js';
import { CasesRepository } from './cases.repository.js';

/** An entry of a case's timeline as shown: an event, with the names of the fields it changed. */
export interface TimelineEntry {
  at: Date;
  type: string;
  actorUserId: string | null;
  details: Record<string, unknown> | null;
  changedFields: string[];
}

/** The case file's notes and timeline (DESIGN §3): part of its record, the owning organization's only. */
@Injectable()
export class CaseNotesService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    private readonly subjectKeys: SubjectKeys,
    private readonly caseRepo: CasesRepository,
    private readonly repo: CaseNotesRepository,
  ) {}

  addNote(actor: Actor, id: string, text: string): Promise<CaseNote> {
    return this.db.transaction(async (em) => {
      const c = await this.caseRepo.findVisible(em, actor, id);
      assertCan(actor, 'update', 'Case', c);
      assertNotAnonymized(c);
      const note = await this.repo.insert(em, { caseId: c.id, owningOrganizationId: c.owningOrganizationId, text, authorId: actor.userId, createdAt: this.clock.now() });
      await this.audit.record(em, actor, 'case.note_added', caseTarget(c), { details: { noteId: note.id } });
      return note;
    });
  }

  /** One page of the case's notes, newest first; the read is audited. */
  async notes(actor: Actor, id: string, page: PageRequest): Promise<Page<CaseNote>> {
    const c = await this.caseRepo.findVisible(this.db.manager, actor, id);
    assertCan(actor, 'read', 'Case', c, 'record');
    await this.audit.record(null, actor, 'case.notes_viewed', caseTarget(c));
    return this.repo.notes(this.db.manager, c.id, page);
  }

  /** Everything that happened to the case, from its audit trail (reads excluded); the read is audited. */
  async timeline(actor: Actor, id: string, page: PageRequest): Promise<Page<TimelineEntry>> {
    const c = await this.caseRepo.findVisible(this.db.manager, actor, id);
    assertCan(actor, 'read', 'Case', c, 'record');
    await this.audit.record(null, actor, 'case.timeline_viewed', caseTarget(c));
    const p = await this.repo.timeline(this.db.manager, c.id, page);
    // Personal values in details read in clear while the case's data key exists (issue 11).
    await openEvents(this.db.manager, this.subjectKeys, p.items);
    return { nextCursor: p.nextCursor, items: p.items.map((e) => ({ at: e.at, type: e.type, actorUserId: e.actorUserId, details: e.details, changedFields: Object.keys(e.changes ?? {}) })) };
  }
}
