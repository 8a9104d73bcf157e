import { DomainError } from '@passerelle/common';
import { ANONYMIZATION_REQUEST_STATUSES, type AnonymizationRequestAction, nextAnonymizationRequestStatus } from './anonymization-status.js';

describe('anonymization request transitions (issue 11: maker-checker, decided once)', () => {
  const allowed: Record<string, string> = { 'pending approve': 'approved', 'pending reject': 'rejected' };
  for (const from of ANONYMIZATION_REQUEST_STATUSES) {
    for (const action of ['approve', 'reject'] as AnonymizationRequestAction[]) {
      const to = allowed[`${from} ${action}`];
      it(`${action} from ${from} → ${to ?? 'INVALID_TRANSITION'}`, () => {
        if (to) expect(nextAnonymizationRequestStatus(from, action)).toBe(to);
        else {
          expect(() => nextAnonymizationRequestStatus(from, action)).toThrow(DomainError);
          try {
            nextAnonymizationRequestStatus(from, action);
          } catch (e) {
            expect((e as DomainError).code).toBe('INVALID_TRANSITION');
          }
        }
      });
    }
  }
});
