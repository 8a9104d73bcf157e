import { DomainError } from '@passerelle/common';
import { checkpointResult, LETTER_STATUSES, type LetterAction, type LetterStatus, letterState, maliToday, nextLetterStatus, validityErrors } from './letter-status.js';

/** DESIGN §6, every (status, action) pair: only an active letter is revoked or superseded, all others 409. */
const ALLOWED: Record<string, LetterStatus> = { 'active:revoke': 'revoked', 'active:supersede': 'superseded' };
const ACTIONS: LetterAction[] = ['revoke', 'supersede'];

describe('letter transitions', () => {
  for (const from of LETTER_STATUSES) {
    for (const action of ACTIONS) {
      const to = ALLOWED[`${from}:${action}`];
      it(`${action} a ${from} letter → ${to ?? 'INVALID_TRANSITION'}`, () => {
        if (to) return expect(nextLetterStatus(from, action)).toBe(to);
        let caught: unknown;
        try {
          nextLetterStatus(from, action);
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(DomainError);
        expect((caught as DomainError).code).toBe('INVALID_TRANSITION');
      });
    }
  }
});

describe('validityErrors (at most 30 days, validUntil after validFrom, not backdated)', () => {
  const today = '2026-11-23';
  it.each([
    ['2026-11-23', '2026-11-24', []],
    ['2026-11-23', '2026-12-23', []],
    ['2026-12-01', '2026-12-31', []],
    // across the end of February and a leap day: counted in calendar days
    ['2028-02-15', '2028-03-16', []],
    ['2026-11-23', '2026-12-24', ['validUntil']],
    ['2026-11-23', '2026-11-23', ['validUntil']],
    ['2026-11-23', '2026-11-01', ['validUntil']],
    ['2026-11-22', '2026-12-10', ['validFrom']],
    ['2026-11-01', '2026-12-31', ['validFrom', 'validUntil']],
  ])('%s → %s: %j', (from, until, fields) => {
    expect(validityErrors(from, until, today).map((e) => e.field)).toEqual(fields);
  });
});

describe('state and checkpoint result', () => {
  const letter = (status: LetterStatus) => ({ status, validFrom: '2026-11-25', validUntil: '2026-12-10' });
  it.each([
    ['active', '2026-11-24', 'not_yet_valid', 'active'],
    ['active', '2026-11-25', 'valid', 'active'],
    ['active', '2026-12-10', 'valid', 'active'],
    ['active', '2026-12-11', 'expired', 'expired'],
    ['revoked', '2026-11-30', 'revoked', 'revoked'],
    ['revoked', '2027-01-01', 'revoked', 'revoked'],
    ['superseded', '2026-11-30', 'superseded', 'superseded'],
    ['superseded', '2027-01-01', 'superseded', 'superseded'],
  ] as const)('%s letter on %s: checkpoint %s, register %s', (status, today, result, state) => {
    expect(checkpointResult(letter(status), today)).toBe(result);
    expect(letterState(letter(status), today)).toBe(state);
  });

  it('a day in Mali is the UTC day', () => {
    expect(maliToday(new Date('2026-11-23T23:59:59Z'))).toBe('2026-11-23');
    expect(maliToday(new Date('2026-11-24T00:00:00Z'))).toBe('2026-11-24');
  });
});
