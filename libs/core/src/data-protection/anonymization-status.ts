import { DomainError } from '@passerelle/common';

export const ANONYMIZATION_REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type AnonymizationRequestStatus = (typeof ANONYMIZATION_REQUEST_STATUSES)[number];
export type AnonymizationRequestAction = 'approve' | 'reject';

const TRANSITIONS: Record<AnonymizationRequestAction, { from: AnonymizationRequestStatus[]; to: AnonymizationRequestStatus }> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
};

export function nextAnonymizationRequestStatus(from: AnonymizationRequestStatus, action: AnonymizationRequestAction): AnonymizationRequestStatus {
  const t = TRANSITIONS[action];
  if (!t.from.includes(from)) throw new DomainError('INVALID_TRANSITION', `cannot ${action} a ${from} anonymization request`);
  return t.to;
}
