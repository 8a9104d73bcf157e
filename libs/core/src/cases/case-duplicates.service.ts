import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, assertCan, canOn } from '@passerelle/common';
import { AuditWriter } from '../audit/index.js';
import { caseTarget } from './case-data.js';
import type { Case } from './case.entity.js';
import type { CaseField } from './case.rules.js';
import type { CaseView, DuplicateProbe } from './case.types.js';
import { CasesRepository } from './cases.repository.js';

/** What a list row shows beyond the identity (toCaseSummary). */
const ROW_FIELDS: CaseField[] = ['record', 'vulnerabilities'];

/** A likely duplicate shown: the case as a list row, and its score. */
export type ScoredCase = CaseView & { score: number };

/** Likely duplicates among the cases the actor may see: name similarity + birth year + nationality (DESIGN §3, issue 20). */
@Injectable()
export class CaseDuplicatesService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditWriter,
    private readonly repo: CasesRepository,
  ) {}

  /** Likely duplicates of a case: part of its record (403 to a shared view). */
  async duplicates(actor: Actor, id: string): Promise<ScoredCase[]> {
    const c = await this.repo.findVisible(this.db.manager, actor, id);
    assertCan(actor, 'read', 'Case', c, 'record');
    const name = (await this.repo.searchNameOf(this.db.manager, c.id)) ?? '';
    const shown = await this.scoredCandidates(actor, { name, birthYear: c.birthYear, nationality: c.nationality, exceptId: c.id });
    // The read audited is what was shown, not the rows below the cut-off.
    await this.audit.record(null, actor, 'case.duplicates_viewed', caseTarget(c), { details: { candidates: shown.map((d) => d.case.id) } });
    return shown;
  }

  /**
   * The cases the actor may see that look like a person about to be registered (issue 20: the
   * register form warns while the name and date of birth are typed), scored as `duplicates`.
   * Audited as a read of the cases shown, under the actor's organization, when any is shown.
   */
  async duplicateCandidates(actor: Actor, probe: DuplicateProbe): Promise<ScoredCase[]> {
    const name = await this.repo.searchNameFor(this.db.manager, probe);
    const birthYear = probe.dateOfBirth ? Number(probe.dateOfBirth.slice(0, 4)) : (probe.birthYear ?? null);
    const shown = await this.scoredCandidates(actor, { name: name ?? '', birthYear, nationality: probe.nationality ?? null });
    // Together: the audit writer puts concurrent reads in one insert (one round trip while typing, not one per case).
    await Promise.all(shown.map((d) => this.audit.record(null, actor, 'case.duplicates_viewed', caseTarget(d.case), { details: { probe: true } })));
    return shown;
  }

  /** The candidates scoring 0.5 or more, best first, as list rows. */
  private async scoredCandidates(actor: Actor, p: { name: string; birthYear: number | null; nationality: string | null; exceptId?: string }): Promise<ScoredCase[]> {
    if (!p.name) return [];
    const found = await this.repo.likelyDuplicates(this.db.manager, actor, p);
    return found.map((d) => ({ ...this.summary(actor, d.case), score: d.score })).filter((d) => d.score >= 0.5);
  }

  /**
   * A list row: the identity (which every scoped read grants) and, when readable, `record` and
   * `vulnerabilities` — all a row shows (toCaseSummary); two ability checks a row, not eight.
   */
  private summary(actor: Actor, c: Case): CaseView {
    return { case: c, fields: ['identity', ...ROW_FIELDS.filter((f) => canOn(actor, 'read', 'Case', c, f))] };
  }
}
