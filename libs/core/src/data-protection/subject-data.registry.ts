import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * What a feature holds about the person of a case, for the data-protection service (issue 11):
 * - `tables`: every table of the feature with a `case_id` column. The anonymization refuses to run
 *   while a table with a case_id is claimed by no handler (a feature that forgot to register, or a
 *   process that did not load it), so nothing about a person is silently left behind.
 * - `anonymize(em, caseIds)`: in the anonymization's transaction, for a batch of cases whose rows
 *   are locked: null or blank the feature's personal and free-text values, keep ids, codes,
 *   statuses and dates (the reports read those). Idempotent: it may meet rows already blanked.
 * - `export(em, caseId)`: the feature's section of the subject-access export, plain JSON.
 */
export interface SubjectDataHandler {
  /** The export section's name, e.g. `referrals`, `returns`. */
  name: string;
  tables: readonly string[];
  anonymize(em: EntityManager, caseIds: readonly string[]): Promise<void>;
  export?(em: EntityManager, caseId: string): Promise<unknown>;
}

/**
 * The hook features plug into, like CaseCloseChecks: a feature registers its handler in one line
 * in its module's onModuleInit — `registry.register(returnsSubjectData)`.
 */
@Injectable()
export class SubjectDataRegistry {
  private readonly handlers: SubjectDataHandler[] = [];

  /** Returns the way to take it out again (tests). */
  register(handler: SubjectDataHandler): () => void {
    if (this.handlers.some((h) => h.name === handler.name)) throw new Error(`subject data handler ${handler.name} registered twice`);
    this.handlers.push(handler);
    return () => {
      const i = this.handlers.indexOf(handler);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  list(): readonly SubjectDataHandler[] {
    return this.handlers;
  }

  claimedTables(): Set<string> {
    return new Set(this.handlers.flatMap((h) => h.tables));
  }
}
