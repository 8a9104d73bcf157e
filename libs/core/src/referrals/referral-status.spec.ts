import { DomainError } from '@passerelle/common';
import { nextReferralStatus, REFERRAL_STATUSES, type ReferralAction, type ReferralStatus, respondBy } from './referral-status.js';

/** DESIGN §4, every (status, action) pair: the allowed ones and their target, all others 409. */
const ALLOWED: Record<string, ReferralStatus> = {
  'pending:accept': 'accepted',
  'pending:decline': 'declined',
  'accepted:complete': 'completed',
  'pending:cancel': 'cancelled',
  'accepted:cancel': 'cancelled',
};
const ACTIONS: ReferralAction[] = ['accept', 'decline', 'complete', 'cancel'];

describe('referral transitions', () => {
  for (const from of REFERRAL_STATUSES) {
    for (const action of ACTIONS) {
      const to = ALLOWED[`${from}:${action}`];
      it(`${action} a ${from} referral → ${to ?? 'INVALID_TRANSITION'}`, () => {
        if (to) {
          expect(nextReferralStatus(from, action)).toBe(to);
        } else {
          let caught: unknown;
          try {
            nextReferralStatus(from, action);
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(DomainError);
          expect((caught as DomainError).code).toBe('INVALID_TRANSITION');
        }
      });
    }
  }

  it('ended referrals (declined, completed, cancelled) accept no action at all', () => {
    for (const from of ['declined', 'completed', 'cancelled'] as const) {
      for (const action of ACTIONS) expect(() => nextReferralStatus(from, action)).toThrow(DomainError);
    }
  });
});

describe('respondBy', () => {
  const at = new Date('2026-11-20T10:00:00Z');
  it.each([
    ['emergency', '2026-11-20T14:00:00.000Z'],
    ['high', '2026-11-21T10:00:00.000Z'],
    ['normal', '2026-11-23T10:00:00.000Z'],
  ] as const)('%s → %s', (urgency, expected) => {
    expect(respondBy(at, urgency).toISOString()).toBe(expected);
  });
});
