import { DomainError } from '@passerelle/common';
import type { CaseStatus } from './case-vocabulary.js';

export type CaseAction = 'close' | 'reopen';

const TRANSITIONS: Record<CaseAction, { from: CaseStatus[]; to: CaseStatus }> = {
  close: { from: ['open'], to: 'closed' },
  reopen: { from: ['closed'], to: 'open' },
};

/** Whether the table allows `action` from `from`: what nextCaseStatus checks, and what `actions` lists. */
export const caseTransitionAllowed = (from: CaseStatus, action: CaseAction): boolean => TRANSITIONS[action].from.includes(from);

export function nextCaseStatus(from: CaseStatus, action: CaseAction): CaseStatus {
  const t = TRANSITIONS[action];
  if (!caseTransitionAllowed(from, action)) throw new DomainError('INVALID_TRANSITION', `cannot ${action} a ${from} case`);
  return t.to;
}
