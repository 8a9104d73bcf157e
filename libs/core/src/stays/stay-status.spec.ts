import { codeOf } from '../../../../test/support/domain-errors.js';
import { addDays, EXTENSION_STATUSES, type ExtensionAction, type ExtensionStatus, nextExtensionStatus, nextStayStatus, STAY_STATUSES, type StayAction, type StayStatus } from './stay-status.js';


/** DESIGN §5, every (status, action) pair of a stay: the allowed ones and their target, all others 409. */
const STAY_ALLOWED: Record<string, StayStatus> = {
  'active:checkOut': 'checked_out',
  'active:extend': 'active',
};
const STAY_ACTIONS: StayAction[] = ['checkOut', 'extend'];

describe('stay transitions', () => {
  for (const from of STAY_STATUSES) {
    for (const action of STAY_ACTIONS) {
      const to = STAY_ALLOWED[`${from}:${action}`];
      it(`${action} a ${from} stay → ${to ?? 'INVALID_TRANSITION'}`, () => {
        if (to) expect(nextStayStatus(from, action)).toBe(to);
        else expect(codeOf(() => nextStayStatus(from, action))).toBe('INVALID_TRANSITION');
      });
    }
  }
});

/** Maker-checker decisions and the cancellation at check-out: only a pending request moves. */
const EXTENSION_ALLOWED: Record<string, ExtensionStatus> = {
  'pending:approve': 'approved',
  'pending:reject': 'rejected',
  'pending:cancel': 'cancelled',
};
const EXTENSION_ACTIONS: ExtensionAction[] = ['approve', 'reject', 'cancel'];

describe('extension transitions', () => {
  for (const from of EXTENSION_STATUSES) {
    for (const action of EXTENSION_ACTIONS) {
      const to = EXTENSION_ALLOWED[`${from}:${action}`];
      it(`${action} a ${from} request → ${to ?? 'INVALID_TRANSITION'}`, () => {
        if (to) expect(nextExtensionStatus(from, action)).toBe(to);
        else expect(codeOf(() => nextExtensionStatus(from, action))).toBe('INVALID_TRANSITION');
      });
    }
  }
});

describe('addDays', () => {
  it.each([
    ['2026-11-23T08:00:00.000Z', 10, '2026-12-03T08:00:00.000Z'],
    ['2026-12-28T23:30:00.000Z', 5, '2027-01-02T23:30:00.000Z'],
    ['2028-02-25T12:00:00.000Z', 5, '2028-03-01T12:00:00.000Z'],
  ] as const)('%s + %i days → %s (whole days of 24 h: Mali keeps UTC all year)', (at, days, expected) => {
    expect(addDays(new Date(at), days).toISOString()).toBe(expected);
  });
});
