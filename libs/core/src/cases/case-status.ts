import { DomainError } from '@passerelle/common';
import type { CaseStatus } from './case-vocabulary.js';

export type CaseAction = 'close' | 'reopen';

const TRANSITIONS: Record<CaseAction, { from: CaseStatus[]; to: CaseStatus }> = {
  close: { from: ['open'], to: 'closed' },
  reopen: { from: ['closed'], to: 'open' },
};

export function nextCaseStatus(from: CaseStatus, action: CaseAction): CaseStatus {
  const t = TRANSITIONS[action];
  if (!t.from.includes(from)) throw new DomainError('INVALID_TRANSITION', `cannot ${action} a ${from} case`);
  return t.to;
}
