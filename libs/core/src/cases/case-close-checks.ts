import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ClosureReason } from './case-vocabulary.js';

/**
 * Returns why the case cannot be closed now (e.g. "an active shelter stay"), or null. `reason`
 * is the closure reason asked for: some need a fact (`returned` needs an arrived return).
 */
export type CloseCheck = (em: EntityManager, caseId: string, reason: ClosureReason) => Promise<string | null>;

/**
 * The hook later features plug into (issue 5): shelter stays and returns register a check
 * that blocks closing a case while they are in progress (409 CASE_NOT_CLOSABLE).
 */
@Injectable()
export class CaseCloseChecks {
  private readonly checks: CloseCheck[] = [];

  register(check: CloseCheck): void {
    this.checks.push(check);
  }

  async blockers(em: EntityManager, caseId: string, reason: ClosureReason): Promise<string[]> {
    const found = await Promise.all(this.checks.map((c) => c(em, caseId, reason)));
    return found.filter((x): x is string => x !== null);
  }
}
